"""Small helpers shared by every area's forms, and the one place a service's refusal becomes a page."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from flask import flash
from wtforms.fields.choices import SelectChoice

from pmcohort.services.errors import NotFoundError, ServiceError


def choices_from(labels: Mapping[object, str]) -> list[SelectChoice]:
    """Select or radio choices from a key -> label mapping, in its order."""
    return [SelectChoice(value, label) for value, label in labels.items()]


def show_error(form, error: ServiceError, *, whole_form_fields: tuple[str, ...] = ()) -> None:
    """Put a service's error messages at their fields, or above the form when they concern the whole form
    (or a field the person cannot see or change)."""
    for name, message in {error.field: error.message, **error.errors}.items():
        field = getattr(form, name, None) if name and name not in whole_form_fields else None
        if field is None or field.type in ("HiddenField", "CSRFTokenField"):
            form.form_errors.append(message)
        elif message not in field.errors:
            field.errors = [*field.errors, message]


@contextmanager
def service_errors(form=None, *, whole_form_fields: tuple[str, ...] = ()) -> Iterator[None]:
    """Translate a service's refusal inside the block: a field error lands on `form` (the route then
    re-renders it, status 400), or is flashed as an error when the action has no form of its own;
    a not-found error goes on to the app's 404 page."""
    try:
        yield
    except NotFoundError:
        raise
    except ServiceError as error:
        if form is None:
            flash(error.message, "error")
        else:
            show_error(form, error, whole_form_fields=whole_form_fields)
