"""Booking a session without double-booking: the checks every new or moved time passes, the engineer's
booking, a proposal from either side, and its acceptance.

The rules (overlap, free slots, lengths) live in `pmcohort.domain.scheduling`."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError, OperationalError

from pmcohort.accounts.models import User
from pmcohort.cohorts.models import Match
from pmcohort.core.errors import NotFoundError, ServiceError
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain import practice, scheduling
from pmcohort.domain.limits import SESSION_TEXT_MAX
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
from pmcohort.evidence.services import latest_attempt
from pmcohort.matching.pair_score import Mentee, gap_order
from pmcohort.mentoring import practice_bank
from pmcohort.mentoring.models import MentoringSession
from pmcohort.mentoring.services import asked_questions, busy_for, mentor_kinds, session_with_place
from pmcohort.notifications import reminders
from pmcohort.notifications.outbox import enqueue
from pmcohort.ops.models import record_audit
from pmcohort.profiles import services as profiles
from pmcohort.profiles.models import EngineerProfile

BOOKABLE_BY_ENGINEER = (SessionKind.ONE_ON_ONE, SessionKind.INTERVIEW, SessionKind.ROLE_PLAY)

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


def _clash_message(user: User, viewer: User, problem: scheduling.BookingProblem) -> str:
    who = "You are" if user.id == viewer.id else f"{user.name} is"
    if problem.conflict is None:
        return f"{who} already booked then."
    return f"{who} already in a session at {format_local(problem.conflict.start, viewer.time_zone, 'day_and_time')}. Pick another time."


def _active_match_for(match_id: int, actor_id: int) -> Match:
    match = db.session.get(Match, match_id)
    if match is None or match.side_of(actor_id) is None:
        raise NotFoundError("match", match_id)
    if match.status != MatchStatus.ACTIVE:
        raise ServiceError(None, "You can book sessions only within an active match.")
    return match


def check_times(
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


def _pick_question(kind: str, engineer_id: int, seed: int) -> str | None:
    """A question the engineer has not had: of their target domain first, then exercising their largest gap."""
    profile = db.session.get(EngineerProfile, engineer_id)
    attempt = latest_attempt(engineer_id)
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
        return  # no kind, or an unknown one: check_details says so
    runs = mentor_kinds(mentor.id)
    if details.interview_kind not in runs:
        offered = ", ".join(kinds.get(each, each) for each in runs)
        raise ServiceError(
            "interview_kind",
            f"{mentor.name} runs {offered} interviews; choose one of those."
            if offered
            else f"{mentor.name} has not listed any mock interviews they run yet.",
        )


def check_details(kind: str, details: Details) -> None:
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
        if len(getattr(details, name)) > SESSION_TEXT_MAX:
            raise ServiceError(name, f"Keep it under {SESSION_TEXT_MAX} characters.")


def new_session(kind: str, host: User, start: datetime, end: datetime, details: Details, **columns) -> MentoringSession:
    check_details(kind, details)
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


def add_people(mentoring_session: MentoringSession, host: User, guests: list[User], *, accepted: set[int]) -> None:
    now = utcnow()
    for user, role in [(host, ParticipantRole.HOST), *[(guest, ParticipantRole.PARTICIPANT) for guest in guests]]:
        mentoring_session.add_participant(user.id, role, accepted_at=now if user.id in accepted else None)


# Two bookings of one slot inserted at the same instant can each wait on the other's row in the
# exclusion check; PostgreSQL then aborts one with a deadlock, which means the same as a refusal.
DEADLOCK_DETECTED = "40P01"


def save_session(mentoring_session: MentoringSession) -> None:
    """Flush, turning PostgreSQL's refusal of an overlapping place into the message a person reads."""
    db.session.add(mentoring_session)
    try:
        db.session.flush()
    except (IntegrityError, OperationalError) as error:
        if isinstance(error, OperationalError) and getattr(error.orig, "sqlstate", None) != DEADLOCK_DETECTED:
            raise
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
    check_times(
        start,
        end,
        [match.mentor, match.engineer],
        match.engineer,
        host_availability=profiles.availability_of(match.mentor),
    )
    mentoring_session = new_session(
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
    add_people(mentoring_session, match.mentor, [match.engineer], accepted={match.mentor_id, match.engineer_id})
    save_session(mentoring_session)
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
    check_times(start, end, [match.mentor, match.engineer], viewer)
    mentoring_session = new_session(
        kind, match.mentor, start, end, details, match_id=match.id, status=SessionStatus.PROPOSED, proposed_by=actor_id
    )
    if kind == SessionKind.INTERVIEW:
        mentoring_session.question_key = _pick_question(details.interview_kind, match.engineer_id, seed=match.id)
    add_people(mentoring_session, match.mentor, [match.engineer], accepted={actor_id})
    save_session(mentoring_session)
    record_audit("session.proposed", "session", mentoring_session.id, actor_id=actor_id, kind=kind)
    enqueue("session.proposed", session_id=mentoring_session.id)
    db.session.commit()
    return mentoring_session


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
