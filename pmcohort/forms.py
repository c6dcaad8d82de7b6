"""Small helpers shared by every area's forms, and the one place where typed text is checked."""

import re
from collections.abc import Mapping

from flask import request
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, IntegerField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation

from pmcohort.services.errors import FieldError

# NUL and the other C0 control characters (tab, newline and carriage return are ordinary
# typing), DEL, and lone surrogates: PostgreSQL refuses some of them and none belongs in text.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
UNSTORABLE_MESSAGE = "This contains a control character that can't be stored. Retype it without pasting hidden characters."
# Ids and counts are PostgreSQL `integer` columns.
DATABASE_INT_MAX = 2**31 - 1


def has_unstorable_characters(text: str) -> bool:
    return _UNSTORABLE.search(text) is not None


def database_id(raw: str) -> int:
    """An id typed into a form; ValueError unless it is a whole number the database's ids can be."""
    value = int(raw)
    if not 0 < value <= DATABASE_INT_MAX:
        raise ValueError(raw)
    return value


def refuse_unstorable_characters(form, field) -> None:
    if any(isinstance(raw, str) and has_unstorable_characters(raw) for raw in field.raw_data or ()):
        raise StopValidation(UNSTORABLE_MESSAGE)


def refuse_out_of_range_integer(form, field) -> None:
    if field.data is not None and not -DATABASE_INT_MAX <= field.data <= DATABASE_INT_MAX:
        raise StopValidation("That number is too large.")


class _CheckedFieldsMeta:
    """Every field refuses unstorable text before its own checks run; integer fields refuse
    numbers the database can't hold."""

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        if not isinstance(field, (FormField, FieldList)):  # their inner fields are checked themselves
            checks = [refuse_unstorable_characters]
            if isinstance(field, IntegerField):
                checks.append(refuse_out_of_range_integer)
            field.validators = [*checks, *field.validators]
        return field


class _FormBodyOnlyMeta:
    def wrap_formdata(self, form, formdata):
        if request.is_json:  # pages post HTML forms; Flask-WTF would read a JSON body, with any types in it
            formdata = request.form
        return super().wrap_formdata(form, formdata)


class BaseForm(FlaskForm):
    """The base of every page's form."""

    class Meta(_FormBodyOnlyMeta, _CheckedFieldsMeta):
        pass


class BaseSubForm(Form):
    """The base of a form nested in another (a FormField's rows)."""

    Meta = _CheckedFieldsMeta


def form_text(form_data: Mapping[str, str], name: str, error) -> str:
    """A text field read straight from a request's form; `error(message, field)` is raised for unstorable text."""
    value = form_data.get(name, "")
    if has_unstorable_characters(value):
        raise error(UNSTORABLE_MESSAGE, name)
    return value


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
