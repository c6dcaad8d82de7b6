from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from pmcohort.core.columns import InsertedAt
from pmcohort.core.extensions import db


class AuditEvent(db.Model):
    """A state change that matters, for an operator to read later."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[InsertedAt] = mapped_column(index=True)


class WorkerHeartbeat(db.Model):
    """Written by a worker on start and on a beat schedule; read by /healthz."""

    __tablename__ = "worker_heartbeats"

    worker: Mapped[str] = mapped_column(String(200), primary_key=True)
    seen_at: Mapped[InsertedAt]


def record_audit(
    action: str, subject_type: str, subject_id: int | None, *, actor_id: int | None = None, **details
) -> AuditEvent:
    event = AuditEvent(
        actor_id=actor_id, action=action, subject_type=subject_type, subject_id=subject_id, details=details
    )
    db.session.add(event)
    return event
