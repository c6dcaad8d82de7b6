from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired
from wtforms.widgets import HiddenInput

from pmcohort.services.matching import MAX_REASON_LENGTH


class DeclineForm(FlaskForm):
    reason = StringField("Decline with a reason", render_kw={"maxlength": MAX_REASON_LENGTH},
                         description="A sentence helps the lead find a better match.")


class RequestMentorForm(FlaskForm):
    mentor_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
