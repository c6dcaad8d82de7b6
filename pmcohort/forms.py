"""Small helpers shared by every area's forms."""

from collections.abc import Mapping

from wtforms.fields.choices import SelectChoice

from pmcohort.services.errors import FieldError


def choices_from(labels: Mapping[str, str]) -> list[SelectChoice]:
    """Select or radio choices from a key -> label mapping, in its order."""
    return [SelectChoice(value, label) for value, label in labels.items()]


def show_error(form, error: FieldError, *, whole_form_fields: tuple[str, ...] = ()) -> None:
    """Put a service's FieldError at its field, or above the form when it concerns the whole form."""
    field = getattr(form, error.field, None) if error.field and error.field not in whole_form_fields else None
    if field is None:
        form.form_errors.append(error.message)
    else:
        field.errors = [*field.errors, error.message]
