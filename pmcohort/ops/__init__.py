from flask import Blueprint

bp = Blueprint("ops", __name__)

from pmcohort.ops import routes  # noqa: E402,F401
