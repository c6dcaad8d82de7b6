"""The one error services raise. Routes translate it in one place (`pmcohort.core.forms.service_errors`):
a field error lands on the form at its field, a not-found error becomes the 404 page."""

from collections.abc import Mapping


class ServiceError(Exception):
    """A rule was broken and nothing was changed.

    `field` names the form field the message belongs to (None: the whole form); `errors` holds
    a message per field when several fields are wrong at once.
    """

    def __init__(self, field: str | None, message: str, *, errors: Mapping[str, str] | None = None):
        super().__init__(message)
        self.field = field
        self.message = message
        self.errors = dict(errors or {})

    @classmethod
    def at_fields(cls, errors: Mapping[str, str]) -> "ServiceError":
        """Several fields wrong at once, each with its own message; the first also names the error."""
        field, message = next(iter(errors.items()))
        return cls(field, message, errors=errors)


class NotFoundError(ServiceError):
    """The object does not exist, or the acting user may not see it: answered as 404, so its existence is not revealed."""

    def __init__(self, what: str, ident: object):
        super().__init__(None, f"No {what} {ident} for this user.")
