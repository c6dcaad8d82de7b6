from wtforms import FieldList, FormField, HiddenField, SearchField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from pmcohort.core.forms import BaseForm, BaseSubForm, EditorForm, choices_from, required_text_area, trimmed
from pmcohort.domain.limits import FOLLOW_UPS, PUSHBACK_LINES, RUBRIC_DIMENSIONS, Bounds
from pmcohort.domain.practice import KEY_MAX_LENGTH, RubricDimension
from pmcohort.domain.statuses import Role
from pmcohort.domain.vocabulary import SKILLS
from pmcohort.mentoring import practice_bank


class UserSearchForm(BaseForm):
    """The user list's search box: a GET form, so it carries no CSRF token."""

    class Meta:
        csrf = False

    q = SearchField("Search by name or email", filters=[trimmed])


class RoleChangeForm(BaseForm):
    role = SelectField(
        "Role", choices=choices_from({role: role.title() for role in Role}), validators=[InputRequired()]
    )
    action = HiddenField(validators=[InputRequired()])


# --- the practice bank


def lines_of(text: str | None) -> list[str]:
    """The non-blank lines of a one-per-line text box, trimmed."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class LineCount:
    """A one-per-line text box holds a number of non-blank lines within `bounds`; `message` may use {count}."""

    def __init__(self, bounds: Bounds, message: str):
        self.bounds, self.message = bounds, message

    def __call__(self, form, field):
        count = len(lines_of(field.data))
        if count not in self.bounds:
            raise ValidationError(self.message.format(count=count))


def _key_field(item_type: str) -> StringField:
    rule = practice_bank.key_rule(item_type)
    return StringField(
        "Key",
        filters=[trimmed],
        description=f"{rule} It cannot change later: sessions store it.",
        validators=[
            DataRequired(message="Give it a key."),
            Length(max=KEY_MAX_LENGTH[item_type], message=rule),
            Regexp(practice_bank.KEY_PATTERN, message=rule),
        ],
    )


class QuestionForm(EditorForm):
    key = _key_field("question")
    # The kinds are data (rubrics with an interview label): the page offers them, the service checks the choice.
    kind = SelectField("Kind of interview", validate_choice=False)
    prompt = required_text_area("Prompt", "Write the question the mentor asks.")
    follow_ups = TextAreaField(
        "Follow-ups",
        render_kw={"rows": 4},
        description=f"Optional. One per line, at most {FOLLOW_UPS.high}: what the mentor asks after the first answer.",
        validators=[
            LineCount(FOLLOW_UPS, f"Give at most {FOLLOW_UPS.high} follow-ups, one per line; there are {{count}}.")
        ],
    )
    strong_answer = required_text_area(
        "What a strong answer shows",
        "Describe what a strong answer shows: mentors score against it.",
        "A guide for the mentor, not a script.",
        rows=4,
    )

    @staticmethod
    def stored_values(stored) -> dict:
        return {
            "kind": stored.kind,
            "prompt": stored.title,
            "follow_ups": "\n".join(stored.body.get("follow_ups", ())),
            "strong_answer": stored.body.get("strong_answer", ""),
        }

    def prepare(self, stored) -> None:
        self.kind.choices = choices_from(practice_bank.interview_kinds())

    def saved_values(self) -> dict:
        follow_ups = lines_of(self.follow_ups.data)
        return {
            "kind": self.kind.data,
            "prompt": self.prompt.data,
            "follow_ups": follow_ups,
            "strong_answer": self.strong_answer.data,
        }


class PersonaForm(EditorForm):
    key = _key_field("persona")
    title = StringField(
        "Title",
        filters=[trimmed],
        description="Who the mentor plays, e.g. “Skeptical VP of Product”.",
        validators=[DataRequired(message="Give the persona a title."), Length(max=160)],
    )
    situation = required_text_area(
        "Situation", "Describe the scene the mentee walks into.", "Both read it: the scene the mentee walks into."
    )
    wants = required_text_area(
        "What they ask for", "Say what the persona asks for out loud.", "What the persona asks for out loud.", rows=2
    )
    hidden_constraint = required_text_area(
        "Hidden constraint",
        "Give the hidden constraint the mentee should draw out.",
        "For the mentor only: what really drives the persona, and what the mentee should draw out.",
    )
    reveals = TextAreaField(
        "What they reveal only to a good follow-up",
        filters=[trimmed],
        render_kw={"rows": 2},
        description="Optional. For the mentor only until the debrief.",
    )
    would_convince = TextAreaField(
        "What would convince them",
        filters=[trimmed],
        render_kw={"rows": 2},
        description="Optional. For the mentor only until the debrief.",
    )
    rubric = SelectField(
        "Rubric that scores it",
        validate_choice=False,
        description="Discovery customers: the discovery-interview rubric. Leave as is for stakeholders.",
    )
    pushback_lines = TextAreaField(
        "Pushback lines",
        render_kw={"rows": 5},
        description=f"One per line, {PUSHBACK_LINES.low} to {PUSHBACK_LINES.high}: what the persona says to push back.",
        validators=[
            LineCount(
                PUSHBACK_LINES,
                f"Give {PUSHBACK_LINES.low} to {PUSHBACK_LINES.high} pushback lines, one per line; "
                "there are {count}.",
            )
        ],
    )

    @staticmethod
    def stored_values(stored) -> dict:
        return {
            "title": stored.title,
            **stored.body,
            "pushback_lines": "\n".join(stored.body.get("pushback_lines", ())),
            "rubric": stored.body.get("rubric") or "",
        }

    def prepare(self, stored) -> None:
        rubrics = {rubric.key: rubric.title for rubric in practice_bank.items("rubric")}
        self.rubric.choices = choices_from({"": "The default for role-plays", **rubrics})

    def saved_values(self) -> dict:
        texts = ("title", "situation", "wants", "hidden_constraint", "reveals", "would_convince")
        return {
            **{name: self[name].data or "" for name in texts},
            "pushback_lines": lines_of(self.pushback_lines.data),
            "rubric_key": self.rubric.data or None,
        }


class DimensionForm(BaseSubForm):
    """One row of the rubric form. A row left wholly blank is no dimension; a started one needs every field."""

    key = StringField(
        "Key",
        filters=[trimmed],
        description="Lowercase letters a–z, digits and underscores. Fixed once saved.",
        validators=[
            Optional(),
            Length(
                max=KEY_MAX_LENGTH["dimension"],
                message=f"Use up to {KEY_MAX_LENGTH['dimension']} lowercase letters a–z, digits and underscores.",
            ),
            Regexp(
                practice_bank.KEY_PATTERN,
                message="Use only lowercase letters a–z, digits and underscores, e.g. problem_framing.",
            ),
        ],
    )
    label = StringField("Label", filters=[trimmed], validators=[Length(max=120)])
    skill = SelectField(
        "Skill it shows",
        choices=[SelectChoice("", "Choose a skill"), *choices_from(SKILLS)],
        validate_choice=False,
        description="The skill of the engineer's gap profile this score is evidence of.",
        validators=[Optional(), AnyOf(tuple(SKILLS), message="Choose one of the skills.")],
    )
    what_4_looks_like = TextAreaField("What a 4 looks like", filters=[trimmed], render_kw={"rows": 2})
    what_3_looks_like = TextAreaField("What a 3 looks like", filters=[trimmed], render_kw={"rows": 2})
    what_2_looks_like = TextAreaField("What a 2 looks like", filters=[trimmed], render_kw={"rows": 2})
    what_1_looks_like = TextAreaField("What a 1 looks like", filters=[trimmed], render_kw={"rows": 2})

    _MISSING = {
        "key": "Give the dimension a key.",
        "label": "Give the dimension a label.",
        "skill": "Choose the skill this dimension is evidence of.",
        "what_4_looks_like": "Describe what a 4 looks like.",
        "what_3_looks_like": "Describe what a 3 looks like.",
        "what_2_looks_like": "Describe what a 2 looks like.",
        "what_1_looks_like": "Describe what a 1 looks like.",
    }

    @property
    def is_blank(self) -> bool:
        return not any(field.data for field in self)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.is_blank:
            return valid
        for field in self:
            if not field.data:
                field.errors.append(self._MISSING[field.short_name])
                valid = False
        return valid


class RubricForm(EditorForm):
    key = _key_field("rubric")
    title = StringField(
        "Title", filters=[trimmed], validators=[DataRequired(message="Give the rubric a title."), Length(max=120)]
    )
    interview_label = StringField(
        "Offer as a kind of mock interview, named",
        filters=[trimmed],
        validators=[Length(max=80)],
        description="Optional. Named here, the rubric is a kind of interview: mentors can offer it and questions "
        "can belong to it. Its key must then be at most 16 characters.",
    )
    # As many rows as a rubric may have dimensions; unused rows stay blank.
    dimensions = FieldList(
        FormField(DimensionForm), min_entries=RUBRIC_DIMENSIONS.high, max_entries=RUBRIC_DIMENSIONS.high
    )

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if len(self.given_dimensions()) < RUBRIC_DIMENSIONS.low:
            self.form_errors.append(
                f"Give at least {RUBRIC_DIMENSIONS.low} dimensions, each with a key, a label, a skill, "
                "and what every level from 4 to 1 looks like."
            )
            valid = False
        return valid

    def given_dimensions(self) -> list[RubricDimension]:
        return [RubricDimension(**row.data) for row in self.dimensions if not row.form.is_blank]

    @staticmethod
    def stored_values(stored) -> dict:
        label = stored.body.get("interview_label") or ""
        return {"title": stored.title, "interview_label": label, "dimensions": stored.body.get("dimensions", [])}

    def saved_values(self) -> dict:
        label = self.interview_label.data or ""
        return {"title": self.title.data, "interview_label": label, "dimensions": self.given_dimensions()}

    def prepare(self, stored) -> None:
        self.lock_stored_keys(len(stored.body.get("dimensions", [])) if stored else 0)

    def lock_stored_keys(self, count: int) -> None:
        """The first `count` rows hold the stored dimensions, whose keys past scores use: show them read-only."""
        for row in self.dimensions.entries[:count]:
            row.form.key.render_kw = {"readonly": True}
            row.form.key.description = "Fixed: past scores use this key."


class RetireForm(BaseForm):
    retired = HiddenField(validators=[AnyOf(("yes", "no"))])
