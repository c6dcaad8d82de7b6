from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, NotFound

from pmcohort.core.errors import NotFoundError
from pmcohort.core.request_id import current_request_id

STYLED_ERRORS = {400, 403, 404, 405, 429}


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
