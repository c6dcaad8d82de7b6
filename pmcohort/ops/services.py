"""Operations that keep the instance observable."""

from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.ops.models import WorkerHeartbeat


def record_heartbeat(worker: str) -> None:
    """Note that `worker` is alive now; /healthz reads the newest heartbeat."""
    row = db.session.get(WorkerHeartbeat, worker)
    if row is None:
        db.session.add(WorkerHeartbeat(worker=worker, seen_at=utcnow()))
    else:
        row.seen_at = utcnow()
    db.session.commit()
