"""Moving and cancelling a booked or proposed session (a participant cancelling a workshop leaves it)."""

from datetime import datetime

from pmcohort.accounts.models import User
from pmcohort.core.errors import NotFoundError, ServiceError
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain import scheduling
from pmcohort.domain.statuses import ParticipantRole, SessionKind, SessionStatus
from pmcohort.mentoring.booking import check_times, save_session
from pmcohort.mentoring.models import MentoringSession
from pmcohort.mentoring.services import session_with_place
from pmcohort.notifications import reminders
from pmcohort.notifications.outbox import enqueue
from pmcohort.ops.models import record_audit


def reschedule(session_id: int, *, actor_id: int, start: datetime, end: datetime, reason: str) -> MentoringSession:
    mentoring_session, place = session_with_place(session_id, actor_id)
    if mentoring_session.kind == SessionKind.WORKSHOP and place.role != ParticipantRole.HOST:
        raise NotFoundError("session", session_id)  # only the lead moves a workshop; a participant can leave it
    if not mentoring_session.active:
        raise ServiceError(None, f"This session is {mentoring_session.status}; it cannot be moved.")
    reason = reason.strip()
    if not reason:
        raise ServiceError("reason", "Say briefly why the time changes.")
    viewer = db.session.get(User, actor_id)
    people = [mentoring_session.host] + [p.user for p in mentoring_session.guests()]
    check_times(start, end, people, viewer, exclude=mentoring_session.id)
    mentoring_session.start_at, mentoring_session.end_at = start, end
    now = utcnow()
    for each in mentoring_session.participants:
        each.start_at, each.end_at = start, end
        if mentoring_session.kind != SessionKind.WORKSHOP:
            # The mover agrees to the new time by moving it; the other side is asked again.
            each.accepted_at = now if each.user_id == actor_id else None
    if mentoring_session.kind != SessionKind.WORKSHOP:
        mentoring_session.status = SessionStatus.PROPOSED
    mentoring_session.sequence += 1
    save_session(mentoring_session)
    record_audit(
        "session.rescheduled",
        "session",
        mentoring_session.id,
        actor_id=actor_id,
        reason=reason,
        start=start.isoformat(),
    )
    enqueue("session.changed", session_id=mentoring_session.id, reason=reason)
    reminders.plan_session(mentoring_session)
    db.session.commit()
    return mentoring_session


def cancel(session_id: int, *, actor_id: int, reason: str) -> MentoringSession:
    mentoring_session, place = session_with_place(session_id, actor_id)
    if not mentoring_session.active:
        raise ServiceError(None, f"This session is already {mentoring_session.status}.")
    reason = reason.strip()
    if not reason:
        raise ServiceError("reason", "Say briefly why you cancel.")
    now = utcnow()
    if mentoring_session.kind == SessionKind.WORKSHOP and place.role != ParticipantRole.HOST:
        place.active = False  # a participant leaves the workshop; it goes on for the others
        record_audit(
            "session.left",
            "session",
            mentoring_session.id,
            actor_id=actor_id,
            late=scheduling.is_late_cancellation(mentoring_session.start_at, now),
        )
        db.session.commit()
        return mentoring_session
    mentoring_session.status, mentoring_session.cancelled_at, mentoring_session.cancel_reason = (
        SessionStatus.CANCELLED,
        now,
        reason,
    )
    mentoring_session.cancelled_late = scheduling.is_late_cancellation(mentoring_session.start_at, now)
    mentoring_session.cancelled_by = actor_id
    mentoring_session.sequence += 1
    still_in = [each.user_id for each in mentoring_session.participants if each.active]
    for each in mentoring_session.participants:
        each.active = False
    record_audit(
        "session.cancelled",
        "session",
        mentoring_session.id,
        actor_id=actor_id,
        late=mentoring_session.cancelled_late,
        reason=reason,
    )
    enqueue("session.cancelled", session_id=mentoring_session.id, user_ids=still_in)
    reminders.plan_session(mentoring_session)
    db.session.commit()
    return mentoring_session
