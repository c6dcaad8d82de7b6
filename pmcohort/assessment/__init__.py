from flask import Blueprint

bp = Blueprint("assessment", __name__)

from pmcohort.assessment import routes  # noqa: E402,F401
