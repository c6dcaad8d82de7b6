from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pmcohort.core.columns import InsertedAt, UpdatedAt
from pmcohort.core.extensions import db

# What a user can choose a channel for; security email (password reset, sign-in changes) has none.
NOTIFICATION_CATEGORIES = {
    "matches": "Matches",
    "sessions": "Sessions",
    "reminders": "Reminders and chasers",
    "reviews": "Reviews",
    "announcements": "Cohort announcements",
    "digest": "Weekly digest",
}
SECURITY_CATEGORY = "security"


class OutboxMessage(db.Model):
    """Background work requested by a change, written in that change's transaction.

    A worker owns a row while its lease (`claimed_at` + `claim_token`) is fresh; a row whose lease
    ran out is taken over. `failed_at` ends retries: the reason is in `last_error`.
    """

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[InsertedAt]
    published_at: Mapped[datetime | None]
    processed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[datetime | None]
    claim_token: Mapped[str | None] = mapped_column(String(32))
    next_attempt_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_outbox_messages_pending", "processed_at", "published_at"),)


class Notification(db.Model):
    """An in-app inbox item; one per recipient and outbox event."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id", ondelete="SET NULL"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[InsertedAt]
    read_at: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("outbox_id", "user_id", name="uq_notifications_outbox_user"),)


DELIVERY_STATUSES = ("sending", "sent", "skipped", "failed")


class EmailDelivery(db.Model):
    """One recipient of one outbox event: `sending` before the SMTP transaction, `sent` after it.

    A redelivery skips `sent`, `skipped` (the recipient does not want this email) and `failed`
    (a permanent error, with its reason); it resends `sending` with the same Message-ID.
    """

    __tablename__ = "email_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id", ondelete="CASCADE"))
    recipient: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(16), default="sent")
    message_id: Mapped[str | None] = mapped_column(String(255))
    error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    updated_at: Mapped[UpdatedAt]

    __table_args__ = (
        UniqueConstraint("outbox_id", "recipient", name="uq_email_deliveries_outbox_recipient"),
        CheckConstraint(f"status IN {DELIVERY_STATUSES}", name="known_status"),
    )


class NotificationPreference(db.Model):
    """A user's channels for one category; no row means both channels on."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    email: Mapped[bool] = mapped_column(default=True)
    in_app: Mapped[bool] = mapped_column(default=True)


class UnsubscribeUse(db.Model):
    """A one-click unsubscribe token already used: each works once."""

    __tablename__ = "unsubscribe_uses"

    token_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(32))
    used_at: Mapped[InsertedAt]


class DueReminder(db.Model):
    """A reminder or chaser due at `due_at`, planned in the database (never as a long Celery ETA).

    `key` names the event and its occurrence (say "session:12:seq3:24h"), so planning twice is a
    no-op; the sweep claims due rows, enqueues their outbox topic and marks them sent.
    """

    __tablename__ = "due_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(128), unique=True)
    topic: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int]
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_due_reminders_due", "sent_at", "due_at"),
        Index("ix_due_reminders_subject", "subject_type", "subject_id"),
    )
