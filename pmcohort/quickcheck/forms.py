"""The quick check's form: one field per question, built from the check's questions like the assessment's steps."""

from wtforms import SubmitField

from pmcohort.assessment.forms import question_fields
from pmcohort.core.forms import BaseForm
from pmcohort.domain.quick_check import QUICK_CHECK


class _QuickCheckFields(BaseForm):
    submit = SubmitField("See my estimate")

    def answers(self) -> dict[str, str]:
        return {q.key: self[q.key].data for q in QUICK_CHECK.questions}


QuickCheckForm = type("QuickCheckForm", (_QuickCheckFields,), question_fields(QUICK_CHECK.questions))


class SaveForm(BaseForm):
    """Only the CSRF token: the answers travel as hidden fields and are checked again."""

    submit = SubmitField("Save this and get a mentor")
