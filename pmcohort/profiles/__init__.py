from flask import Blueprint

bp = Blueprint("profiles", __name__)

from pmcohort.profiles import routes  # noqa: E402,F401
