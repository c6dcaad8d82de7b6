"""Reminders, chasers and the weekly lead digest, planned as rows that fall due.

A change plans its subject's reminders in its own transaction (`plan_session` replaces the
unsent ones, so a moved session is reminded at its new time and a cancelled one not at all).
The beat sweep claims due rows in batches, `FOR UPDATE SKIP LOCKED` on PostgreSQL so two sweeps
never take the same row (SQLite takes the write lock at BEGIN, which serialises them), enqueues
each row's outbox topic and marks it sent in the same transaction. Nothing waits in Celery.
"""

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from pmcohort.accounts.models import User, UserRole
from pmcohort.cohorts.models import Match
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain import reminders as rules
from pmcohort.domain.statuses import DOCUMENT_AWAITING_REVIEW, Role, SessionStatus
from pmcohort.mentoring.models import MentoringSession
from pmcohort.notifications.models import DueReminder
from pmcohort.notifications.outbox import enqueue
from pmcohort.writing.models import Document, DocumentVersion

SWEEP_BATCH = 500


def _replan(subject_type: str, subject_id: int, version: int, planned: list[rules.Planned], payload: dict) -> None:
    db.session.execute(
        delete(DueReminder).where(
            DueReminder.subject_type == subject_type,
            DueReminder.subject_id == subject_id,
            DueReminder.sent_at.is_(None),
        )
    )
    sent = set(
        db.session.scalars(
            select(DueReminder.key).where(
                DueReminder.subject_type == subject_type, DueReminder.subject_id == subject_id
            )
        )
    )
    for each in planned:
        key = f"{subject_type}:{subject_id}:v{version}:{each.kind}"
        if key not in sent:
            db.session.add(
                DueReminder(
                    key=key,
                    topic=each.topic,
                    payload={**payload, "kind": each.kind},
                    subject_type=subject_type,
                    subject_id=subject_id,
                    due_at=each.due_at,
                )
            )


def plan_session(session: MentoringSession, now: datetime | None = None) -> None:
    """Call in the transaction that changes the session: only a scheduled session is reminded."""
    db.session.flush()
    planned = (
        rules.session_plan(session.start_at, session.end_at, now or utcnow())
        if session.status == SessionStatus.SCHEDULED
        else []
    )
    _replan("session", session.id, session.sequence, planned, {"session_id": session.id})


def plan_unplanned_sessions(now: datetime | None = None) -> int:
    """Plan the reminders of every scheduled session still ahead that has none planned: sessions
    written without going through a change that plans (seeded data, or scheduled before reminders
    became rows). A second call finds nothing to do. Returns how many sessions were planned."""
    now = now or utcnow()
    has_plan = select(DueReminder.id).where(
        DueReminder.subject_type == "session", DueReminder.subject_id == MentoringSession.id
    )
    unplanned = db.session.scalars(
        select(MentoringSession).where(
            MentoringSession.status == SessionStatus.SCHEDULED, MentoringSession.start_at > now, ~has_plan.exists()
        )
    ).all()
    for mentoring_session in unplanned:
        plan_session(mentoring_session, now)
    return len(unplanned)


def plan_proposal(match: Match, expires_after, now: datetime | None = None) -> None:
    db.session.flush()
    created = match.created_at or utcnow()
    _replan(
        "match",
        match.id,
        0,
        rules.proposal_plan(created, created + expires_after, now or utcnow()),
        {"match_id": match.id},
    )


def plan_review(document: Document, now: datetime | None = None) -> None:
    """Call in the transaction that submits, reviews or withdraws the document: only a round still
    awaiting its decision is chased. A lapsed shared-queue claim keeps the plan (the author still
    waits, counted from the submission): who is reminded is decided when a reminder is sent."""
    db.session.flush()
    awaiting = document.status in DOCUMENT_AWAITING_REVIEW and document.submitted_at is not None
    # Asked of the database: a version added in this transaction is not in `document.versions` yet.
    version = db.session.scalar(
        select(func.coalesce(func.max(DocumentVersion.number), 0)).where(DocumentVersion.document_id == document.id)
    )
    planned = rules.review_plan(document.submitted_at, now or utcnow()) if awaiting else []
    _replan("document", document.id, version, planned, {"document_id": document.id, "version": version})


def plan_digests(now: datetime | None = None) -> int:
    """One digest row per lead for the coming Monday 08:00 in their zone; the key (lead and ISO
    week) makes a second beat's plan, or a second run, a no-op."""
    now = now or utcnow()
    leads = db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id).where(UserRole.role == Role.LEAD, User.active)
    ).all()
    planned = 0
    for lead in leads:
        due_at = rules.next_digest_at(now, lead.time_zone)
        week = rules.digest_week(due_at)
        try:
            with db.session.begin_nested():
                db.session.add(
                    DueReminder(
                        key=f"digest:{lead.id}:{week}",
                        topic="digest.weekly",
                        subject_type="user",
                        subject_id=lead.id,
                        due_at=due_at,
                        payload={"lead_id": lead.id, "week": week},
                    )
                )
            planned += 1
        except IntegrityError:
            pass  # planned already
    db.session.commit()
    return planned


def send_due(now: datetime | None = None, batch: int = SWEEP_BATCH) -> int:
    """Claim due rows batch by batch, enqueue their notices, mark them sent. Returns how many."""
    now = now or utcnow()
    total = 0
    while True:
        due = db.session.scalars(
            select(DueReminder)
            .where(DueReminder.sent_at.is_(None), DueReminder.due_at <= now)
            .order_by(DueReminder.due_at, DueReminder.id)
            .limit(batch)
            .with_for_update(skip_locked=True)
        ).all()
        for reminder in due:
            enqueue(reminder.topic, **reminder.payload)
            reminder.sent_at = now
        db.session.commit()
        total += len(due)
        if len(due) < batch:
            return total
