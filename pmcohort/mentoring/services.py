"""Sessions: reading them, booking without double-booking, proposals, changes and workshops.

What happens after a session is in `after_session.py`; the calendar feed in `feeds.py`.

The rules (overlap, free slots, lengths, late cancellation, weekly series) live in
`pmcohort.domain.scheduling`; this module loads, applies them, saves and asks for notifications.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from pmcohort.accounts.models import User
from pmcohort.cohorts.models import CohortMember, Match
from pmcohort.core.errors import NotFoundError, ServiceError
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain import practice, scheduling
from pmcohort.domain.limits import WORKSHOP_SEATS, WORKSHOP_WEEKS
from pmcohort.domain.statuses import (
    PAIR_SESSION_KINDS,
    SESSION_KIND_LABELS,
    MatchStatus,
    ParticipantRole,
    SessionKind,
    SessionStatus,
)
from pmcohort.domain.times import format_local
from pmcohort.domain.vocabulary import SKILLS
from pmcohort.matching.pair_score import Mentee, gap_order
from pmcohort.mentoring import practice_bank
from pmcohort.mentoring.models import (
    MentoringSession,
    SessionParticipant,
)
from pmcohort.notifications import reminders
from pmcohort.notifications.outbox import enqueue
from pmcohort.ops.models import record_audit
from pmcohort.profiles import services as profiles
from pmcohort.profiles.models import AssessmentAttempt, EngineerProfile, MentorProfile

BOOKABLE_BY_ENGINEER = (SessionKind.ONE_ON_ONE, SessionKind.INTERVIEW, SessionKind.ROLE_PLAY)
BOOKING_HORIZON = timedelta(days=14)
MAX_TEXT = 4000
MAX_TITLE = 160  # the column's length
TAKEN = "That time was just taken. Pick another slot."
# Booking problems about the session's length, reported at the length the person chose.
LENGTH_PROBLEMS = ("order", "too_long", "too_short")


@dataclass(frozen=True)
class Details:
    title: str = ""
    agenda: str = ""
    watch_for: str = ""
    confidentiality: str = ""
    interview_kind: str | None = None
    persona_key: str | None = None
    skill: str | None = None  # shadowing: the SKILLS key the activity exercises


# --- reading


def busy_for(user_id: int, *, exclude_session: int | None = None) -> list[scheduling.Booking]:
    rows = db.session.execute(
        select(SessionParticipant.start_at, SessionParticipant.end_at).where(
            SessionParticipant.user_id == user_id,
            SessionParticipant.active.is_(True),
            SessionParticipant.session_id != (exclude_session or 0),
        )
    )
    return [scheduling.Booking(start, end) for start, end in rows]


def _clash_message(user: User, viewer: User, problem: scheduling.BookingProblem) -> str:
    who = "You are" if user.id == viewer.id else f"{user.name} is"
    if problem.conflict is None:
        return f"{who} already booked then."
    return f"{who} already in a session at {format_local(problem.conflict.start, viewer.time_zone, 'day_and_time')}. Pick another time."


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


# --- creating


def _active_match_for(match_id: int, actor_id: int) -> Match:
    match = db.session.get(Match, match_id)
    if match is None or match.side_of(actor_id) is None:
        raise NotFoundError("match", match_id)
    if match.status != MatchStatus.ACTIVE:
        raise ServiceError(None, "You can book sessions only within an active match.")
    return match


def _check(
    start: datetime,
    end: datetime,
    people: list[User],
    viewer: User,
    *,
    host_availability=None,
    exclude: int | None = None,
) -> None:
    for index, person in enumerate(people):
        problems = scheduling.validate_booking(
            start,
            end,
            now=utcnow(),
            host_availability=host_availability if index == 0 else None,
            busy=busy_for(person.id, exclude_session=exclude),
        )
        for problem in problems:
            if problem.code == "overlap":
                raise ServiceError("start", _clash_message(person, viewer, problem))
            if problem.code == "off_grid":
                raise ServiceError(
                    "start" if not scheduling.on_grid(start) else "end", _off_grid_message(start, end, viewer)
                )
            if problem.code == "outside_availability":
                raise ServiceError(
                    "start", f"That time is outside {person.name}'s weekly availability. Pick one of the free slots."
                )
            raise ServiceError("duration" if problem.code in LENGTH_PROBLEMS else "start", problem.message)


def _off_grid_message(start: datetime, end: datetime, viewer: User) -> str:
    """Which time is off the booking grid, and the two nearest that are on it, in the viewer's zone."""
    moment = start if not scheduling.on_grid(start) else end
    local = moment.astimezone(ZoneInfo(viewer.time_zone))
    earlier, later = scheduling.grid_neighbours(local)
    return (
        f"Sessions start and end on the quarter hour; {local:%H:%M} is not one. Pick {earlier:%H:%M} or {later:%H:%M}."
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


def _pick_question(kind: str, engineer_id: int, seed: int) -> str | None:
    """A question the engineer has not had: of their target domain first, then exercising their largest gap."""
    profile = db.session.get(EngineerProfile, engineer_id)
    attempt = db.session.scalar(
        select(AssessmentAttempt)
        .where(AssessmentAttempt.user_id == engineer_id)
        .order_by(AssessmentAttempt.completed_at.desc())
        .limit(1)
    )
    gaps = gap_order(Mentee(engineer_id, attempt.skill_scores, profile.path if profile else None)) if attempt else ()
    chosen = practice.next_question(
        kind,
        asked_questions(engineer_id),
        seed,
        bank=practice_bank.questions(),
        kinds=practice_bank.interview_kinds(),
        domain=profile.target_domain if profile else None,
        gaps=gaps,
    )
    return chosen.key if chosen else None


def _check_mentor_runs(kind: str, details: Details, mentor: User) -> None:
    """A mock interview can be booked only of a kind the mentor's profile says they run."""
    kinds = practice_bank.interview_kinds()
    if kind != SessionKind.INTERVIEW or details.interview_kind not in kinds:
        return  # no kind, or an unknown one: _check_details says so
    runs = mentor_kinds(mentor.id)
    if details.interview_kind not in runs:
        offered = ", ".join(kinds.get(each, each) for each in runs)
        raise ServiceError(
            "interview_kind",
            f"{mentor.name} runs {offered} interviews; choose one of those."
            if offered
            else f"{mentor.name} has not listed any mock interviews they run yet.",
        )


def _check_details(kind: str, details: Details) -> None:
    if kind == SessionKind.INTERVIEW and details.interview_kind not in practice_bank.interview_kinds():
        raise ServiceError("interview_kind", "Choose the kind of mock interview.")
    if kind == SessionKind.SHADOWING and details.skill is not None and details.skill not in SKILLS:
        raise ServiceError("skill", "Choose one of the skills, or leave it open.")
    persona = practice_bank.find("persona", details.persona_key) if kind == SessionKind.ROLE_PLAY else None
    if kind == SessionKind.ROLE_PLAY and (persona is None or persona.retired):
        raise ServiceError("persona_key", "Choose a persona card for the role-play.")
    if kind == SessionKind.SHADOWING and not details.agenda.strip():
        raise ServiceError(
            "agenda", "Describe the activity and its agenda, so the engineer knows what they will observe."
        )
    if len(details.title.strip()) > MAX_TITLE:
        raise ServiceError("title", f"Keep the title under {MAX_TITLE} characters.")
    for name in ("agenda", "watch_for", "confidentiality"):
        if len(getattr(details, name)) > MAX_TEXT:
            raise ServiceError(name, f"Keep it under {MAX_TEXT} characters.")


def _new_session(
    kind: str, host: User, start: datetime, end: datetime, details: Details, **columns
) -> MentoringSession:
    _check_details(kind, details)
    return MentoringSession(
        kind=kind,
        host_id=host.id,
        start_at=start,
        end_at=end,
        time_zone=host.time_zone,
        title=details.title.strip() or SESSION_KIND_LABELS[kind],
        agenda=details.agenda.strip(),
        watch_for=details.watch_for.strip(),
        confidentiality=details.confidentiality.strip(),
        interview_kind=details.interview_kind if kind == SessionKind.INTERVIEW else None,
        persona_key=details.persona_key if kind == SessionKind.ROLE_PLAY else None,
        skill=details.skill if kind == SessionKind.SHADOWING else None,
        **columns,
    )


def _add_people(mentoring_session: MentoringSession, host: User, guests: list[User], *, accepted: set[int]) -> None:
    now = utcnow()
    for user, role in [(host, ParticipantRole.HOST), *[(guest, ParticipantRole.PARTICIPANT) for guest in guests]]:
        mentoring_session.add_participant(user.id, role, accepted_at=now if user.id in accepted else None)


def _save(mentoring_session: MentoringSession) -> None:
    """Flush, turning PostgreSQL's refusal of an overlapping place into the message a person reads."""
    db.session.add(mentoring_session)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ServiceError("start", TAKEN) from None


def book(
    match_id: int, *, engineer_id: int, kind: str, start: datetime, end: datetime, details: Details
) -> MentoringSession:
    """The engineer books a slot the mentor has free: scheduled at once."""
    match = _active_match_for(match_id, engineer_id)
    if match.engineer_id != engineer_id:
        raise NotFoundError("match", match_id)
    if kind not in BOOKABLE_BY_ENGINEER:
        raise ServiceError("kind", "Book a 1:1, a mock interview or a role-play; your mentor offers shadowing.")
    _check_mentor_runs(kind, details, match.mentor)
    _check(
        start,
        end,
        [match.mentor, match.engineer],
        match.engineer,
        host_availability=profiles.availability_of(match.mentor),
    )
    mentoring_session = _new_session(
        kind,
        match.mentor,
        start,
        end,
        details,
        match_id=match.id,
        status=SessionStatus.SCHEDULED,
        proposed_by=engineer_id,
    )
    if kind == SessionKind.INTERVIEW:
        mentoring_session.question_key = _pick_question(details.interview_kind, engineer_id, seed=match.id)
    _add_people(mentoring_session, match.mentor, [match.engineer], accepted={match.mentor_id, match.engineer_id})
    _save(mentoring_session)
    record_audit("session.booked", "session", mentoring_session.id, actor_id=engineer_id, kind=kind)
    enqueue("session.scheduled", session_id=mentoring_session.id)
    reminders.plan_session(mentoring_session)
    db.session.commit()
    return mentoring_session


def propose(
    match_id: int, *, actor_id: int, kind: str, start: datetime, end: datetime, details: Details
) -> MentoringSession:
    """Either side proposes a time (the mentor for shadowing a real activity); the other accepts."""
    match = _active_match_for(match_id, actor_id)
    if kind not in PAIR_SESSION_KINDS:
        raise ServiceError("kind", "Choose a kind of session.")
    if kind == SessionKind.SHADOWING and actor_id != match.mentor_id:
        raise ServiceError("kind", "Shadowing is offered by the mentor.")
    _check_mentor_runs(kind, details, match.mentor)
    viewer = db.session.get(User, actor_id)
    _check(start, end, [match.mentor, match.engineer], viewer)
    mentoring_session = _new_session(
        kind, match.mentor, start, end, details, match_id=match.id, status=SessionStatus.PROPOSED, proposed_by=actor_id
    )
    if kind == SessionKind.INTERVIEW:
        mentoring_session.question_key = _pick_question(details.interview_kind, match.engineer_id, seed=match.id)
    _add_people(mentoring_session, match.mentor, [match.engineer], accepted={actor_id})
    _save(mentoring_session)
    record_audit("session.proposed", "session", mentoring_session.id, actor_id=actor_id, kind=kind)
    enqueue("session.proposed", session_id=mentoring_session.id)
    db.session.commit()
    return mentoring_session


def session_with_place(session_id: int, user_id: int) -> tuple[MentoringSession, SessionParticipant]:
    """The session and the user's place in it, locked; NotFoundError for anyone without a place (or who left)."""
    mentoring_session = db.session.get(MentoringSession, session_id, with_for_update={"of": MentoringSession})
    place = mentoring_session.participant(user_id) if mentoring_session else None
    if place is None or not (place.active or mentoring_session.status == SessionStatus.CANCELLED):
        raise NotFoundError("session", session_id)
    return mentoring_session, place


def accept(session_id: int, *, user_id: int) -> MentoringSession:
    mentoring_session, place = session_with_place(session_id, user_id)
    if mentoring_session.status != SessionStatus.PROPOSED:
        raise ServiceError(None, f"This session is {mentoring_session.status}.")
    place.accepted_at = utcnow()
    if all(p.accepted_at for p in mentoring_session.participants if p.active):
        mentoring_session.status = SessionStatus.SCHEDULED
        mentoring_session.sequence += 1
        enqueue("session.scheduled", session_id=mentoring_session.id)
        reminders.plan_session(mentoring_session)
    record_audit("session.accepted", "session", mentoring_session.id, actor_id=user_id)
    db.session.commit()
    return mentoring_session


def reschedule(session_id: int, *, actor_id: int, start: datetime, end: datetime, reason: str) -> MentoringSession:
    mentoring_session, place = session_with_place(session_id, actor_id)
    if mentoring_session.kind == SessionKind.WORKSHOP and place.role != ParticipantRole.HOST:
        raise NotFoundError("session", session_id)  # only the lead moves a workshop; a participant can leave it
    if not mentoring_session.active:
        raise ServiceError(None, f"This session is {mentoring_session.status}; it cannot be moved.")
    if not reason.strip():
        raise ServiceError("reason", "Say briefly why the time changes.")
    viewer = db.session.get(User, actor_id)
    people = [mentoring_session.host] + [p.user for p in mentoring_session.guests()]
    _check(start, end, people, viewer, exclude=mentoring_session.id)
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
    _save(mentoring_session)
    record_audit(
        "session.rescheduled",
        "session",
        mentoring_session.id,
        actor_id=actor_id,
        reason=reason.strip(),
        start=start.isoformat(),
    )
    enqueue("session.changed", session_id=mentoring_session.id, reason=reason.strip())
    reminders.plan_session(mentoring_session)
    db.session.commit()
    return mentoring_session


def cancel(session_id: int, *, actor_id: int, reason: str) -> MentoringSession:
    mentoring_session, place = session_with_place(session_id, actor_id)
    if not mentoring_session.active:
        raise ServiceError(None, f"This session is already {mentoring_session.status}.")
    if not reason.strip():
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
        reason.strip(),
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
        reason=reason.strip(),
    )
    enqueue("session.cancelled", session_id=mentoring_session.id, user_ids=still_in)
    reminders.plan_session(mentoring_session)
    db.session.commit()
    return mentoring_session


def schedule_workshop(
    cohort_id: int,
    *,
    lead_id: int,
    first_start: datetime,
    duration: timedelta,
    weeks: int,
    seat_limit: int,
    details: Details,
) -> list[MentoringSession]:
    """A weekly series that keeps its local time across daylight-saving changes."""
    errors = {}
    if weeks not in WORKSHOP_WEEKS:
        errors["weeks"] = f"Repeat between {WORKSHOP_WEEKS.low} and {WORKSHOP_WEEKS.high} weeks."
    if seat_limit not in WORKSHOP_SEATS:
        errors["seat_limit"] = f"Set a seat limit between {WORKSHOP_SEATS.low} and {WORKSHOP_SEATS.high}."
    if errors:
        raise ServiceError.at_fields(errors)
    lead = db.session.get(User, lead_id)
    series = secrets.token_hex(8) if weeks > 1 else None
    created = []
    occurrences = scheduling.weekly_occurrences(first_start.astimezone(ZoneInfo(lead.time_zone)), duration, weeks)
    _check_details(SessionKind.WORKSHOP, details)
    for occurrence in occurrences:  # every week is checked before any is saved
        _check(occurrence.start, occurrence.end, [lead], lead)
    for occurrence in occurrences:
        mentoring_session = _new_session(
            SessionKind.WORKSHOP,
            lead,
            occurrence.start,
            occurrence.end,
            details,
            cohort_id=cohort_id,
            status=SessionStatus.SCHEDULED,
            seat_limit=seat_limit,
            series_id=series,
            proposed_by=lead_id,
        )
        _add_people(mentoring_session, lead, [], accepted={lead_id})
        _save(mentoring_session)
        reminders.plan_session(mentoring_session)
        created.append(mentoring_session)
    record_audit("session.workshop_scheduled", "cohort", cohort_id, actor_id=lead_id, count=len(created))
    db.session.commit()
    return created


def join_workshop(session_id: int, *, user_id: int) -> MentoringSession:
    mentoring_session = db.session.get(MentoringSession, session_id, with_for_update={"of": MentoringSession})
    if mentoring_session is None or mentoring_session.kind != SessionKind.WORKSHOP:
        raise NotFoundError("session", session_id)
    member = db.session.scalar(
        select(CohortMember.id).where(
            CohortMember.cohort_id == mentoring_session.cohort_id, CohortMember.user_id == user_id
        )
    )
    if member is None:
        raise NotFoundError("session", session_id)
    if not mentoring_session.active:
        raise ServiceError(None, f"This workshop is {mentoring_session.status}.")
    if len(mentoring_session.guests()) >= mentoring_session.seat_limit:
        raise ServiceError(None, "This workshop is full.")
    user = db.session.get(User, user_id)
    _check(mentoring_session.start_at, mentoring_session.end_at, [user], user)
    place = mentoring_session.participant(user_id)
    if place is None:
        mentoring_session.add_participant(user_id, ParticipantRole.PARTICIPANT, accepted_at=utcnow())
    else:
        place.active, place.accepted_at = True, utcnow()
    _save(mentoring_session)
    record_audit("session.joined", "session", mentoring_session.id, actor_id=user_id)
    enqueue("session.scheduled", session_id=mentoring_session.id, only_user_id=user_id)
    db.session.commit()
    return mentoring_session
