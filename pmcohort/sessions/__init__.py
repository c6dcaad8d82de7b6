from flask import Blueprint

bp = Blueprint("sessions", __name__)

from pmcohort.sessions import routes  # noqa: E402,F401
