from datetime import date

from wtforms import DateField, HiddenField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from pmcohort.forms import BaseForm, choices_from


class CohortForm(BaseForm):
    name = StringField("Cohort name", validators=[InputRequired(message="Give the cohort a name."), Length(max=120)])
    start_date = DateField("Starts on", validators=[InputRequired(message="Pick a start date.")], default=date.today)
    weeks = IntegerField("Length in weeks", default=12, validators=[InputRequired(), NumberRange(1, 52, "Enter a length between 1 and 52 weeks.")],
                         description="Twelve weeks covers the first three months of the transition.")


class EnrollForm(BaseForm):
    role = RadioField("Enroll as", choices=choices_from({"engineer": "Engineers", "mentor": "Mentors"}), default="engineer",
                      validators=[InputRequired()])
    emails = TextAreaField("Email addresses", validators=[InputRequired(message="Paste one or more email addresses.")],
                           description="One per line, or separated by commas. They must have signed up already.")


class EndMatchForm(BaseForm):
    reason = StringField("Reason", validators=[Optional(), Length(max=500)])
    outcome = HiddenField(validators=[InputRequired()])
