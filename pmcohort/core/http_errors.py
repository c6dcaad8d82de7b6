from urllib.parse import urlsplit

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, NotFound, RequestEntityTooLarge

from pmcohort.core.errors import NotFoundError
from pmcohort.core.request_id import current_request_id
from pmcohort.domain.limits import UPLOAD_LIMIT_IN_WORDS

STYLED_ERRORS = {400, 403, 404, 405, 429}


def _same_site_referrer() -> str | None:
    """The page the form was on, to go back to (its fields as the person left them): ours only."""
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    return referrer if parts.scheme in ("http", "https") and parts.netloc == request.host else None


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = (
            "This form's security token was missing or has expired, so nothing was saved. "
            "Go back, reload the page and submit it again."
        )
        return render_template(
            "errors/error.html", code=400, title="Please submit the form again", message=message
        ), 400

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge):
        # The servers we run (gunicorn, Werkzeug's) read and drop the unread body themselves, so a
        # browser still sending gets this page rather than a reset connection (checked by hand with curl).
        message = (
            f"What you sent is larger than {UPLOAD_LIMIT_IN_WORDS}, the most PM Cohort accepts at once, so nothing was "
            "saved or imported. Split a file into smaller ones and send each. Your browser's Back button "
            "returns to the form as you left it."
        )
        if request.accept_mimetypes.best == "application/json":  # the editor's autosave, say
            return jsonify(error=message), 413
        return render_template(
            "errors/error.html", code=413, title="That upload is too large", message=message, back=_same_site_referrer()
        ), 413

    @app.errorhandler(NotFoundError)
    def not_found(error: NotFoundError):
        return http_error(NotFound())

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code not in STYLED_ERRORS:
            return error
        titles = {
            400: "That request could not be understood",
            403: "You don't have access to this page",
            404: "We couldn't find that page",
            405: "That action isn't allowed here",
            429: "Slow down a little",
        }
        return render_template(
            "errors/error.html", code=error.code, title=titles[error.code], message=error.description
        ), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        if app.testing:
            raise error  # tests see the real traceback
        app.logger.exception("unhandled error")
        from pmcohort.core.extensions import db

        db.session.rollback()
        return render_template("errors/500.html", request_id=current_request_id()), 500
