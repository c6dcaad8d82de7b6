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

from flask import current_app, has_request_context, render_template, url_for
from sqlalchemy import select

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


def render_email(message: OutboxMessage, user: User, notice: Notice) -> OutgoingEmail:
    """The text and HTML parts come from the same words: the notice's template, split in paragraphs."""
    unsubscribe_url = None
    if notice.category != SECURITY_CATEGORY:
        token = preferences.unsubscribe_token(user.id, notice.category, message.id)
        unsubscribe_url = _absolute(path_for("main.unsubscribe", token=token))
    with _request_context():
        words = render_template(f"email/{notice.template}.txt", user=user, body=notice.body, **notice.context)
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
        text = render_template("email/layout.txt", **parts)
        html = render_template("email/layout.html", **parts)
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


_staged: ContextVar[list[StagedEmail] | None] = ContextVar("staged_emails", default=None)


@contextmanager
def staged_sends() -> Iterator[list[StagedEmail]]:
    """Within it, `deliver_notice` adds the inbox items and `sending` rows without committing and
    keeps the emails in the list it yields; the caller commits once, then calls `send_staged`.
    Anything it cannot render or store raises, for the caller to roll back and go one by one."""
    staged: list[StagedEmail] = []
    reset = _staged.set(staged)
    try:
        with _request_context():
            yield staged
    finally:
        _staged.reset(reset)


def send_staged(staged: list[StagedEmail], renew: Callable[[], None]) -> dict[int, Exception]:
    """Send the committed `sending` emails, committing each `sent` on its own. `renew` keeps the
    batch's lease (it raises LeaseLost). Returns the rows left unfinished, with the error that
    stopped them: a transient error stops the rest of the batch, to be retried."""
    unfinished: dict[int, Exception] = {}
    for position, item in enumerate(staged):
        if item.message.id in unfinished:
            continue
        try:
            renew()
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
        item.delivery.status, item.delivery.sent_at = "sent", utcnow()
        db.session.commit()
    return unfinished


def deliver_notice(message: OutboxMessage, user: User, notice: Notice) -> None:
    delivery = db.session.scalar(
        select(EmailDelivery).where(EmailDelivery.outbox_id == message.id, EmailDelivery.recipient == user.email)
    )
    if delivery is not None and delivery.status != "sending":
        return  # served (sent or skipped), or failed for good: only an admin's retry clears that
    email_wanted, in_app_wanted = preferences.channels_for(user.id, notice.category)
    recipient = user.email
    staged = _staged.get()
    try:
        email = render_email(message, user, notice) if email_wanted else None
        if delivery is None:
            if in_app_wanted and notice.in_app:
                _add_inbox_item(message, user, notice, flush=staged is None)
            delivery = EmailDelivery(
                outbox_id=message.id,
                recipient=recipient,
                status="sending" if email else "skipped",
                message_id=email.message_id if email else None,
            )
            db.session.add(delivery)
            if staged is None:
                db.session.flush()
    except Exception as error:
        if is_transient(error) or staged is not None:
            raise
        # What cannot be rendered or stored fails this recipient alone. The transaction holds only
        # this recipient's work (the one before committed), so rolling it back loses nothing else.
        db.session.rollback()
        _fail(message, recipient, error)
        return
    if email is None:
        delivery.status = "skipped"  # also a resend whose recipient turned this email off meanwhile
    if staged is not None:
        if email is not None:
            staged.append(StagedEmail(message, delivery, email))
        return
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


def _add_inbox_item(message: OutboxMessage, user: User, notice: Notice, *, flush: bool) -> None:
    # An admin's retry of a failed email finds the inbox item already there.
    exists = db.session.scalar(
        select(Notification.id).where(Notification.outbox_id == message.id, Notification.user_id == user.id)
    )
    if not exists:
        db.session.add(
            Notification(outbox_id=message.id, user_id=user.id, title=notice.title, body=notice.body, link=notice.link)
        )
        if flush:
            db.session.flush()


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
