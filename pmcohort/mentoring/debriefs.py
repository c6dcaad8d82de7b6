"""Debriefs after practice and shadowing sessions, their action items, and swapping a mock interview's question.

The mentor saves a draft as often as they like and publishes once the session has taken place; the
engineer is notified then and sees the debrief, including what the question's strong answer shows and
the persona's hidden constraint. A published debrief is final: its action items are the engineer's to
tick off, and open ones carry into the agenda of the pair's next session.
"""

from datetime import datetime

from sqlalchemy import delete, select

from pmcohort.core.errors import NotFoundError, ServiceError
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain.debriefs import DebriefDraft, validate_debrief
from pmcohort.domain.statuses import DEBRIEF_SESSION_KINDS, DebriefStatus, ParticipantRole, SessionKind, SessionStatus
from pmcohort.mentoring import practice_bank
from pmcohort.mentoring.after_session import rubric_of
from pmcohort.mentoring.models import ActionItem, MentoringSession, ObservedPitfall, SessionDebrief
from pmcohort.mentoring.services import asked_questions, mentor_kinds, session_with_place
from pmcohort.mentorships import rematch
from pmcohort.notifications.outbox import enqueue
from pmcohort.ops.models import record_audit


def has_happened(mentoring_session: MentoringSession, now: datetime | None = None) -> bool:
    """Held: attendance recorded, or a scheduled session whose time is over."""
    if mentoring_session.status == SessionStatus.COMPLETED:
        return True
    return mentoring_session.status == SessionStatus.SCHEDULED and mentoring_session.end_at <= (now or utcnow())


def debrief_of(session_id: int) -> SessionDebrief | None:
    return db.session.get(SessionDebrief, session_id)


def save_debrief(session_id: int, *, mentor_id: int, draft: DebriefDraft, publish: bool) -> SessionDebrief:
    """Save the host's debrief as a draft, or publish it; every field is checked before anything is written."""
    mentoring_session, place = session_with_place(session_id, mentor_id)
    if place.role != ParticipantRole.HOST or mentoring_session.kind not in DEBRIEF_SESSION_KINDS:
        raise NotFoundError("session", session_id)
    guests = mentoring_session.guests()
    if mentoring_session.status == SessionStatus.CANCELLED or not guests:
        raise ServiceError(None, "This session was cancelled; there is nothing to debrief.")
    debrief = debrief_of(mentoring_session.id)
    if debrief is not None and debrief.published:
        raise ServiceError(None, "This debrief is published; it can no longer change.")
    if publish and not has_happened(mentoring_session):
        raise ServiceError(
            None, "This session has not happened yet. Save the debrief as a draft and publish it after the session."
        )
    rubric = rubric_of(mentoring_session)
    errors = validate_debrief(rubric, draft, publishing=publish)
    if errors:
        raise ServiceError.at_fields(errors)

    engineer_id = guests[0].user_id
    if debrief is None:
        debrief = SessionDebrief(session_id=mentoring_session.id, mentor_id=mentor_id, engineer_id=engineer_id)
        db.session.add(debrief)
        db.session.flush()  # the pitfalls below refer to it
    debrief.rubric_key = rubric.key if rubric else None
    debrief.scores = {key: value for key, value in draft.scores.items() if value is not None} if rubric else {}
    debrief.score_notes = (
        {key: note.strip() for key, note in draft.score_notes.items() if note.strip() and key in rubric.dimension_keys}
        if rubric
        else {}
    )
    debrief.overall_notes = draft.overall_notes.strip()
    debrief.target_level, debrief.overall_signal = draft.target_level, draft.overall_signal
    db.session.execute(delete(ObservedPitfall).where(ObservedPitfall.session_id == mentoring_session.id))
    db.session.add_all(
        ObservedPitfall(session_id=mentoring_session.id, engineer_id=engineer_id, pitfall=pitfall, note=note.strip())
        for pitfall, note in draft.pitfalls.items()
    )
    db.session.execute(delete(ActionItem).where(ActionItem.session_id == mentoring_session.id))
    db.session.add_all(
        ActionItem(
            session_id=mentoring_session.id,
            engineer_id=engineer_id,
            match_id=mentoring_session.match_id,
            text=item.text.strip(),
            due_on=item.due_on,
        )
        for item in draft.action_items
    )
    if publish:
        debrief.status, debrief.published_at = DebriefStatus.PUBLISHED, utcnow()
        enqueue("session.debrief_published", session_id=mentoring_session.id, engineer_id=engineer_id)
        rematch.after_profile_change(engineer_id)  # its scores and pitfalls move the effective profile
    record_audit(
        "session.debrief_published" if publish else "session.debrief_saved",
        "session",
        mentoring_session.id,
        actor_id=mentor_id,
        action_items=len(draft.action_items),
        pitfalls=sorted(draft.pitfalls),
    )
    db.session.commit()
    return debrief


def pitfalls_of(session_id: int) -> list[ObservedPitfall]:
    return list(
        db.session.scalars(
            select(ObservedPitfall).where(ObservedPitfall.session_id == session_id).order_by(ObservedPitfall.id)
        )
    )


def action_items_of(session_id: int) -> list[ActionItem]:
    return list(
        db.session.scalars(select(ActionItem).where(ActionItem.session_id == session_id).order_by(ActionItem.id))
    )


def _published_items():
    return (
        select(ActionItem)
        .join(SessionDebrief, SessionDebrief.session_id == ActionItem.session_id)
        .where(SessionDebrief.status == DebriefStatus.PUBLISHED)
    )


def open_action_items(engineer_id: int) -> list[tuple[ActionItem, MentoringSession]]:
    """The engineer's action items not yet done, from published debriefs, with their session; soonest due first."""
    rows = db.session.execute(
        _published_items()
        .add_columns(MentoringSession)
        .join(MentoringSession, MentoringSession.id == ActionItem.session_id)
        .where(ActionItem.engineer_id == engineer_id, ActionItem.done_at.is_(None))
        .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
    )
    return [(item, mentoring_session) for item, mentoring_session in rows]


def carried_action_items(mentoring_session: MentoringSession) -> list[ActionItem]:
    """For a pair's session: the open action items from the debriefs of the pair's earlier sessions."""
    if mentoring_session.match_id is None:
        return []
    return list(
        db.session.scalars(
            _published_items()
            .join(MentoringSession, MentoringSession.id == ActionItem.session_id)
            .where(
                ActionItem.match_id == mentoring_session.match_id,
                ActionItem.done_at.is_(None),
                MentoringSession.start_at < mentoring_session.start_at,
            )
            .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
        )
    )


def tick_action_item(item_id: int, *, session_id: int, engineer_id: int, done: bool) -> ActionItem:
    """The engineer marks one of their action items done (or not done after all); the mentor sees it."""
    item = db.session.scalar(_published_items().where(ActionItem.id == item_id))
    if item is None or item.engineer_id != engineer_id or item.session_id != session_id:
        raise NotFoundError("action item", item_id)
    item.done_at = utcnow() if done else None
    record_audit("session.action_item_ticked", "action_item", item.id, actor_id=engineer_id, done=done)
    db.session.commit()
    return item


def swap_question(session_id: int, *, mentor_id: int, question_key: str) -> MentoringSession:
    """Before a mock interview, the mentor swaps its question for another the engineer has not had,
    of a kind the mentor runs (it may be another kind)."""
    mentoring_session, place = session_with_place(session_id, mentor_id)
    if place.role != ParticipantRole.HOST or mentoring_session.kind != SessionKind.INTERVIEW:
        raise NotFoundError("session", session_id)
    if not mentoring_session.active or mentoring_session.start_at <= utcnow():
        raise ServiceError(None, "The question can change only before the session starts.")
    item = practice_bank.find("question", question_key)
    if item is None or item.retired:
        raise ServiceError("question_key", "Choose one of the questions offered.")
    kinds = practice_bank.interview_kinds()
    runs = mentor_kinds(mentor_id)
    if item.kind not in runs:
        offered = ", ".join(kinds.get(kind, kind) for kind in runs) or "none yet (add them on your profile)"
        raise ServiceError(
            "question_key",
            f"You do not run {kinds.get(item.kind, item.kind)} interviews. The kinds on your profile: {offered}.",
        )
    engineer_id = mentoring_session.guests()[0].user_id
    if question_key in asked_questions(engineer_id) - {mentoring_session.question_key}:
        raise ServiceError("question_key", "The engineer has had this question before. Choose another.")
    mentoring_session.interview_kind, mentoring_session.question_key = item.kind, item.key
    record_audit("session.question_swapped", "session", mentoring_session.id, actor_id=mentor_id, question=item.key)
    db.session.commit()
    return mentoring_session
