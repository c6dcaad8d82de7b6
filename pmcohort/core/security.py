"""Response headers, and what every request's URL must look like before a view sees it."""

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

from pmcohort.core.forms import DATABASE_INT_MAX, has_unstorable_characters

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)
HSTS = "max-age=31536000; includeSubDomains"


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in a route: an id beyond what the database's integer columns hold is no page (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=DATABASE_INT_MAX, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _refuse_unstorable_url() -> None:
    # Path parts (tokens) and query values never legitimately hold control characters; a form's
    # fields are checked by its form, which can say so at the field.
    if any(isinstance(value, str) and has_unstorable_characters(value) for value in (request.view_args or {}).values()):
        abort(404)
    for name, value in request.args.items(multi=True):
        if has_unstorable_characters(name) or has_unstorable_characters(value):
            abort(400, f"The address has a control character in “{name.encode('unicode_escape').decode()}”.")


def init_security(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseIdConverter
    app.before_request(_refuse_unstorable_url)

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")  # frame-ancestors for browsers without CSP level 2
        headers.setdefault("Referrer-Policy", "same-origin")
        if app.config["HSTS_ENABLED"]:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response
