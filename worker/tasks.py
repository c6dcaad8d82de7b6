"""Tasks are thin: JSON arguments, ids only, the work done by `pmcohort`."""

import socket

from celery import shared_task
from celery.signals import worker_ready

from pmcohort import outbox
from pmcohort.extensions import db
from pmcohort.models import WorkerHeartbeat
from pmcohort.models.types import utcnow
from pmcohort.notifications import MATCHING_RUN_TASK
from pmcohort.services import matching, sessions

SWEEP_TASK = outbox.SWEEP_TASK
HEARTBEAT_TASK = "pmcohort.worker.heartbeat"
EXPIRE_PROPOSALS_TASK = "pmcohort.matching.expire_proposals"
SESSION_REMINDERS_TASK = "pmcohort.sessions.reminders"


@shared_task(name=outbox.DELIVER_TASK, autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=600, max_retries=8)
def deliver_outbox_message(outbox_id: int) -> bool:
    return outbox.deliver(outbox_id)


@shared_task(name=SWEEP_TASK)
def sweep_outbox() -> int:
    return outbox.sweep()


@shared_task(name=MATCHING_RUN_TASK)
def run_matching(run_id: int) -> bool:
    return matching.execute_run(run_id)


@shared_task(name=EXPIRE_PROPOSALS_TASK)
def expire_proposals() -> int:
    return matching.expire_stale_proposals()


@shared_task(name=SESSION_REMINDERS_TASK)
def session_reminders() -> int:
    return sessions.send_due_reminders()


@shared_task(name=HEARTBEAT_TASK)
def heartbeat() -> None:
    record_heartbeat()


def record_heartbeat() -> None:
    name = socket.gethostname()
    row = db.session.get(WorkerHeartbeat, name)
    if row is None:
        db.session.add(WorkerHeartbeat(worker=name, seen_at=utcnow()))
    else:
        row.seen_at = utcnow()
    db.session.commit()


@worker_ready.connect
def announce_worker(sender, **_kwargs) -> None:
    # Report at once rather than waiting for the first beat tick.
    sender.app.send_task(HEARTBEAT_TASK)
