"""One outbox event to one person: the in-app item and the email, by their preferences, once.

Per recipient: the inbox item and an `email_deliveries` row in state `sending` commit together
before the SMTP transaction starts; `sent` commits after the server accepted the message. A crash
in between resends with the same Message-ID (derived from the row and the recipient), which is the
only duplicate possible. A recipient whose notice cannot be rendered or stored, or whose address
the server refuses for good (5xx), is marked `failed` with the reason; the others still get theirs.
"""

import logging
from dataclasses import dataclass, field

from flask import current_app, render_template, url_for
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


def path_for(endpoint: str, **values) -> str:
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def _absolute(path: str) -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def render_email(message: OutboxMessage, user: User, notice: Notice) -> OutgoingEmail:
    """The text and HTML parts come from the same words: the notice's template, split in paragraphs."""
    unsubscribe_url = None
    if notice.category != SECURITY_CATEGORY:
        token = preferences.unsubscribe_token(user.id, notice.category, message.id)
        unsubscribe_url = _absolute(path_for("main.unsubscribe", token=token))
    with current_app.test_request_context():
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


def deliver_notice(message: OutboxMessage, user: User, notice: Notice) -> None:
    delivery = db.session.scalar(
        select(EmailDelivery).where(EmailDelivery.outbox_id == message.id, EmailDelivery.recipient == user.email)
    )
    if delivery is not None and delivery.status != "sending":
        return  # served (sent or skipped), or failed for good: only an admin's retry clears that
    email_wanted, in_app_wanted = preferences.channels_for(user.id, notice.category)
    recipient = user.email
    try:
        email = render_email(message, user, notice) if email_wanted else None
        if delivery is None:
            if in_app_wanted and notice.in_app:
                _add_inbox_item(message, user, notice)
            delivery = EmailDelivery(
                outbox_id=message.id,
                recipient=recipient,
                status="sending" if email else "skipped",
                message_id=email.message_id if email else None,
            )
            db.session.add(delivery)
            db.session.flush()
    except Exception as error:
        if is_transient(error):
            raise
        # What cannot be rendered or stored fails this recipient alone. The transaction holds only
        # this recipient's work (the one before committed), so rolling it back loses nothing else.
        db.session.rollback()
        _fail(message, recipient, error)
        return
    if email is None:
        delivery.status = "skipped"  # also a resend whose recipient turned this email off meanwhile
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


def _add_inbox_item(message: OutboxMessage, user: User, notice: Notice) -> None:
    # An admin's retry of a failed email finds the inbox item already there.
    exists = db.session.scalar(
        select(Notification.id).where(Notification.outbox_id == message.id, Notification.user_id == user.id)
    )
    if not exists:
        db.session.add(
            Notification(outbox_id=message.id, user_id=user.id, title=notice.title, body=notice.body, link=notice.link)
        )
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
