from wtforms import IntegerField, RadioField, StringField
from wtforms.validators import InputRequired
from wtforms.widgets import HiddenInput

from pmcohort.core.forms import BaseForm, choices_from
from pmcohort.domain.statuses import RematchChoice
from pmcohort.mentorships.services import MAX_REASON_LENGTH


class DeclineForm(BaseForm):
    reason = StringField(
        "Decline with a reason",
        render_kw={"maxlength": MAX_REASON_LENGTH},
        description="A sentence helps the lead find a better match.",
    )


class RequestMentorForm(BaseForm):
    mentor_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class RematchForm(BaseForm):
    """The decision on a re-match proposal; the mentor choices are the proposal's candidates."""

    choice = RadioField(
        "What to do",
        choices=choices_from(
            {
                RematchChoice.SECONDARY: "Add a second mentor for this skill (a short match; uses one of their places)",
                RematchChoice.REMATCH: "Re-match: end the current match and propose this mentor instead",
            }
        ),
        validators=[InputRequired("Choose what to do.")],
    )
    mentor_id = RadioField("Mentor", coerce=int, validators=[InputRequired("Choose a mentor.")])

    def offer(self, candidates: list[dict]) -> "RematchForm":
        """The proposal's candidate mentors, to choose from."""
        self.mentor_id.choices = [(candidate["mentor_id"], candidate["name"]) for candidate in candidates]
        return self


class DismissRematchForm(BaseForm):
    """Keep things as they are: no fields, only the CSRF token."""
