from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from pmcohort.admin.forms import DimensionForm
from pmcohort.core.forms import BaseForm, EditorForm, choices_from, required_text_area, trimmed
from pmcohort.domain import writing
from pmcohort.domain.content import KEY_PATTERN
from pmcohort.domain.limits import RUBRIC_LEVEL, WRITING_RUBRIC_DIMENSIONS
from pmcohort.domain.statuses import ReviewDecision
from pmcohort.domain.vocabulary import SKILLS
from pmcohort.writing import services

DRAFT_ACTIONS = ("save", "preview", "submit")


def _title_field() -> StringField:
    return StringField(
        "Title",
        filters=[trimmed],
        validators=[
            DataRequired(message="Give the document a title."),
            Length(max=services.MAX_TITLE, message=f"Keep the title under {services.MAX_TITLE} characters."),
        ],
    )


class NewDocumentForm(BaseForm):
    kind = RadioField("Kind of document", validate_choice=False, validators=[InputRequired("Choose a kind.")])
    title = _title_field()

    def offer(self, kinds) -> "NewDocumentForm":
        self.kind.choices = [SelectChoice(kind.key, kind.title) for kind in kinds]
        return self


class DraftForm(BaseForm):
    title = _title_field()
    body = TextAreaField(
        "Document (Markdown)",
        render_kw={"rows": 24, "spellcheck": "true"},
        description="Markdown: # for headings, - for lists, **bold**, [text](https://link). "
        "Raw HTML and images are shown as text.",
    )
    # Which button was pressed; the buttons carry it.
    action = StringField(validators=[Optional(), AnyOf(DRAFT_ACTIONS, message="Choose save, preview or submit.")])


class CommentForm(BaseForm):
    block = IntegerField("Paragraph", validators=[InputRequired("Choose a paragraph to comment on.")])
    body = TextAreaField("Comment on this paragraph", filters=[trimmed], render_kw={"rows": 3})


class ReplyForm(BaseForm):
    body = TextAreaField("Reply", filters=[trimmed], render_kw={"rows": 2})


class ResolveForm(BaseForm):
    resolved = HiddenField(validators=[AnyOf(("yes", "no"))])


class ReviewForm(BaseForm):
    summary = TextAreaField(
        "Summary",
        filters=[trimmed],
        render_kw={"rows": 6},
        description="What works, and the one or two changes that matter most.",
    )

    def scores(self, rubric: writing.WritingRubric) -> dict[str, object]:
        return {
            d.key: self[f"score_{d.key}"].data for d in rubric.dimensions if self[f"score_{d.key}"].data is not None
        }


def review_form(rubric: writing.WritingRubric, *, decides: bool, **kwargs) -> ReviewForm:
    """A radio group per rubric dimension (every level's description is its option's label) and, for the deciding
    reviewer, the decision."""
    fields = {}
    for dimension in rubric.dimensions:
        fields[f"score_{dimension.key}"] = RadioField(
            dimension.label,
            coerce=int,
            validate_choice=False,
            choices=[SelectChoice(level, f"{level}: {text}") for level, text in dimension.levels],
            description=f"Evidence of {SKILLS.get(dimension.skill, dimension.skill).lower()}.",
            invalid_value_message=f"Give a score from {RUBRIC_LEVEL.low} to {RUBRIC_LEVEL.high}.",
            validators=[
                InputRequired(f"Give a score from {RUBRIC_LEVEL.low} to {RUBRIC_LEVEL.high}."),
                AnyOf(
                    RUBRIC_LEVEL.values,
                    message=f"Scores are whole numbers from {RUBRIC_LEVEL.low} to {RUBRIC_LEVEL.high}.",
                ),
            ],
        )
    if decides:
        fields["decision"] = RadioField(
            "Decision",
            validate_choice=False,
            choices=choices_from(
                {ReviewDecision.CHANGES_REQUESTED: "Ask for changes", ReviewDecision.APPROVED: "Approve"}
            ),
        )
    return type("RubricReviewForm", (ReviewForm,), fields)(**kwargs)


class SecondReviewForm(BaseForm):
    mentor_id = SelectField("Second reviewer", coerce=int, validate_choice=False, validators=[Optional()])

    def offer(self, mentors) -> "SecondReviewForm":
        self.mentor_id.choices = [SelectChoice(0, "Choose a mentor"), *(SelectChoice(m.id, m.name) for m in mentors)]
        return self


class SharedQueueForm(BaseForm):
    enabled = HiddenField(validators=[AnyOf(("yes", "no"))])


class PortfolioForm(BaseForm):
    version_ids = SelectMultipleField(
        "Documents in the portfolio",
        coerce=int,
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    show_scores = BooleanField("Show the reviewers' rubric scores")


# --- admins: kinds, prompts, rubrics


class WritingDimensionForm(DimensionForm):
    """A practice rubric row (key, label, skill, what a 1 and a 4 look like) plus the two levels between."""

    what_2_looks_like = TextAreaField("What a 2 looks like", filters=[trimmed], render_kw={"rows": 2})
    what_3_looks_like = TextAreaField("What a 3 looks like", filters=[trimmed], render_kw={"rows": 2})

    _MISSING = {
        **DimensionForm._MISSING,
        "what_2_looks_like": "Describe what a 2 looks like.",
        "what_3_looks_like": "Describe what a 3 looks like.",
    }


class KindForm(EditorForm):
    key = StringField(
        "Key",
        filters=[trimmed],
        description=f"{services.kind_key_rule()} It cannot change later: documents store it.",
        validators=[
            DataRequired(message="Give it a key."),
            Length(max=writing.KEY_MAX_LENGTH["kind"], message=services.kind_key_rule()),
            Regexp(KEY_PATTERN, message=services.kind_key_rule()),
        ],
    )
    title = StringField(
        "Title", filters=[trimmed], validators=[DataRequired(message="Give the kind a title."), Length(max=120)]
    )
    prompt = required_text_area(
        "Prompt", "Write the prompt engineers see.", "What a good one does; shown beside the editor."
    )
    skeleton = required_text_area(
        "Skeleton (Markdown)",
        "Give a skeleton to start from, even a heading.",
        "What a new document of this kind starts from.",
        rows=8,
    )
    dimensions = FieldList(
        FormField(WritingDimensionForm),
        min_entries=WRITING_RUBRIC_DIMENSIONS.high,
        max_entries=WRITING_RUBRIC_DIMENSIONS.high,
    )

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if len(self.given_dimensions()) < WRITING_RUBRIC_DIMENSIONS.low:
            self.form_errors.append(
                f"Give at least {WRITING_RUBRIC_DIMENSIONS.low} dimensions, each with a key, a label, a skill, "
                f"and what each level from {RUBRIC_LEVEL.low} to {RUBRIC_LEVEL.high} looks like."
            )
            valid = False
        return valid

    def given_dimensions(self) -> list[writing.WritingDimension]:
        return [writing.WritingDimension(**row.data) for row in self.dimensions if not row.form.is_blank]

    @staticmethod
    def stored_values(stored) -> dict:
        dimensions = (stored.rubric or {}).get("dimensions", [])
        return {"title": stored.title, "prompt": stored.prompt, "skeleton": stored.skeleton, "dimensions": dimensions}

    def saved_values(self) -> dict:
        texts = {"title": self.title.data, "prompt": self.prompt.data, "skeleton": self.skeleton.data}
        return {**texts, "dimensions": self.given_dimensions()}

    def prepare(self, stored) -> None:
        self.lock_stored_keys(len((stored.rubric or {}).get("dimensions", [])) if stored else 0)

    def lock_stored_keys(self, count: int) -> None:
        for row in self.dimensions.entries[:count]:
            row.form.key.render_kw = {"readonly": True}
            row.form.key.description = "Fixed: past scores use this key."
