"""Tasks are thin: JSON arguments, ids only, the work done by `pmcohort`."""

import logging
import socket
import threading
from collections.abc import Callable

from celery import shared_task
from celery.signals import worker_ready, worker_shutdown

from pmcohort.cohorts import roster
from pmcohort.core.extensions import db
from pmcohort.mentorships import runs as matching_runs
from pmcohort.mentorships import services as matching
from pmcohort.notifications import outbox, reminders
from pmcohort.notifications.handlers import COHORT_IMPORT_TASK, MATCHING_RUN_TASK
from pmcohort.ops import services as heartbeats
from pmcohort.writing import services as writing

log = logging.getLogger(__name__)

SWEEP_TASK = outbox.SWEEP_TASK
EXPIRE_PROPOSALS_TASK = "pmcohort.matching.expire_proposals"
DUE_REMINDERS_TASK = "pmcohort.reminders.send_due"
PLAN_DIGESTS_TASK = "pmcohort.reminders.plan_digests"
LAPSE_REVIEW_CLAIMS_TASK = "pmcohort.writing.lapse_claims"
# Well under WORKER_HEARTBEAT_MAX_AGE (20 s), so /healthz sees a dead worker within 30 s.
HEARTBEAT_SECONDS = 5.0


# acks_late: the broker keeps the task until it finished, so a worker killed mid-delivery gives it
# back instead of losing it; safe because delivery is idempotent per (row, recipient).
@shared_task(name=outbox.DELIVER_TASK, acks_late=True, reject_on_worker_lost=True)
def deliver_outbox_message(outbox_ids: list[int] | int) -> int:
    # A list of rows (a batch); a single id is what tasks published before batching carry.
    return outbox.deliver_batch(outbox_ids if isinstance(outbox_ids, list) else [outbox_ids])


@shared_task(name=MATCHING_RUN_TASK)
def run_matching(run_id: int) -> bool:
    return matching_runs.execute_run(run_id)


@shared_task(name=COHORT_IMPORT_TASK)
def import_roster(import_id: int) -> bool:
    return roster.execute_import(import_id)


def _periodic(name: str, work: Callable[[], int]):
    """A task the beat sends by name, with no arguments (worker/schedule.py): how many rows `work` handled."""

    @shared_task(name=name)
    def run() -> int:
        return work()

    return run


sweep_outbox = _periodic(SWEEP_TASK, outbox.sweep)
expire_proposals = _periodic(EXPIRE_PROPOSALS_TASK, matching.expire_stale_proposals)
send_due_reminders = _periodic(DUE_REMINDERS_TASK, reminders.send_due)
plan_digests = _periodic(PLAN_DIGESTS_TASK, reminders.plan_digests)
lapse_review_claims = _periodic(LAPSE_REVIEW_CLAIMS_TASK, writing.lapse_claims)


class _Heartbeat:
    """A thread in the worker's main process: it beats while the process lives, however busy the
    pool is (a heartbeat task would queue behind a backlog and look like a dead worker)."""

    stop = threading.Event()


def _connected(consumer) -> bool:
    """False while the consumer retries its broker connection (it counts the attempts, back to 0
    once connected): a worker that cannot take tasks must not look alive to /healthz."""
    return not getattr(consumer, "broker_connection_retry_attempt", 0)


def _beat(consumer) -> None:
    flask_app = consumer.app.flask_app
    while not _Heartbeat.stop.is_set():
        if _connected(consumer):
            with flask_app.app_context():
                try:
                    heartbeats.record_heartbeat(socket.gethostname())
                except Exception:  # noqa: BLE001 - the database may be down: /healthz says so, keep beating
                    db.session.rollback()
                    log.warning("could not record the worker heartbeat", exc_info=True)
                finally:
                    db.session.remove()
        _Heartbeat.stop.wait(HEARTBEAT_SECONDS)


@worker_ready.connect
def start_heartbeat(sender, **_kwargs) -> None:
    _Heartbeat.stop.clear()
    # The sender is the worker's consumer: the part that holds the broker connection.
    threading.Thread(target=_beat, args=(sender,), name="heartbeat", daemon=True).start()


@worker_shutdown.connect
def stop_heartbeat(**_kwargs) -> None:
    _Heartbeat.stop.set()
