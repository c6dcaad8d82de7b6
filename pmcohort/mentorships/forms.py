from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired
from wtforms.widgets import HiddenInput

from pmcohort.core.forms import BaseForm
from pmcohort.mentorships.services import MAX_REASON_LENGTH


class DeclineForm(BaseForm):
    reason = StringField(
        "Decline with a reason",
        render_kw={"maxlength": MAX_REASON_LENGTH},
        description="A sentence helps the lead find a better match.",
    )


class RequestMentorForm(BaseForm):
    mentor_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
