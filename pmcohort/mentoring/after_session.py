"""After a session: attendance, feedback with rubric scores, shadowing observations and the mentor's comments."""

from datetime import datetime

from sqlalchemy import select

from pmcohort.core.errors import NotFoundError, ServiceError
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain import practice
from pmcohort.domain.limits import FEEDBACK_RATING
from pmcohort.domain.statuses import (
    Attendance,
    ParticipantRole,
    SessionKind,
    SessionStatus,
)
from pmcohort.mentoring import practice_bank
from pmcohort.mentoring.models import (
    MentoringSession,
    SessionFeedback,
    ShadowingObservation,
)
from pmcohort.mentoring.services import MAX_TEXT, session_with_place
from pmcohort.mentorships import rematch
from pmcohort.notifications.outbox import enqueue
from pmcohort.ops.models import record_audit


def _started(mentoring_session: MentoringSession) -> None:
    if mentoring_session.start_at > utcnow():
        raise ServiceError(None, "This can be recorded once the session has started.")
    if mentoring_session.status == SessionStatus.CANCELLED:
        raise ServiceError(None, "This session was cancelled.")


def record_attendance(session_id: int, *, host_id: int, attendance: dict[int, str]) -> None:
    mentoring_session, place = session_with_place(session_id, host_id)
    if place.role != ParticipantRole.HOST:
        raise NotFoundError("session", session_id)
    _started(mentoring_session)
    unmarked = {
        f"attendance_{each.user_id}": f"Mark {each.user.name} as attended or no-show."
        for each in mentoring_session.guests()
        if attendance.get(each.user_id) not in tuple(Attendance)
    }
    if unmarked:
        raise ServiceError(None, "Mark every guest as attended or no-show.", errors=unmarked)
    for each in mentoring_session.guests():
        each.attendance = attendance[each.user_id]
    mentoring_session.status = SessionStatus.COMPLETED
    record_audit(
        "session.attendance",
        "session",
        mentoring_session.id,
        actor_id=host_id,
        attendance={str(k): v for k, v in attendance.items()},
    )
    db.session.commit()


def rubric_of(mentoring_session: MentoringSession) -> practice.Rubric | None:
    """The session's rubric as the admins keep it, or None for kinds without one."""
    key = practice.rubric_key_for_session(
        mentoring_session.interview_kind if mentoring_session.kind == SessionKind.INTERVIEW else mentoring_session.kind
    )
    return practice_bank.rubric(key) if key else None


def submit_feedback(
    session_id: int,
    *,
    author_id: int,
    rating: int | None,
    notes: str,
    rubric_scores: dict[str, int] | None = None,
    rubric_notes: dict[str, str] | None = None,
) -> SessionFeedback:
    mentoring_session, place = session_with_place(session_id, author_id)
    _started(mentoring_session)
    if db.session.scalar(
        select(SessionFeedback.id).where(
            SessionFeedback.session_id == mentoring_session.id, SessionFeedback.author_id == author_id
        )
    ):
        raise ServiceError(None, "You already gave feedback on this session.")
    errors = {}  # every field at once: the rating and each rubric score
    if rating is None or rating not in FEEDBACK_RATING:
        errors["rating"] = f"Rate the session from {FEEDBACK_RATING.low} to {FEEDBACK_RATING.high}."
    if len(notes) > MAX_TEXT:
        errors["notes"] = f"Keep the notes under {MAX_TEXT} characters."
    rubric = rubric_of(mentoring_session) if place.role == ParticipantRole.HOST else None
    if rubric is not None:
        errors |= {
            f"score_{key}": message for key, message in practice.validate_scores(rubric, rubric_scores or {}).items()
        }
    if errors:
        raise ServiceError.at_fields(errors)
    feedback = SessionFeedback(session_id=mentoring_session.id, author_id=author_id, rating=rating, notes=notes.strip())
    if rubric is not None:
        guest = mentoring_session.guests()[0]
        feedback.subject_id = guest.user_id
        feedback.rubric_key, feedback.rubric_scores = rubric.key, dict(rubric_scores)
        feedback.rubric_notes = {
            k: v.strip() for k, v in (rubric_notes or {}).items() if k in rubric.dimension_keys and v.strip()
        }
    db.session.add(feedback)
    record_audit("session.feedback", "session", mentoring_session.id, actor_id=author_id, rating=rating)
    if feedback.subject_id is not None:
        rematch.after_profile_change(feedback.subject_id)  # the scores move the engineer's effective profile
    db.session.commit()
    return feedback


def report_host_no_show(session_id: int, *, engineer_id: int) -> None:
    """The engineer says the hosting mentor never came; it counts against the mentor's reliability."""
    mentoring_session, place = session_with_place(session_id, engineer_id)
    if place.role != ParticipantRole.PARTICIPANT or mentoring_session.kind == SessionKind.WORKSHOP:
        raise NotFoundError("session", session_id)
    _started(mentoring_session)
    host = mentoring_session.participant(mentoring_session.host_id)
    if host is None:
        raise NotFoundError("session", session_id)
    if host.attendance == Attendance.NO_SHOW:
        raise ServiceError(None, "You already reported that the mentor did not come.")
    host.attendance = Attendance.NO_SHOW
    record_audit("session.host_no_show", "session", mentoring_session.id, actor_id=engineer_id)
    db.session.commit()


def save_observation(
    session_id: int, *, engineer_id: int, decision: str, who_moved_it: str, trade_off: str
) -> ShadowingObservation:
    mentoring_session, place = session_with_place(session_id, engineer_id)
    if mentoring_session.kind != SessionKind.SHADOWING or place.role != ParticipantRole.PARTICIPANT:
        raise NotFoundError("session", session_id)
    _started(mentoring_session)
    answers = {"decision": decision.strip(), "who_moved_it": who_moved_it.strip(), "trade_off": trade_off.strip()}
    for field, value in answers.items():
        if not value:
            raise ServiceError(field, "Write a sentence or two here.")
    observation = db.session.get(ShadowingObservation, mentoring_session.id) or ShadowingObservation(
        session_id=mentoring_session.id, author_id=engineer_id
    )
    for field, value in answers.items():
        setattr(observation, field, value)
    db.session.add(observation)
    enqueue("session.observation", session_id=mentoring_session.id)
    db.session.commit()
    return observation


def comment_observation(session_id: int, *, mentor_id: int, comment: str) -> None:
    mentoring_session, place = session_with_place(session_id, mentor_id)
    observation = db.session.get(ShadowingObservation, session_id)
    if place.role != ParticipantRole.HOST or observation is None:
        raise NotFoundError("session", session_id)
    if not comment.strip():
        raise ServiceError("comment", "Write a comment first.")
    observation.mentor_comment = comment.strip()
    db.session.commit()


def rubric_history(engineer_id: int) -> dict[str, list[tuple[datetime, dict[str, int]]]]:
    """Rubric scores the engineer received, per rubric, oldest first: {rubric key: [(session start, scores)]}."""
    rows = db.session.execute(
        select(SessionFeedback.rubric_key, MentoringSession.start_at, SessionFeedback.rubric_scores)
        .join(MentoringSession, MentoringSession.id == SessionFeedback.session_id)
        .where(SessionFeedback.subject_id == engineer_id, SessionFeedback.rubric_key.is_not(None))
        .order_by(MentoringSession.start_at)
    )
    history: dict[str, list[tuple[datetime, dict[str, int]]]] = {}
    for key, start, scores in rows:
        history.setdefault(key, []).append((start, scores))
    return history
