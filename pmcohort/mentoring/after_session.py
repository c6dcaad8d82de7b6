"""After a session: attendance, feedback with rubric scores, shadowing observations and the mentor's comments."""

from datetime import datetime

from sqlalchemy import select, union_all

from pmcohort.core.errors import NotFoundError, ServiceError
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain import practice
from pmcohort.domain.limits import FEEDBACK_RATING, SESSION_TEXT_MAX
from pmcohort.domain.statuses import (
    Attendance,
    DebriefStatus,
    ParticipantRole,
    SessionKind,
    SessionStatus,
)
from pmcohort.mentoring import practice_bank
from pmcohort.mentoring.models import (
    MentoringSession,
    SessionDebrief,
    SessionFeedback,
    ShadowingObservation,
)
from pmcohort.mentoring.services import session_with_place
from pmcohort.notifications.outbox import enqueue
from pmcohort.ops.models import record_audit
from pmcohort.plans import services as plans


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
    plans.record_session_held(mentoring_session.id)
    record_audit(
        "session.attendance",
        "session",
        mentoring_session.id,
        actor_id=host_id,
        attendance={str(k): v for k, v in attendance.items()},
    )
    db.session.commit()


def rubric_of(mentoring_session: MentoringSession) -> practice.Rubric | None:
    """The session's rubric as the admins keep it: a mock interview's kind's own, a role-play's card's (or the
    default for role-plays); None for kinds without one."""
    if mentoring_session.kind == SessionKind.INTERVIEW:
        key = mentoring_session.interview_kind
    elif mentoring_session.kind == SessionKind.ROLE_PLAY:
        card = practice_bank.find("persona", mentoring_session.persona_key)
        key = practice.rubric_key_for_session(
            SessionKind.ROLE_PLAY, persona=practice_bank.persona(card) if card else None
        )
    else:
        return None
    return practice_bank.rubric(key) if key else None


def submit_feedback(session_id: int, *, author_id: int, rating: int | None, notes: str) -> SessionFeedback:
    """How useful the session was, from each side; the host's scores of the engineer go in the debrief."""
    mentoring_session, _ = session_with_place(session_id, author_id)
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
    if len(notes) > SESSION_TEXT_MAX:
        errors["notes"] = f"Keep the notes under {SESSION_TEXT_MAX} characters."
    if errors:
        raise ServiceError.at_fields(errors)
    feedback = SessionFeedback(session_id=mentoring_session.id, author_id=author_id, rating=rating, notes=notes.strip())
    db.session.add(feedback)
    record_audit("session.feedback", "session", mentoring_session.id, actor_id=author_id, rating=rating)
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
    """Rubric scores the engineer received, per rubric, oldest first: {rubric key: [(session start, scores)]}.

    The scores of published debriefs, and those given with the mentor's feedback before debriefs held them."""
    debriefs = (
        select(SessionDebrief.rubric_key, MentoringSession.start_at, SessionDebrief.scores)
        .join(MentoringSession, MentoringSession.id == SessionDebrief.session_id)
        .where(
            SessionDebrief.engineer_id == engineer_id,
            SessionDebrief.status == DebriefStatus.PUBLISHED,
            SessionDebrief.rubric_key.is_not(None),
        )
    )
    earlier_feedback = (
        select(SessionFeedback.rubric_key, MentoringSession.start_at, SessionFeedback.rubric_scores)
        .join(MentoringSession, MentoringSession.id == SessionFeedback.session_id)
        .where(
            SessionFeedback.subject_id == engineer_id,
            SessionFeedback.rubric_key.is_not(None),
            SessionFeedback.session_id.not_in(debriefs.with_only_columns(SessionDebrief.session_id)),
        )
    )
    rows = db.session.execute(union_all(debriefs, earlier_feedback).order_by("start_at"))
    history: dict[str, list[tuple[datetime, dict[str, int]]]] = {}
    for key, start, scores in rows:
        history.setdefault(key, []).append((start, scores))
    return history
