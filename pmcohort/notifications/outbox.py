"""The transactional outbox: background work is written with the change that needs it.

A change calls `enqueue` inside its transaction. Right after that transaction commits, the new
rows are published to Celery; a beat sweep publishes whatever was missed (the broker was down, a
worker died holding the task). A rolled-back change publishes nothing.

A worker takes a row by claiming a lease (`claimed_at`, `claim_token`) and renews it while it
works; the sweep republishes a row whose lease ran out, so a killed worker's row is picked up
again within LEASE + one sweep, not after a fixed delay. Handlers deliver per recipient and
record each one, so running a row again only reaches the recipients still missing.

Errors: a transient one (database or SMTP server unreachable, SMTP 4xx) schedules a retry in
the row itself (`next_attempt_at`, never a Celery countdown), up to MAX_ATTEMPTS; any other
error (a payload that cannot be handled) fails the row at once with its reason, for an admin to
retry once the cause is fixed. Rows behind it are not held up either way.
"""

import logging
import secrets
from collections.abc import Callable
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import and_, event, or_, select, update
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.notifications.models import EmailDelivery, OutboxMessage
from pmcohort.ops.models import record_audit

log = logging.getLogger(__name__)

DELIVER_TASK = "pmcohort.outbox.deliver"
SWEEP_TASK = "pmcohort.outbox.sweep"
# A claimed row whose worker has not renewed its lease for this long is taken over.
LEASE = timedelta(seconds=15)
# A published row nobody has claimed after this long: its task went down with a worker's prefetch.
UNCLAIMED_REPUBLISH = timedelta(seconds=20)
MAX_ATTEMPTS = 10
FIRST_RETRY_DELAY = timedelta(seconds=5)
RETRY_DELAY_MAX = timedelta(minutes=5)
SWEEP_BATCH = 500
# Rows per delivery task. A batch commits its recipients' `sending` rows and inbox items once, and
# the rows' completion once, instead of twice per recipient: what a reminder sweep's hundreds of
# rows need. A change's own rows (usually one) go out at once as a batch of their own.
DELIVERY_BATCH = 25

Handler = Callable[[OutboxMessage], None]
_handlers: dict[str, Handler] = {}
BatchLoader = Callable[[list[OutboxMessage]], list]
_batch_loaders: list[BatchLoader] = []


class LeaseLost(Exception):
    """Another worker took this row over (ours ran out): stop without touching it."""


def handles(topic: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _handlers[topic] = handler
        return handler

    return register


def loads_for_batch(loader: BatchLoader) -> BatchLoader:
    """Register a function that loads what a batch's handlers will read, in a query or two for
    all its rows; what it returns is kept for the batch (the session only holds objects weakly)."""
    _batch_loaders.append(loader)
    return loader


def topics() -> list[str]:
    return sorted(_handlers)


def enqueue(topic: str, **payload) -> OutboxMessage:
    if topic not in _handlers:
        raise ValueError(f"no outbox handler for topic {topic!r}")
    message = OutboxMessage(topic=topic, payload=payload)
    db.session.add(message)
    return message


@event.listens_for(Session, "after_flush")
def _remember_new_messages(session: Session, _flush_context) -> None:
    new_ids = [obj.id for obj in session.new if isinstance(obj, OutboxMessage)]
    if new_ids:
        session.info.setdefault("outbox_ids", []).extend(new_ids)


@event.listens_for(Session, "after_commit")
def _publish_after_commit(session: Session) -> None:
    ids = session.info.pop("outbox_ids", None)
    if ids and has_app_context() and current_app.config["OUTBOX_PUBLISH_ON_COMMIT"]:
        publish(ids)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop("outbox_ids", None)


def publish(ids: list[int]) -> int:
    """Send delivery tasks for `ids`, DELIVERY_BATCH rows each; stops at the first broker error.
    Returns how many rows were sent."""
    celery_app = current_app.extensions["celery"]
    sent: list[int] = []
    try:
        for start in range(0, len(ids), DELIVERY_BATCH):
            batch = ids[start : start + DELIVERY_BATCH]
            celery_app.send_task(DELIVER_TASK, args=[batch], retry=False)
            sent.extend(batch)
    except Exception:  # noqa: BLE001 - any broker failure: the sweep retries later
        log.warning("broker unavailable; %d outbox message(s) left for the sweep", len(ids) - len(sent), exc_info=True)
    if sent:
        # Its own connection: this runs after the caller's transaction has ended.
        with db.engine.begin() as connection:
            connection.execute(
                update(OutboxMessage.__table__).where(OutboxMessage.id.in_(sent)).values(published_at=utcnow())
            )
    return len(sent)


def due_ids(limit: int = SWEEP_BATCH) -> list[int]:
    """Rows that should be in the broker's queue and may not be: never published, their task lost
    with a worker's prefetch, or their lease run out."""
    now = utcnow()
    return list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.processed_at.is_(None),
                OutboxMessage.failed_at.is_(None),
                or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
                or_(
                    OutboxMessage.published_at.is_(None),
                    and_(OutboxMessage.claimed_at.is_(None), OutboxMessage.published_at < now - UNCLAIMED_REPUBLISH),
                    OutboxMessage.claimed_at < now - LEASE,
                ),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )


def sweep() -> int:
    """Publish the rows that were never published, whose task was lost, or whose lease ran out."""
    ids = due_ids()
    db.session.commit()
    return publish(ids) if ids else 0


def _claim(outbox_ids: list[int]) -> tuple[str, list[int]]:
    """Take the lease of each row that is free or whose lease ran out, all under one claim token.
    Returns the token and the rows now ours (none: another worker has them, or they are done)."""
    now = utcnow()
    token = secrets.token_hex(16)
    claimed = db.session.scalars(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(outbox_ids),
            OutboxMessage.processed_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
            or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < now - LEASE),
        )
        .values(claimed_at=now, claim_token=token, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return token, sorted(claimed)


def renew_lease(message: OutboxMessage) -> None:
    """Extend the lease in the caller's transaction; raises LeaseLost if another worker has the row."""
    renew_leases([message])


def renew_leases(messages: list[OutboxMessage]) -> None:
    """Extend the rows' lease (one claim token) in the caller's transaction; raises LeaseLost if
    another worker has any of them.

    Within a third of the lease since the last renewal nobody can have taken a row over, so the
    statement is skipped: most rows are served well inside that.
    """
    now = utcnow()
    if all(message.claimed_at is not None and now - message.claimed_at < LEASE / 3 for message in messages):
        return
    renewed = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_([message.id for message in messages]),
            OutboxMessage.claim_token == messages[0].claim_token,
        )
        .values(claimed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if renewed != len(messages):
        raise LeaseLost([message.id for message in messages])
    for message in messages:
        set_committed_value(message, "claimed_at", now)


def is_transient(error: BaseException) -> bool:
    """Worth another try: the database or the mail server is unreachable or asks to come back later.

    SMTP errors are OSErrors; a 5xx reaches here as PermanentDeliveryError, which is not.
    """
    return isinstance(error, (OperationalError, InterfaceError, OSError))


def describe(error: BaseException) -> str:
    """The reason stored for an admin: bounded, and storable on every backend (no NUL)."""
    return f"{type(error).__name__}: {error}".replace("\x00", "\\x00")[:2000]


def retry_delay(attempts: int) -> timedelta:
    return min(FIRST_RETRY_DELAY * 2 ** max(attempts - 1, 0), RETRY_DELAY_MAX)


def deliver(outbox_id: int) -> bool:
    """Run the handler for one message. Returns False when there was nothing to do for this call."""
    return deliver_batch([outbox_id]) == 1


def deliver_batch(outbox_ids: list[int]) -> int:
    """Run the handlers of the rows this call can claim; returns how many rows were completed.

    Fast path: every recipient's inbox item and `sending` row commit in one transaction, then each
    email is sent and marked `sent` on its own (`delivery.send_staged`). If any row cannot take it
    (a payload that cannot be rendered or stored), nothing of the batch was committed: each row
    then goes the one-by-one way, which fails only what is broken.
    """
    from pmcohort.notifications import delivery  # it builds on this module

    token, claimed = _claim(outbox_ids)
    if not claimed:
        return 0
    session = db.session()
    # Handlers read the session and the people once; reloading them after every commit is only waste.
    session.expire_on_commit = False
    try:
        messages = db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id.in_(claimed))
            .order_by(OutboxMessage.id)
            .execution_options(populate_existing=True)
        ).all()
        try:
            loaded = [loader(messages) for loader in _batch_loaders]
            with delivery.staged_sends() as batch:
                for message in messages:
                    _handlers[message.topic](message)
            del loaded
            renew_leases(messages)
            db.session.commit()
        except LeaseLost:
            raise
        except Exception:  # noqa: BLE001 - nothing was committed: each row again, one by one
            db.session.rollback()
            log.warning("outbox batch %s goes row by row", claimed, exc_info=True)
            return sum(_deliver_claimed(outbox_id, token) for outbox_id in claimed)
        unfinished = delivery.send_staged(batch.emails, lambda: renew_leases(messages))
        done = [message for message in messages if message.id not in unfinished]
        if done:
            renew_leases(done)
            for message in done:
                _mark_processed(message)
            db.session.commit()
        for outbox_id, error in unfinished.items():
            _record_failure(outbox_id, token, error)
        return len(done)
    except LeaseLost:
        db.session.rollback()
        log.warning("outbox messages %s were taken over by another worker", claimed)
        return 0
    finally:
        session.expire_on_commit = True


def _mark_processed(message: OutboxMessage) -> None:
    message.processed_at, message.claimed_at, message.claim_token = utcnow(), None, None
    message.last_error = None


def _deliver_claimed(outbox_id: int, token: str) -> bool:
    """One claimed row, committing recipient by recipient: a recipient who cannot be served fails alone."""
    message = db.session.get(OutboxMessage, outbox_id, populate_existing=True)
    if message is None or message.claim_token != token:
        return False
    try:
        _handlers[message.topic](message)
        renew_lease(message)
        _mark_processed(message)
        db.session.commit()
        return True
    except LeaseLost:
        db.session.rollback()
        log.warning("outbox message %s was taken over by another worker", outbox_id)
        return False
    except Exception as error:  # noqa: BLE001 - every failure is recorded on the row, none is lost
        db.session.rollback()
        _record_failure(outbox_id, token, error)
        return False


def _record_failure(outbox_id: int, token: str, error: Exception) -> None:
    message = db.session.get(OutboxMessage, outbox_id, populate_existing=True)
    if message is None or message.claim_token != token:
        return
    now = utcnow()
    reason = describe(error)
    message.last_error, message.claimed_at, message.claim_token = reason, None, None
    if is_transient(error) and message.attempts < MAX_ATTEMPTS:
        message.published_at, message.next_attempt_at = None, now + retry_delay(message.attempts)
        log.warning("outbox message %s failed (attempt %d), retrying: %s", outbox_id, message.attempts, reason)
    else:
        message.failed_at = now
        record_audit("outbox.failed", "outbox_message", outbox_id, topic=message.topic, reason=reason)
        log.error("outbox message %s failed for good: %s", outbox_id, reason)
    db.session.commit()


def retry_failed(outbox_id: int, *, actor_id: int) -> OutboxMessage | None:
    """Queue a failed row again (the sweep publishes it within seconds), for the recipients it
    failed; those already served are not sent twice."""
    message = db.session.get(OutboxMessage, outbox_id, with_for_update=True)
    failed_recipients = db.session.scalars(
        select(EmailDelivery).where(EmailDelivery.outbox_id == outbox_id, EmailDelivery.status == "failed")
    ).all()
    if message is None or (message.failed_at is None and not failed_recipients):
        db.session.rollback()
        return None
    for delivery in failed_recipients:
        db.session.delete(delivery)
    message.failed_at = message.processed_at = message.next_attempt_at = message.published_at = None
    message.attempts = 0
    record_audit("outbox.retried", "outbox_message", outbox_id, actor_id=actor_id, recipients=len(failed_recipients))
    db.session.commit()
    return message


def failed_deliveries(limit: int = 200) -> list[tuple[OutboxMessage, list[EmailDelivery]]]:
    """Rows that failed, or that failed for some recipients, newest first, with those recipients."""
    failed_ids = select(EmailDelivery.outbox_id).where(EmailDelivery.status == "failed")
    rows = db.session.scalars(
        select(OutboxMessage)
        .where(or_(OutboxMessage.failed_at.is_not(None), OutboxMessage.id.in_(failed_ids)))
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    ).all()
    recipients: dict[int, list[EmailDelivery]] = {row.id: [] for row in rows}
    for delivery in db.session.scalars(
        select(EmailDelivery)
        .where(EmailDelivery.outbox_id.in_(list(recipients)), EmailDelivery.status == "failed")
        .order_by(EmailDelivery.recipient)
    ):
        recipients[delivery.outbox_id].append(delivery)
    return [(row, recipients[row.id]) for row in rows]
