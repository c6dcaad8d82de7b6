"""Small helpers shared by every area's forms: the one place typed text is checked, and the one
place a service's refusal becomes a page."""

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TypeVar

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import FieldList, Form, FormField, IntegerField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, StopValidation

from pmcohort.core.errors import NotFoundError, ServiceError

# NUL and the other C0 control characters (tab, newline and carriage return are ordinary
# typing), DEL, and lone surrogates: PostgreSQL refuses some of them and none belongs in text.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
UNSTORABLE_MESSAGE = (
    "This contains a control character that can't be stored. Retype it without pasting hidden characters."
)
# Ids and counts are PostgreSQL `integer` columns.
DATABASE_INT_MAX = 2**31 - 1


def has_unstorable_characters(text: str) -> bool:
    return _UNSTORABLE.search(text) is not None


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


def trimmed(value):
    """A field filter: typed text without its surrounding white space."""
    return value.strip() if isinstance(value, str) else value


def required_text_area(label: str, required_message: str, description: str = "", rows: int = 3) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[trimmed],
        validators=[DataRequired(message=required_message)],
        description=description,
        render_kw={"rows": rows},
    )


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


def form_status(form) -> int:
    """400 when `form` came back with errors, so that a refused post never reads as a success; else 200."""
    return 400 if form.errors else 200


def form_page(template: str, form, **context) -> tuple[str, int]:
    """The page that holds `form`, with the status `form_status` gives it."""
    return render_template(template, form=form, **context), form_status(form)


Done = TypeVar("Done")
# What to say, or where to go, once an action is done: fixed, or read from what the action returned.
AfterAction = str | Callable[[Done], str]


def _after(value: AfterAction, done):
    return value(done) if callable(value) else value


def submit(
    action: Callable[[], Done],
    message: AfterAction,
    to: AfterAction,
    *,
    form,
    whole_form_fields: tuple[str, ...] = (),
) -> Response | None:
    """A posted form's action: when `form` validates and the service (`action()`) takes it, flash
    `message` and go to `to` (303). None when there is nothing to do yet (a GET), or when the form or
    the service refused: the errors are then at `form`'s fields, for the route to show its page again."""
    if form.validate_on_submit():
        with service_errors(form, whole_form_fields=whole_form_fields):
            done = action()
            flash(_after(message, done), "success")
            return redirect(_after(to, done), 303)
    return None


def press(
    action: Callable[[], Done], message: AfterAction | None, to: str, *, form=None, refused: str = ""
) -> Response:
    """A button's action, with no page of its own to show errors on: run `action()`, flash `message`
    (if any), and go to `to` (303). A service's refusal is flashed instead of `message`; so is
    `refused` (if any) when the button's `form` does not validate, and then nothing is done."""
    if form is None or form.validate_on_submit():
        with service_errors():
            done = action()
            if message is not None:
                flash(_after(message, done), "success")
    elif refused:
        flash(refused, "error")
    return redirect(to, 303)


class EditorForm(BaseForm):
    """The form of an admin's editor of a stored item with a key (see `editor_page`)."""

    @staticmethod
    def stored_values(stored) -> dict:
        """The form's data for the stored item, to edit it."""
        raise NotImplementedError

    def saved_values(self) -> dict:
        """The save service's keyword arguments, from the posted form (the key and actor aside)."""
        raise NotImplementedError

    def prepare(self, stored) -> None:
        """Set what the form needs before it validates (choices, rows that keep their keys)."""


def editor_page(
    form_class: type[EditorForm],
    stored,
    save: Callable[..., object],
    *,
    template: str,
    saved_message: str,
    back_to: str,
    whole_form_fields: tuple[str, ...] = (),
    **context,
):
    """An admin's editor of a stored item with a key, for a new item (`stored` is None) or an edit.

    A new item gets a blank form; an edit gets one without the key field (keys never change),
    filled from the stored item until the admin posts their own values. A valid post goes to the
    area's `save(id, key=..., actor_id=..., **form.saved_values())`, and the admin back to
    `back_to` with `saved_message` formatted with the saved item; a refusal re-renders `template`."""
    form = form_class(data=form_class.stored_values(stored)) if stored and request.method == "GET" else form_class()
    if stored:
        del form.key
    form.prepare(stored)
    saved = submit(
        lambda: save(
            stored and stored.id,
            key=stored.key if stored else form.key.data,
            actor_id=current_user.id,
            **form.saved_values(),
        ),
        saved_message.format,
        url_for(back_to),
        form=form,
        whole_form_fields=whole_form_fields,
    )
    return saved or form_page(template, form, **context)
