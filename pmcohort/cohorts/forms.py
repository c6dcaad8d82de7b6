from datetime import date

from flask_wtf.file import FileField
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from pmcohort.core.forms import BaseForm, choices_from
from pmcohort.domain.limits import (
    ANNOUNCEMENT_TEXT,
    COHORT_WEEKS,
    DEFAULT_COHORT_WEEKS,
    UPLOAD_LIMIT_IN_WORDS,
)
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


class CohortDetailsForm(CohortForm):
    description = TextAreaField(
        "Description",
        validators=[Optional(), Length(max=2000)],
        description="What the cohort is for and who it is for; members and sponsors read it.",
    )


class StatusForm(BaseForm):
    target = HiddenField(validators=[InputRequired()])


class InviteForm(BaseForm):
    email = EmailField(
        "Email",
        validators=[
            InputRequired(message="Enter the address to invite."),
            Email(message="Enter an email address like name@example.com."),
            Length(max=254),
        ],
    )
    name = StringField("Name", validators=[Optional(), Length(max=120)])
    role = RadioField(
        "Invite as",
        choices=choices_from({MemberRole.ENGINEER: "Engineer", MemberRole.MENTOR: "Mentor"}),
        default=MemberRole.ENGINEER,
        validators=[InputRequired()],
    )


class ImportForm(BaseForm):
    file = FileField(
        "CSV file",
        description=(
            "Columns: email, name, role (engineer or mentor), time zone (like Europe/Berlin), and optionally "
            f"path and domain. UTF-8, comma or semicolon separated, up to {UPLOAD_LIMIT_IN_WORDS}."
        ),
    )


class ButtonForm(BaseForm):
    """Only the CSRF token: a confirmation button."""


class MemberForm(BaseForm):
    user_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    role = HiddenField(validators=[InputRequired()])
    reason = StringField("Reason", validators=[Optional(), Length(max=500)])


class MoveForm(MemberForm):
    to_cohort_id = SelectField("Move to", coerce=int, validators=[InputRequired(message="Choose a cohort.")])


class AnnouncementForm(BaseForm):
    title = StringField("Title", validators=[InputRequired(message="Give it a title."), Length(max=160)])
    body = TextAreaField(
        "Announcement",
        validators=[
            InputRequired(message="Write the announcement."),
            Length(max=ANNOUNCEMENT_TEXT.high, message=f"Keep it under {ANNOUNCEMENT_TEXT.high:,} characters."),
        ],
    )


class LeadForm(BaseForm):
    email = EmailField("Email of the lead to add", validators=[InputRequired(message="Enter their email.")])
