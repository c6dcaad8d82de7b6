"""Session forms. They read what was typed; the rules (free time, lengths, who may do what) stay in the service,
whose errors name these fields: `start`, `duration`, `kind`, `interview_kind`, `persona_key`, `reason`, ..."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import AnyOf, InputRequired, Optional, ValidationError

from pmcohort.core.forms import BaseForm, choices_from
from pmcohort.core.types import utcnow
from pmcohort.domain import debriefs, limits, practice
from pmcohort.domain.statuses import SESSION_KIND_LABELS, Attendance
from pmcohort.domain.times import format_duration
from pmcohort.domain.vocabulary import OVERALL_SIGNALS, PITFALLS, SKILLS, TARGET_LEVELS
from pmcohort.mentoring import booking

DURATIONS = (30, 45, 60, 90, 120)
DEFAULT_DURATION = "60"
PLANNING_HORIZON_YEARS = 2
QUARTER_HOUR_SECONDS = 15 * 60
TEXT_AREA = {"rows": 3}
RATE_THE_SESSION = f"Rate the session from {limits.FEEDBACK_RATING.low} to {limits.FEEDBACK_RATING.high}."


def within_planning_horizon(message: str):
    """A date (or date and time) no further than the planning horizon from today; also keeps date arithmetic
    off the calendar's edge."""

    def check(form, field) -> None:
        if field.data is not None and abs(field.data.year - utcnow().year) > PLANNING_HORIZON_YEARS:
            raise ValidationError(message)

    return check


def _aware_datetime(value: str | datetime) -> datetime:
    """A slot's value as the page sent it: an ISO time with its offset (ValueError without one)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(value)
    return moment


def _duration_choices() -> dict[str, str]:
    return {str(minutes): f"{minutes} min" for minutes in DURATIONS}


def _kind_specific_choice(label: str, **options) -> SelectField:
    """A choice only some kinds of session ask for: left blank or unchecked elsewhere, as the service ignores it there."""
    return SelectField(label, validate_choice=False, **options)


class SessionDetailsForm(BaseForm):
    """The kind of session and what it is about; every kind's fields are here, the service ignores those that do not apply."""

    kind = SelectField(
        "Kind of session",
        invalid_choice_message="Choose a kind of session.",
        validators=[InputRequired(message="Choose a kind of session.")],
    )
    interview_kind = _kind_specific_choice(
        "For interview practice: which interview", description="Only the kinds the mentor runs are offered."
    )
    persona_key = _kind_specific_choice("For a stakeholder role-play: the persona")
    skill = _kind_specific_choice("For shadowing: the skill it exercises", choices=choices_from({"": "—", **SKILLS}))
    title = StringField("Title")
    agenda = TextAreaField(
        "Agenda or pre-brief",
        render_kw=TEXT_AREA,
        description="For shadowing: the activity (a discovery interview, a roadmap review, a stakeholder meeting) and its agenda.",
    )
    watch_for = TextAreaField("For shadowing: what to watch for", render_kw=TEXT_AREA)
    confidentiality = TextAreaField(
        "For shadowing: confidentiality note",
        render_kw=TEXT_AREA,
        description="What the engineer must not repeat outside the room.",
    )

    def offer(self, kinds: tuple[str, ...], personas, interview_kinds: dict[str, str]) -> "SessionDetailsForm":
        """The kinds this person may choose, the persona cards in use, and the mock interviews the mentor runs."""
        self.kind.choices = choices_from({key: SESSION_KIND_LABELS[key] for key in kinds})
        self.persona_key.choices = choices_from({"": "—", **{item.key: item.title for item in personas}})
        self.interview_kind.choices = choices_from({"": "—", **interview_kinds})
        return self

    def details(self) -> booking.Details:
        return booking.Details(
            title=self.title.data or "",
            agenda=self.agenda.data or "",
            watch_for=self.watch_for.data or "",
            confidentiality=self.confidentiality.data or "",
            interview_kind=self.interview_kind.data or None,
            persona_key=self.persona_key.data or None,
            skill=self.skill.data or None,
        )


class WhenMixin:
    """A date and a start time in the viewer's time zone, and a length."""

    day = DateField(
        "Date",
        validators=[
            InputRequired(message="Enter a date."),
            within_planning_horizon(f"Choose a date within {PLANNING_HORIZON_YEARS} years."),
        ],
        invalid_value_message="Enter a date like 2030-05-06.",
    )
    start = TimeField(
        "Start",
        validators=[InputRequired(message="Enter a start time.")],
        render_kw={"step": QUARTER_HOUR_SECONDS},
        invalid_value_message="Enter a start time like 14:30.",
    )
    duration = SelectField(
        "Length",
        choices=choices_from(_duration_choices()),
        default=DEFAULT_DURATION,
        invalid_choice_message="Choose one of the lengths offered.",
    )

    def show_zone(self, zone: str):
        self.start.label.text = f"Start ({zone})"
        return self

    def start_utc(self, zone: str) -> datetime:
        return datetime.combine(self.day.data, self.start.data, tzinfo=ZoneInfo(zone)).astimezone(UTC)

    def length(self) -> timedelta:
        return timedelta(minutes=int(self.duration.data))


class ProposeForm(WhenMixin, SessionDetailsForm):
    pass


class LengthForm(BaseForm):
    """The length to show free slots for: a GET form, so it carries no CSRF token."""

    class Meta:
        csrf = False

    duration = SelectField(
        "Length",
        choices=choices_from(_duration_choices()),
        default=DEFAULT_DURATION,
        invalid_choice_message="Choose one of the lengths offered.",
    )


class BookForm(SessionDetailsForm):
    start = RadioField(
        "Free times in the next two weeks",
        coerce=_aware_datetime,
        validate_choice=False,
        validators=[
            InputRequired(message="Choose one of the free slots."),
            within_planning_horizon("Choose one of the free slots."),
        ],
        invalid_value_message="Choose one of the free slots.",
    )
    duration = HiddenField(
        id="booked-duration",
        default=DEFAULT_DURATION,
        validators=[AnyOf([str(m) for m in DURATIONS], message="Choose one of the lengths offered.")],
    )

    def offer_slots(self, slots, label) -> dict[str, list]:
        """Offer `slots` as the start's choices; returns its radio buttons grouped by day, as `label(moment, style)` reads them."""
        self.start.choices = choices_from({slot.start.isoformat(): label(slot.start, "time") for slot in slots})
        days: dict[str, list] = {}
        for slot, option in zip(slots, self.start, strict=True):
            days.setdefault(label(slot.start, "weekday_and_date"), []).append(option)
        return days

    def length(self) -> timedelta:
        return timedelta(minutes=int(self.duration.data))


def _count_field(label: str, bounds: limits.Bounds, unit: str, *, default: int, missing: str) -> IntegerField:
    """A whole number of `unit`, which the browser keeps within `bounds` (the service checks them again)."""
    return IntegerField(
        label,
        default=default,
        render_kw={"min": bounds.low, "max": bounds.high},
        validators=[InputRequired(message=missing)],
        invalid_value_message=f"Enter a whole number of {unit}.",
    )


class WorkshopForm(WhenMixin, BaseForm):
    title = StringField("Title", validators=[InputRequired(message="Give the workshop a title.")])
    agenda = TextAreaField("Agenda", render_kw=TEXT_AREA)
    weeks = _count_field(
        "Weeks in a row", limits.WORKSHOP_WEEKS, "weeks", default=1, missing="Enter how many weeks in a row."
    )
    seat_limit = _count_field("Seat limit", limits.WORKSHOP_SEATS, "seats", default=20, missing="Enter a seat limit.")

    def details(self) -> booking.Details:
        return booking.Details(title=self.title.data, agenda=self.agenda.data or "")


class RescheduleForm(WhenMixin, BaseForm):
    reason = StringField("Why", id="move-reason")


class CancelForm(BaseForm):
    reason = StringField(
        "Why",
        id="cancel-reason",
        description=f"Cancelling less than {format_duration(limits.CANCELLATION_NOTICE)} before the start is recorded as late.",
    )


class AttendanceForm(BaseForm):
    """One radio group per guest, `attendance_<user id>`; built for the session's guests by `attendance_form`."""

    def marks(self) -> dict[int, str]:
        return {
            int(field.name.removeprefix("attendance_")): field.data
            for field in self
            if field.name.startswith("attendance_")
        }


def attendance_form(guests, **kwargs) -> AttendanceForm:
    fields = {
        f"attendance_{guest.user_id}": RadioField(
            guest.user.name,
            choices=choices_from({Attendance.ATTENDED: "Attended", Attendance.NO_SHOW: "No-show"}),
            validate_choice=False,
            default=guest.attendance,
        )
        for guest in guests
    }
    return type("GuestAttendanceForm", (AttendanceForm,), fields)(**kwargs)


class FeedbackForm(BaseForm):
    """How useful the session was; the host's scores of the engineer go in the debrief."""

    rating = RadioField(
        f"How useful was it? ({limits.FEEDBACK_RATING.low}–{limits.FEEDBACK_RATING.high})",
        coerce=int,
        choices=choices_from({n: str(n) for n in limits.FEEDBACK_RATING.values}),
        validate_choice=False,
        invalid_value_message=RATE_THE_SESSION,
    )
    notes = TextAreaField("Notes", render_kw=TEXT_AREA)


class DebriefForm(BaseForm):
    """The mentor's debrief; built per rubric by `debrief_form` with `score_<key>` and `note_<key>` per dimension,
    `pitfall_<key>` and `pitfall_note_<key>` per pitfall, and `action_<n>` and `due_<n>` per action-item row."""

    overall_notes = TextAreaField("Overall notes", render_kw={"rows": 4})
    target_level = SelectField(
        "The level the engineer is aiming for",
        choices=choices_from({"": "—", **TARGET_LEVELS}),
        validate_choice=False,
    )
    overall_signal = RadioField(
        "Overall signal at that level", choices=choices_from(OVERALL_SIGNALS), validate_choice=False
    )
    save_draft = SubmitField("Save draft")
    publish = SubmitField("Publish to the engineer")

    def draft(self, rubric: practice.Rubric | None) -> debriefs.DebriefDraft:
        dimensions = rubric.dimensions if rubric else ()
        rows = range(1, debriefs.ACTION_ITEM_ROWS + 1)
        return debriefs.DebriefDraft(
            scores={d.key: self[f"score_{d.key}"].data for d in dimensions},
            score_notes={d.key: self[f"note_{d.key}"].data or "" for d in dimensions},
            overall_notes=self.overall_notes.data or "",
            target_level=self.target_level.data or None,
            overall_signal=self.overall_signal.data or None,
            pitfalls={key: self[f"pitfall_note_{key}"].data or "" for key in PITFALLS if self[f"pitfall_{key}"].data},
            action_items=[
                debriefs.ActionItemDraft(self[f"action_{row}"].data or "", self[f"due_{row}"].data)
                for row in rows
                if (self[f"action_{row}"].data or "").strip() or self[f"due_{row}"].data
            ],
        )


def _level_choices(dimension: practice.RubricDimension) -> list:
    """Each level with what it looks like, so the mentor reads all four beside the choice."""
    return choices_from({level: f"{level}: {text}" for level, text in dimension.levels})


def debrief_form(rubric: practice.Rubric | None, **kwargs) -> DebriefForm:
    """The debrief form for a session scored on `rubric` (None: shadowing, without scores)."""
    fields = {}
    for dimension in rubric.dimensions if rubric else ():
        fields[f"score_{dimension.key}"] = RadioField(
            dimension.label,
            coerce=int,
            validate_choice=False,
            choices=_level_choices(dimension),
            invalid_value_message=f"Scores are whole numbers from {limits.RUBRIC_LEVEL.low} to {limits.RUBRIC_LEVEL.high}.",
        )
        fields[f"note_{dimension.key}"] = StringField(f"Note on {dimension.label}")
    for key, label in PITFALLS.items():
        fields[f"pitfall_{key}"] = BooleanField(label)
        fields[f"pitfall_note_{key}"] = StringField(f"What you saw: {label.lower()}")
    for row in range(1, debriefs.ACTION_ITEM_ROWS + 1):
        fields[f"action_{row}"] = StringField(
            f"Action item {row}", description=f"One line, at most {limits.ACTION_ITEM_LENGTH} characters."
        )
        fields[f"due_{row}"] = DateField(
            f"Due (action item {row})",
            validators=[Optional(), within_planning_horizon(f"Choose a date within {PLANNING_HORIZON_YEARS} years.")],
            invalid_value_message="Enter a date like 2030-05-06.",
        )
    return type("RubricDebriefForm", (DebriefForm,), fields)(**kwargs)


def debrief_values(debrief, pitfalls, items) -> dict:
    """A stored debrief as the form's data, so a draft opens where the mentor left it."""
    values = {
        "overall_notes": debrief.overall_notes,
        "target_level": debrief.target_level or "",
        "overall_signal": debrief.overall_signal,
        **{f"score_{key}": value for key, value in debrief.scores.items()},
        **{f"note_{key}": note for key, note in debrief.score_notes.items()},
    }
    for observed in pitfalls:
        values[f"pitfall_{observed.pitfall}"] = True
        values[f"pitfall_note_{observed.pitfall}"] = observed.note
    for row, item in enumerate(items, 1):
        values[f"action_{row}"], values[f"due_{row}"] = item.text, item.due_on
    return values


class SwapQuestionForm(BaseForm):
    question_key = SelectField("Another question", validate_choice=False)


class TickForm(BaseForm):
    done = HiddenField(validators=[AnyOf(("yes", "no"), message="Tick the item or untick it.")])
    back = HiddenField()  # "dashboard" when ticked there; else back to the session


class ObservationForm(BaseForm):
    decision = TextAreaField("What decision was made?", render_kw={"rows": 2})
    who_moved_it = TextAreaField("Who moved it, and how?", render_kw={"rows": 2})
    trade_off = TextAreaField("What trade-off was accepted?", render_kw={"rows": 2})


class CommentForm(BaseForm):
    comment = TextAreaField("Your comment", render_kw={"rows": 2})
