from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from pmcohort.auth import routes  # noqa: E402,F401  (routes attach themselves to bp)
