from datetime import time

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from pmcohort.core.forms import BaseForm, choices_from
from pmcohort.domain import vocabulary
from pmcohort.domain.availability import WEEKDAY_NAMES
from pmcohort.domain.limits import MENTOR_CAPACITY, STRENGTH_LEVEL, YEARS_OF_EXPERIENCE

STRENGTH_LEVELS = {
    "1": "1 — learning it myself",
    "2": "2 — some experience",
    "3": "3 — solid, done it many times",
    "4": "4 — strong, I coach others on it",
    "5": "5 — expert, known for it",
}


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EngineerProfileForm(BaseForm):
    years_experience = IntegerField(
        "Years of engineering experience",
        validators=[
            InputRequired(message="Enter a whole number of years."),
            NumberRange(
                YEARS_OF_EXPERIENCE.low,
                YEARS_OF_EXPERIENCE.high,
                f"Enter a whole number of years between {YEARS_OF_EXPERIENCE.low} and {YEARS_OF_EXPERIENCE.high}.",
            ),
        ],
    )
    path = RadioField(
        "Your path into product management",
        choices=choices_from(vocabulary.PATHS),
        validators=[InputRequired(message="Choose the path you are taking.")],
    )
    target_domain = RadioField(
        "The domain you are aiming for",
        choices=choices_from(vocabulary.DOMAINS),
        validators=[InputRequired(message="Choose a target domain.")],
    )


class MentorProfileForm(BaseForm):
    headline = StringField(
        "One line about you",
        validators=[Optional(), Length(max=160)],
        description="E.g. “Group PM for developer tools; was a backend engineer for 6 years.”",
    )
    former_engineer = BooleanField("I moved from engineering to product management myself")
    paths = CheckboxesField("Paths you walked or know well", choices=choices_from(vocabulary.PATHS))
    domains = CheckboxesField("Domains you have worked in", choices=choices_from(vocabulary.DOMAINS))
    # The kinds are data (admins add them): the page sets the choices.
    interview_kinds = CheckboxesField("Mock interviews you can run")
    capacity = IntegerField(
        "How many mentees at once",
        validators=[
            InputRequired(message=f"Enter a number from {MENTOR_CAPACITY.low} to {MENTOR_CAPACITY.high}."),
            NumberRange(
                MENTOR_CAPACITY.low,
                MENTOR_CAPACITY.high,
                f"Enter a number of mentees between {MENTOR_CAPACITY.low} and {MENTOR_CAPACITY.high} (0 pauses new matches).",
            ),
        ],
        description="0 pauses new matches without hiding your profile.",
    )


for _skill, _label in vocabulary.SKILLS.items():
    setattr(
        MentorProfileForm,
        f"strength_{_skill}",
        SelectField(
            f"{_label}: your level",
            choices=choices_from(STRENGTH_LEVELS),
            validators=[InputRequired(message=f"Choose a level from {STRENGTH_LEVEL.low} to {STRENGTH_LEVEL.high}.")],
        ),
    )
    setattr(
        MentorProfileForm,
        f"evidence_{_skill}",
        StringField(
            f"{_label}: one line of evidence",
            validators=[Optional(), Length(max=200, message="Keep it to one line (200 characters).")],
            description="What you have done that shows it.",
        ),
    )


QUARTER_HOUR_SECONDS = 15 * 60


def on_quarter_hour(form, field) -> None:
    if field.data is not None and field.data.minute % 15:
        raise ValidationError("Use times on the quarter hour, e.g. 18:00 or 18:15.")


class WindowForm(BaseForm):
    weekday = SelectField(
        "Day",
        choices=choices_from({str(n): name for n, name in enumerate(WEEKDAY_NAMES)}),
        validators=[InputRequired()],
    )
    start = TimeField(
        "From",
        validators=[InputRequired(message="Enter a start time."), on_quarter_hour],
        render_kw={"step": QUARTER_HOUR_SECONDS},
    )
    end = TimeField(
        "Until",
        validators=[InputRequired(message="Enter an end time."), on_quarter_hour],
        render_kw={"step": QUARTER_HOUR_SECONDS},
        description="00:00 means midnight at the end of the day.",
    )

    def minutes(self) -> tuple[int, int, int]:
        start = self.start.data.hour * 60 + self.start.data.minute
        end = self.end.data.hour * 60 + self.end.data.minute
        if self.end.data == time(0, 0):
            end = 24 * 60
        return int(self.weekday.data), start, end


class AwayForm(BaseForm):
    first_day = DateField("Away from", validators=[InputRequired(message="Enter the first day you are away.")])
    last_day = DateField(
        "Back after",
        validators=[InputRequired(message="Enter the last day you are away.")],
        description="The last day you are away, included.",
    )
