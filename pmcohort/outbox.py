"""The transactional outbox: background work is written with the change that needs it.

A change calls `enqueue` inside its transaction. Right after that transaction
commits, the new rows are published to Celery; a beat sweep publishes whatever
was missed (the broker was down, the process died). Delivery is idempotent by
the outbox row id, so publishing twice is harmless and a rolled-back change
publishes nothing.
"""

import logging
from collections.abc import Callable
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from pmcohort.extensions import db
from pmcohort.models import OutboxMessage
from pmcohort.models.types import utcnow

log = logging.getLogger(__name__)

DELIVER_TASK = "pmcohort.outbox.deliver"
SWEEP_TASK = "pmcohort.outbox.sweep"
# A published row not processed after this long is assumed lost by the broker and sent again.
REPUBLISH_AFTER = timedelta(minutes=5)
SWEEP_BATCH = 500

Handler = Callable[[OutboxMessage], None]
_handlers: dict[str, Handler] = {}


def handles(topic: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _handlers[topic] = handler
        return handler

    return register


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
    """Send delivery tasks for `ids`; stops at the first broker error. Returns how many were sent."""
    celery_app = current_app.extensions["celery"]
    sent: list[int] = []
    try:
        for outbox_id in ids:
            celery_app.send_task(DELIVER_TASK, args=[outbox_id], retry=False)
            sent.append(outbox_id)
    except Exception:  # noqa: BLE001 - any broker failure: the sweep retries later
        log.warning("broker unavailable; %d outbox message(s) left for the sweep", len(ids) - len(sent), exc_info=True)
    if sent:
        # Its own connection: this runs after the caller's transaction has ended.
        with db.engine.begin() as connection:
            connection.execute(
                update(OutboxMessage.__table__).where(OutboxMessage.id.in_(sent)).values(published_at=utcnow())
            )
    return len(sent)


def sweep() -> int:
    """Publish unprocessed messages that were never published or seem lost."""
    stale = utcnow() - REPUBLISH_AFTER
    ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.processed_at.is_(None),
            or_(OutboxMessage.published_at.is_(None), OutboxMessage.published_at < stale),
        )
        .order_by(OutboxMessage.id)
        .limit(SWEEP_BATCH)
    ).all()
    db.session.commit()
    return publish(list(ids)) if ids else 0


def deliver(outbox_id: int) -> bool:
    """Run the handler for one message once. Returns False when there was nothing to do."""
    message = db.session.get(OutboxMessage, outbox_id, with_for_update=True)
    if message is None or message.processed_at is not None:
        db.session.rollback()
        return False
    try:
        _handlers[message.topic](message)
        message.processed_at = utcnow()
        message.attempts += 1
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outbox_id)
            .values(attempts=OutboxMessage.attempts + 1, last_error=repr(error)[:2000])
        )
        db.session.commit()
        raise
    return True
