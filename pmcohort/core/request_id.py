"""A request id on every log line and response, so a user's report can be traced."""

import logging
import re
import uuid

from flask import Flask, g, has_request_context, request

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def current_request_id() -> str:
    return g.get("request_id", "-") if has_request_context() else "-"


def init_request_id(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    handler.addFilter(RequestIdFilter())
    app.logger.handlers = [handler]
    pmcohort_logger = logging.getLogger("pmcohort")
    if not pmcohort_logger.handlers:
        pmcohort_logger.addHandler(handler)
        pmcohort_logger.setLevel(logging.INFO)
    app.logger.setLevel(logging.INFO)

    @app.before_request
    def assign_request_id() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex

    @app.after_request
    def expose_request_id(response):
        response.headers["X-Request-ID"] = current_request_id()
        return response
