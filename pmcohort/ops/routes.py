from datetime import timedelta

from flask import Blueprint, current_app, jsonify
from sqlalchemy import func, select, text

from pmcohort.core.extensions import csrf, db, limiter
from pmcohort.core.types import utcnow
from pmcohort.ops.models import WorkerHeartbeat

bp = Blueprint("ops", __name__)


def _database_ok() -> tuple[bool, str]:
    try:
        db.session.execute(text("SELECT 1"))
        return True, "ok"
    except Exception as error:  # noqa: BLE001 - any failure means not healthy
        db.session.rollback()
        return False, type(error).__name__


def _broker_ok() -> tuple[bool, str]:
    try:
        with current_app.extensions["celery"].connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
        return True, "ok"
    except Exception as error:  # noqa: BLE001
        return False, type(error).__name__


def _worker_ok() -> tuple[bool, str]:
    try:
        last_seen = db.session.scalar(select(func.max(WorkerHeartbeat.seen_at)))
    except Exception as error:  # noqa: BLE001
        db.session.rollback()
        return False, type(error).__name__
    if last_seen is None:
        return False, "no worker has reported yet"
    age = utcnow() - last_seen
    if age > timedelta(seconds=current_app.config["WORKER_HEARTBEAT_MAX_AGE"]):
        return False, f"last heard from {int(age.total_seconds())} s ago"
    return True, "ok"


@bp.get("/healthz")
@limiter.exempt
@csrf.exempt
def healthz():
    checks = {"database": _database_ok(), "broker": _broker_ok(), "worker": _worker_ok()}
    healthy = all(ok for ok, _ in checks.values())
    body = {"status": "ok" if healthy else "degraded", "checks": {name: detail for name, (_, detail) in checks.items()}}
    return jsonify(body), 200 if healthy else 503
