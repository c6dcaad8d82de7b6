from datetime import date

from wtforms import DateField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from pmcohort.core.forms import BaseForm, choices_from
from pmcohort.domain.limits import COHORT_WEEKS, DEFAULT_COHORT_WEEKS
from pmcohort.domain.statuses import MemberRole


class CohortForm(BaseForm):
    name = StringField("Cohort name", validators=[InputRequired(message="Give the cohort a name."), Length(max=120)])
    start_date = DateField("Starts on", validators=[InputRequired(message="Pick a start date.")], default=date.today)
    weeks = IntegerField(
        "Length in weeks",
        default=DEFAULT_COHORT_WEEKS,
        validators=[
            InputRequired(),
            NumberRange(
                COHORT_WEEKS.low,
                COHORT_WEEKS.high,
                f"Enter a length between {COHORT_WEEKS.low} and {COHORT_WEEKS.high} weeks.",
            ),
        ],
        description="Twelve weeks covers the first three months of the transition.",
    )


class EnrollForm(BaseForm):
    role = RadioField(
        "Enroll as",
        choices=choices_from({MemberRole.ENGINEER: "Engineers", MemberRole.MENTOR: "Mentors"}),
        default=MemberRole.ENGINEER,
        validators=[InputRequired()],
    )
    emails = TextAreaField(
        "Email addresses",
        validators=[InputRequired(message="Paste one or more email addresses.")],
        description="One per line, or separated by commas. They must have signed up already.",
    )


class EndMatchForm(BaseForm):
    reason = StringField("Reason", validators=[Optional(), Length(max=500)])
    outcome = HiddenField(validators=[InputRequired()])


class PairRuleForm(BaseForm):
    """Pin or forbid a pair, or clear its rule: the button pressed sends `kind`."""

    engineer_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    mentor_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    kind = StringField()

    def rule(self) -> str | None:
        return None if self.kind.data in ("", "clear") else self.kind.data


class PinForm(PairRuleForm):
    """The same rule, shown for an unmatched engineer with the mentor to pin them to as a choice."""

    mentor_id = SelectField("Mentor to pin to", coerce=int, validators=[InputRequired()])
