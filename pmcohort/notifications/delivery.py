"""One outbox event to one person: the in-app item and the email, by their preferences, once.

Per recipient: the inbox item and an `email_deliveries` row in state `sending` commit together
before the SMTP transaction starts; `sent` commits after the server accepted the message. A crash
in between resends with the same Message-ID (derived from the row and the recipient), which is the
only duplicate possible. A recipient whose notice cannot be rendered or stored, or whose address
the server refuses for good (5xx), is marked `failed` with the reason; the others still get theirs.

In a batch (`staged_sends`, used by `outbox.deliver_batch`), the inbox items and `sending` rows of
every recipient of every row in the batch commit together, once; then each email is sent and its
`sent` commits on its own, so a crash still repeats at most the one message in flight, with its
Message-ID. A recipient that cannot be rendered or stored makes the batch fall back to the
one-by-one path above, which isolates it.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field

from flask import current_app, has_request_context, url_for
from sqlalchemy import Engine, select
from sqlalchemy.orm.attributes import set_committed_value

from pmcohort.accounts.models import User
from pmcohort.core.email import Invite, OutgoingEmail, PermanentDeliveryError, message_id_for, send_email
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.notifications import services as preferences
from pmcohort.notifications.models import (
    NOTIFICATION_CATEGORIES,
    SECURITY_CATEGORY,
    EmailDelivery,
    Notification,
    OutboxMessage,
)
from pmcohort.notifications.outbox import describe, is_transient, renew_lease
from pmcohort.ops.models import record_audit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    category: str
    title: str  # the inbox title and the email subject
    link: str | None = None  # a path in the app: the inbox link and the email's button
    body: str = ""  # the inbox text; the `notice` email template shows it too
    template: str = "notice"  # templates/email/<template>.txt: the email's words, for text and HTML alike
    context: dict = field(default_factory=dict)
    action_label: str = "Open in PM Cohort"
    invite: Invite | None = None
    in_app: bool = True  # False for what only makes sense by email (a password reset link)


def _request_context():
    """A request context to build links in; a batch opens one for all its emails."""
    return nullcontext() if has_request_context() else current_app.test_request_context()


def path_for(endpoint: str, **values) -> str:
    with _request_context():
        return url_for(endpoint, **values)


def _absolute(path: str) -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def _render(template: str, **context) -> str:
    """Jinja directly: email templates use only what they are given and the app's template globals,
    so Flask's per-render context processors and signals would be pure cost, hundreds of times a batch."""
    return current_app.jinja_env.get_template(template).render(context)


def render_email(message: OutboxMessage, user: User, notice: Notice) -> OutgoingEmail:
    """The text and HTML parts come from the same words: the notice's template, split in paragraphs."""
    unsubscribe_url = None
    if notice.category != SECURITY_CATEGORY:
        token = preferences.unsubscribe_token(user.id, notice.category, message.id)
        unsubscribe_url = _absolute(path_for("main.unsubscribe", token=token))
    with _request_context():
        words = _render(f"email/{notice.template}.txt", user=user, body=notice.body, **notice.context)
        parts = {
            "user": user,
            "title": notice.title,
            "paragraphs": [paragraph.strip() for paragraph in words.split("\n\n") if paragraph.strip()],
            "action_label": notice.action_label,
            "action_url": _absolute(notice.link) if notice.link else None,
            "unsubscribe_url": unsubscribe_url,
            "category_label": NOTIFICATION_CATEGORIES.get(notice.category),
            "preferences_url": _absolute(url_for("main.preferences")),
        }
        text = _render("email/layout.txt", **parts)
        html = _render("email/layout.html", **parts)
    return OutgoingEmail(
        to=user.email,
        subject=notice.title,
        text=text,
        html=html,
        message_id=message_id_for(message.id, user.email),
        invite=notice.invite,
        unsubscribe_url=unsubscribe_url,
    )


@dataclass(frozen=True)
class StagedEmail:
    message: OutboxMessage
    delivery: EmailDelivery
    email: OutgoingEmail


@dataclass
class Batch:
    """Who gets what during a batch (`wanted`, noted by `deliver_notice`), then the emails to send."""

    wanted: list[tuple[OutboxMessage, User, Notice]] = field(default_factory=list)
    emails: list[StagedEmail] = field(default_factory=list)


_batch: ContextVar[Batch | None] = ContextVar("delivery_batch", default=None)


@contextmanager
def staged_sends() -> Iterator[Batch]:
    """Within it, `deliver_notice` only notes who gets what. On leaving, what all those notices
    need (delivery states, inbox items, preferences) is read in three queries, and their inbox
    items and `sending` rows are added without committing; `Batch.emails` then holds the emails.
    The caller commits once, then calls `send_staged`. Anything that cannot be rendered or stored
    raises, for the caller to roll back and go row by row."""
    batch = Batch()
    reset = _batch.set(batch)
    try:
        with _request_context():
            yield batch
            _batch.set(None)
            _prepare_batch(batch)
    finally:
        _batch.reset(reset)


def _prepare_batch(batch: Batch) -> None:
    if not batch.wanted:
        return
    outbox_ids = {message.id for message, _, _ in batch.wanted}
    deliveries = {
        (delivery.outbox_id, delivery.recipient): delivery
        for delivery in db.session.scalars(select(EmailDelivery).where(EmailDelivery.outbox_id.in_(outbox_ids)))
    }
    in_inbox = {
        (outbox_id, user_id)
        for outbox_id, user_id in db.session.execute(
            select(Notification.outbox_id, Notification.user_id).where(Notification.outbox_id.in_(outbox_ids))
        )
    }
    channels = preferences.channels_of({user.id for _, user, _ in batch.wanted})
    # Nothing is written until the commit: the rows go in as a few multi-row INSERTs.
    with db.session.no_autoflush:
        for message, user, notice in batch.wanted:
            prepared = _prepare(
                message,
                user,
                notice,
                deliveries.get((message.id, user.email)),
                channels(user.id, notice.category),
                has_inbox_item=(message.id, user.id) in in_inbox,
            )
            if prepared is None:
                continue
            delivery, email = prepared
            deliveries[message.id, user.email] = delivery
            in_inbox.add((message.id, user.id))
            if email is not None:
                batch.emails.append(StagedEmail(message, delivery, email))


def send_staged(staged: list[StagedEmail], renew: Callable[[], None]) -> dict[int, Exception]:
    """Send the committed `sending` emails, each one's `sent` committed on its own (`sent_marks`).
    `renew` keeps the batch's lease (it raises LeaseLost). Returns the rows left unfinished, with
    the error that stopped them: a transient error stops the rest of the batch, to be retried."""
    unfinished: dict[int, Exception] = {}
    with sent_marks() as mark_sent:
        for position, item in enumerate(staged):
            if item.message.id in unfinished:
                continue
            try:
                renew()
                if db.session().in_transaction():
                    db.session.commit()  # the renewed lease: other workers must see it
                send_email(item.email)
            except PermanentDeliveryError as error:
                _fail(item.message, item.delivery.recipient, error)
                continue
            except Exception as error:  # noqa: BLE001 - recorded on its row by the caller, for a retry or an admin
                db.session.rollback()
                if not is_transient(error):
                    unfinished[item.message.id] = error
                    continue
                for rest in staged[position:]:
                    unfinished.setdefault(rest.message.id, error)
                break
            mark_sent(item.delivery)
    return unfinished


_MARK_SENT = "UPDATE email_deliveries SET status = 'sent', sent_at = %(now)s, updated_at = %(now)s WHERE id = %(id)s"


@contextmanager
def sent_marks() -> Iterator[Callable[[EmailDelivery], None]]:
    """A function that records one delivery as `sent` and has it committed when it returns.

    On PostgreSQL: one UPDATE on a connection of its own in autocommit mode, one round trip
    instead of BEGIN, UPDATE, COMMIT, with `synchronous_commit` off, so it does not wait for the
    WAL to reach the disk. The row is committed and visible once the call returns, so a killed
    worker loses nothing; only a crash of the database server itself within a fraction of a
    second could undo it, and the message would then go again with the same Message-ID. Other
    databases, and a session bound to one connection (the tests' rolled-back transaction, whose
    rows a second connection cannot see): the session commits.
    """
    if db.engine.dialect.name != "postgresql" or not isinstance(db.session.get_bind(), Engine):

        def commit_sent(delivery: EmailDelivery) -> None:
            delivery.status, delivery.sent_at = "sent", utcnow()
            db.session.commit()

        yield commit_sent
        return
    with db.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.exec_driver_sql("SET synchronous_commit TO off")

        def update_sent(delivery: EmailDelivery) -> None:
            now = utcnow()
            # The driver's own SQL: this runs once per email, and compiling the statement each time showed.
            marked = connection.exec_driver_sql(_MARK_SENT, {"id": delivery.id, "now": now}).rowcount
            if marked != 1:
                raise RuntimeError(f"email delivery {delivery.id} is not visible to mark it sent")
            for attribute, value in (("status", "sent"), ("sent_at", now), ("updated_at", now)):
                set_committed_value(delivery, attribute, value)

        try:
            yield update_sent
        finally:
            connection.exec_driver_sql("RESET synchronous_commit")  # the connection goes back to the pool


def _prepare(
    message: OutboxMessage,
    user: User,
    notice: Notice,
    delivery: EmailDelivery | None,
    channels: tuple[bool, bool],
    *,
    has_inbox_item: bool,
) -> tuple[EmailDelivery, OutgoingEmail | None] | None:
    """Render the email and add the inbox item and the delivery row (not flushed). None when this
    recipient was served already (sent or skipped) or failed for good: only an admin's retry clears that."""
    if delivery is not None and delivery.status != "sending":
        return None
    email_wanted, in_app_wanted = channels
    email = render_email(message, user, notice) if email_wanted else None
    if delivery is None:
        # An admin's retry of a failed email finds the inbox item already there.
        if in_app_wanted and notice.in_app and not has_inbox_item:
            db.session.add(
                Notification(
                    outbox_id=message.id, user_id=user.id, title=notice.title, body=notice.body, link=notice.link
                )
            )
        delivery = EmailDelivery(
            outbox_id=message.id,
            recipient=user.email,
            status="sending" if email else "skipped",
            message_id=email.message_id if email else None,
        )
        db.session.add(delivery)
    if email is None:
        delivery.status = "skipped"  # also a resend whose recipient turned this email off meanwhile
    return delivery, email


def deliver_notice(message: OutboxMessage, user: User, notice: Notice) -> None:
    batch = _batch.get()
    if batch is not None:
        batch.wanted.append((message, user, notice))
        return
    delivery = db.session.scalar(
        select(EmailDelivery).where(EmailDelivery.outbox_id == message.id, EmailDelivery.recipient == user.email)
    )
    channels = preferences.channels_for(user.id, notice.category)
    try:
        has_inbox_item = delivery is None and _has_inbox_item(message, user)
        prepared = _prepare(message, user, notice, delivery, channels, has_inbox_item=has_inbox_item)
        db.session.flush()
    except Exception as error:
        if is_transient(error):
            raise
        # What cannot be rendered or stored fails this recipient alone. The transaction holds only
        # this recipient's work (the one before committed), so rolling it back loses nothing else.
        db.session.rollback()
        _fail(message, user.email, error)
        return
    if prepared is None:
        return
    delivery, email = prepared
    renew_lease(message)
    db.session.commit()
    if email is None:
        return
    try:
        send_email(email)
    except PermanentDeliveryError as error:
        _fail(message, user.email, error)
        return
    delivery.status, delivery.sent_at = "sent", utcnow()
    renew_lease(message)
    db.session.commit()


def _has_inbox_item(message: OutboxMessage, user: User) -> bool:
    return (
        db.session.scalar(
            select(Notification.id).where(Notification.outbox_id == message.id, Notification.user_id == user.id)
        )
        is not None
    )


def _fail(message: OutboxMessage, recipient: str, error: Exception) -> None:
    reason = describe(error)
    delivery = db.session.scalar(
        select(EmailDelivery).where(EmailDelivery.outbox_id == message.id, EmailDelivery.recipient == recipient)
    )
    if delivery is None:
        delivery = EmailDelivery(outbox_id=message.id, recipient=recipient)
        db.session.add(delivery)
    delivery.status, delivery.error = "failed", reason
    record_audit(
        "outbox.recipient_failed", "outbox_message", message.id, topic=message.topic, recipient=recipient, reason=reason
    )
    renew_lease(message)
    db.session.commit()
    log.error("outbox message %s failed for %s: %s", message.id, recipient, reason)
