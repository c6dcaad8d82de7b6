"""The assessment's step form, built from the page's questions; the domain's `validate` judges the answers."""

from wtforms import RadioField, StringField, SubmitField

from pmcohort.core.forms import BaseForm, choices_from
from pmcohort.domain import readiness as assessment


class StepForm(BaseForm):
    """One field per question of the page, named by its key, plus Next and Back."""

    next = SubmitField("Next")
    back = SubmitField("Back")

    def answers(self) -> dict[str, str]:
        return {
            field.name: field.data
            for field in self
            if not isinstance(field, SubmitField) and field.name != "csrf_token"
        }


def step_form(page: assessment.Page, saved: dict[str, object] | None, last: bool, attempt_seed: str) -> StepForm:
    """The form for `page`: filled with the `saved` answers on a fresh page (None: from the posted form), its
    scenario options in the attempt's shuffled order."""
    form_class = type("PageStepForm", (StepForm,), question_fields(page.questions, attempt_seed))
    form = form_class(
        data=None if saved is None else {key: str(value) for key, value in saved.items() if key in form_class.__dict__}
    )
    if last:
        form.next.label.text = "See my results"
    return form


def question_fields(questions, attempt_seed: str = "") -> dict[str, object]:
    """One field per question, named by its key: a number box for counts, radio buttons for choices."""
    fields: dict[str, object] = {}
    for question in questions:
        if question.is_numeric:
            fields[question.key] = StringField(
                question.prompt,
                description=question.help,
                render_kw={"type": "number", "inputmode": "numeric", "min": question.minimum, "max": question.maximum},
            )
        else:
            fields[question.key] = RadioField(
                question.prompt,
                description=question.help,
                validate_choice=False,
                choices=choices_from(
                    {
                        str(choice.value): choice.label
                        for choice in assessment.choices_in_display_order(question, attempt_seed)
                    }
                ),
            )
    return fields
