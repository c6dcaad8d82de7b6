"""Sessions as people read them: who is busy when, a pair's free slots, a user's sessions and the
workshops they can join, and a user's place in a session.

Booking and proposals are in `booking.py`, moving and cancelling in `changes.py`, workshops in
`workshops.py`; what happens after a session in `after_session.py`; the calendar feed in `feeds.py`.
The rules (overlap, free slots, lengths, late cancellation, weekly series) live in `pmcohort.domain.scheduling`.
"""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from pmcohort.cohorts.models import CohortMember, Match
from pmcohort.core.errors import NotFoundError
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain import scheduling
from pmcohort.domain.statuses import SessionKind, SessionStatus
from pmcohort.mentoring.models import MentoringSession, SessionParticipant
from pmcohort.profiles import services as profiles
from pmcohort.profiles.models import MentorProfile

BOOKING_HORIZON = timedelta(days=14)


def busy_for(user_id: int, *, exclude_session: int | None = None) -> list[scheduling.Booking]:
    rows = db.session.execute(
        select(SessionParticipant.start_at, SessionParticipant.end_at).where(
            SessionParticipant.user_id == user_id,
            SessionParticipant.active.is_(True),
            SessionParticipant.session_id != (exclude_session or 0),
        )
    )
    return [scheduling.Booking(start, end) for start, end in rows]


def free_slots(match: Match, length: timedelta, now: datetime | None = None) -> list[scheduling.Booking]:
    """The mentor's bookable slots for this pair in the next two weeks, minus either side's sessions."""
    now = now or utcnow()
    # Start on the next half hour, so slots read 10:00 and 10:30 rather than 10:07 and 10:37.
    step = scheduling.DEFAULT_SLOT_STEP
    start = datetime.fromtimestamp(-(-now.timestamp() // step.total_seconds()) * step.total_seconds(), tz=now.tzinfo)
    busy = busy_for(match.mentor_id) + busy_for(match.engineer_id)
    return scheduling.free_slots(
        profiles.availability_of(match.mentor),
        busy,
        start_utc=start,
        end_utc=start + BOOKING_HORIZON,
        length=length,
        now=start,
    )


def _seats_of(user_id: int):
    """The user's places: active ones, and every place in a cancelled session (so it still shows, as cancelled)."""
    return (
        select(SessionParticipant.session_id)
        .join(MentoringSession)
        .where(
            SessionParticipant.user_id == user_id,
            SessionParticipant.active.is_(True) | (MentoringSession.status == SessionStatus.CANCELLED),
        )
    )


def sessions_for(user_id: int) -> list[MentoringSession]:
    """The user's sessions, without workshops they left, with everyone taking part."""
    return list(
        db.session.scalars(
            select(MentoringSession)
            .options(joinedload(MentoringSession.participants))
            .where(MentoringSession.id.in_(_seats_of(user_id)))
            .order_by(MentoringSession.start_at, MentoringSession.id)
        ).unique()
    )


def sessions_page(user_id: int, now: datetime | None = None) -> tuple[list[MentoringSession], list[MentoringSession]]:
    """For the sessions page, in one query: the user's sessions (as `sessions_for`), and the upcoming
    workshops of their cohorts that they have no seat in yet, each with everyone taking part."""
    mine = MentoringSession.id.in_(_seats_of(user_id))
    joinable = (
        (MentoringSession.kind == SessionKind.WORKSHOP)
        & (MentoringSession.status == SessionStatus.SCHEDULED)
        & (MentoringSession.start_at > (now or utcnow()))
        & MentoringSession.cohort_id.in_(select(CohortMember.cohort_id).where(CohortMember.user_id == user_id))
    )
    rows = (
        db.session.execute(
            select(MentoringSession, mine.label("mine"))
            .options(joinedload(MentoringSession.participants))
            .where(mine | joinable)
            .order_by(MentoringSession.start_at, MentoringSession.id)
        )
        .unique()
        .all()
    )
    seated = [mentoring_session for mentoring_session, is_mine in rows if is_mine]
    workshops = [
        mentoring_session
        for mentoring_session, is_mine in rows
        if not is_mine
        and not (mentoring_session.participant(user_id) and mentoring_session.participant(user_id).active)
    ]
    return seated, workshops


def next_sessions(user_id: int, limit: int, now: datetime | None = None) -> list[MentoringSession]:
    """The user's next proposed or scheduled sessions, soonest first, without their participants."""
    return list(
        db.session.scalars(
            select(MentoringSession)
            .where(
                MentoringSession.id.in_(_seats_of(user_id)),
                MentoringSession.status.in_((SessionStatus.PROPOSED, SessionStatus.SCHEDULED)),
                MentoringSession.end_at >= (now or utcnow()),
            )
            .order_by(MentoringSession.start_at, MentoringSession.id)
            .limit(limit)
        )
    )


def asked_questions(engineer_id: int) -> set[str]:
    """The keys of every question the engineer has had (or has booked) in a mock interview."""
    return set(
        db.session.scalars(
            select(MentoringSession.question_key)
            .join(SessionParticipant)
            .where(SessionParticipant.user_id == engineer_id, MentoringSession.question_key.is_not(None))
        )
    )


def mentor_kinds(mentor_id: int) -> list[str]:
    """The kinds of mock interview the mentor's profile says they run."""
    profile = db.session.get(MentorProfile, mentor_id)
    return list(profile.interview_kinds) if profile else []


def session_with_place(session_id: int, user_id: int) -> tuple[MentoringSession, SessionParticipant]:
    """The session and the user's place in it, locked; NotFoundError for anyone without a place (or who left)."""
    mentoring_session = db.session.get(MentoringSession, session_id, with_for_update={"of": MentoringSession})
    place = mentoring_session.participant(user_id) if mentoring_session else None
    if place is None or not (place.active or mentoring_session.status == SessionStatus.CANCELLED):
        raise NotFoundError("session", session_id)
    return mentoring_session, place
