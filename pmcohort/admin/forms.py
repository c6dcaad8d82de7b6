from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.validators import InputRequired

from pmcohort.forms import choices_from
from pmcohort.models import ROLES


class RoleChangeForm(FlaskForm):
    role = SelectField("Role", choices=choices_from({role: role.title() for role in ROLES}), validators=[InputRequired()])
    action = HiddenField(validators=[InputRequired()])
