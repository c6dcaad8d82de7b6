"""Test data builders. Most add to the session and flush; the test decides about commits."""

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from pmcohort.accounts.models import User
from pmcohort.cohorts import services as cohorts
from pmcohort.cohorts.models import Cohort, CohortMember, Match, MatchingRun
from pmcohort.core.extensions import db
from pmcohort.core.passwords import hash_password
from pmcohort.core.types import utcnow
from pmcohort.domain import practice, vocabulary
from pmcohort.domain.debriefs import DebriefDraft
from pmcohort.domain.statuses import MatchStatus
from pmcohort.evidence import services as evidence
from pmcohort.mentoring import booking, debriefs, practice_bank
from pmcohort.mentoring.models import MentoringSession, SessionParticipant
from pmcohort.mentorships import runs as matching_runs
from pmcohort.mentorships.models import RematchProposal
from pmcohort.profiles.models import (
    AssessmentAttempt,
    AvailabilityWindow,
    EngineerProfile,
    MentorProfile,
    MentorStrength,
)
from pmcohort.writing import services as writing

DEFAULT_PASSWORD = "correct horse battery"
_counter = itertools.count(1)
_default_hash: str | None = None


def _password_hash(password: str) -> str:
    # Argon2 is slow on purpose; hash the common test password once per run.
    global _default_hash
    if password != DEFAULT_PASSWORD:
        return hash_password(password)
    if _default_hash is None:
        _default_hash = hash_password(DEFAULT_PASSWORD)
    return _default_hash


def make_user(
    *,
    roles: tuple[str, ...] = ("engineer",),
    email: str | None = None,
    name: str | None = None,
    password: str = DEFAULT_PASSWORD,
    time_zone: str = "UTC",
) -> User:
    number = next(_counter)
    user = User(
        email=(email or f"user{number}@example.com").lower(),
        name=name or f"Test Person {number}",
        password_hash=_password_hash(password),
        time_zone=time_zone,
    )
    for role in roles:
        user.add_role(role)
    db.session.add(user)
    db.session.flush()
    return user


# --- matching: assessed engineers, mentors strong in one skill, cohorts

EVENING = [(1, 18 * 60, 20 * 60), (3, 18 * 60, 20 * 60)]  # Tue and Thu 18-20 local


def engineer(
    user_factory, *, weakest: str = "discovery", windows=EVENING, time_zone="Europe/Berlin", path="internal_transfer"
):
    user = user_factory(roles=("engineer",), time_zone=time_zone)
    scores = dict.fromkeys(vocabulary.SKILLS, 80) | {weakest: 10}
    db.session.add(
        AssessmentAttempt(
            user_id=user.id, scoring_version=1, answers={}, readiness=70, skill_scores=scores, top_gaps=[], pitfalls=[]
        )
    )
    db.session.add(EngineerProfile(user_id=user.id, years_experience=5, path=path, target_domain="developer_tools"))
    for weekday, start, end in windows:
        db.session.add(AvailabilityWindow(user_id=user.id, weekday=weekday, start_minute=start, end_minute=end))
    db.session.flush()
    evidence.refresh([user.id])  # as completing the assessment does
    return user


def mentor(
    user_factory, *, strong_in: str = "discovery", capacity: int = 2, windows=EVENING, time_zone="Europe/Berlin"
):
    user = user_factory(roles=("mentor",), time_zone=time_zone)
    profile = MentorProfile(
        user_id=user.id,
        capacity=capacity,
        former_engineer=True,
        paths=["internal_transfer"],
        domains=["developer_tools"],
        interview_kinds=list(practice.INTERVIEW_KINDS),
    )
    for skill in vocabulary.SKILLS:
        profile.strengths.append(MentorStrength(skill=skill, level=5 if skill == strong_in else 2))
    db.session.add(profile)
    for weekday, start, end in windows:
        db.session.add(AvailabilityWindow(user_id=user.id, weekday=weekday, start_minute=start, end_minute=end))
    db.session.flush()
    return user


def cohort_with(lead, engineers, mentors, name="Spring"):
    cohort = cohorts.create_cohort(lead.id, name, date.today())
    for person, role in [(e, "engineer") for e in engineers] + [(m, "mentor") for m in mentors]:
        db.session.add(CohortMember(cohort_id=cohort.id, user_id=person.id, role=role))
    db.session.commit()
    return cohort


def run_now(cohort, lead) -> MatchingRun:
    run = matching_runs.start_run(cohort.id, actor_id=lead.id)
    matching_runs.execute_run(run.id)
    db.session.refresh(run)
    return run


# --- sessions: people available all week, bookings, time passing

ALL_WEEK = [(day, 0, 1440) for day in range(7)]


def person(user_factory, roles, windows=ALL_WEEK, time_zone="UTC"):
    user = user_factory(roles=roles, time_zone=time_zone)
    for weekday, start, end in windows:
        db.session.add(AvailabilityWindow(user_id=user.id, weekday=weekday, start_minute=start, end_minute=end))
    if "mentor" in roles:
        profile = MentorProfile(
            user_id=user.id, capacity=3, active_mentees=1, interview_kinds=list(practice.INTERVIEW_KINDS)
        )
        profile.strengths = [MentorStrength(skill=skill, level=3) for skill in vocabulary.SKILLS]
        db.session.add(profile)
    db.session.flush()
    return user


def active_match(engineer, mentor, cohort: Cohort | None = None, **fields) -> Match:
    """An accepted match: the cohort's when one is given, else one the engineer asked for."""
    match = Match(
        cohort_id=cohort.id if cohort else None,
        engineer_id=engineer.id,
        mentor_id=mentor.id,
        source="cohort" if cohort else "request",
        status=MatchStatus.ACTIVE,
        activated_at=utcnow(),
        **fields,
    )
    db.session.add(match)
    db.session.flush()
    return match


def rematch_proposal(match: Match, **fields) -> RematchProposal:
    """A proposal to add a second mentor for interviewing, where the match's engineer scores 20."""
    proposal = RematchProposal(
        engineer_id=match.engineer_id,
        cohort_id=match.cohort_id,
        match_id=match.id,
        mentor_id=match.mentor_id,
        skill="interviewing",
        skill_score=20,
        mentor_strength=2,
        **fields,
    )
    db.session.add(proposal)
    db.session.flush()
    return proposal


def matched_pair(user_factory, windows=ALL_WEEK, time_zone="UTC") -> tuple[User, User, Match]:
    """An engineer and a mentor in an active match the engineer asked for; committed."""
    engineer = person(user_factory, ("engineer",), windows=windows, time_zone=time_zone)
    mentor = person(user_factory, ("mentor",), windows=windows, time_zone=time_zone)
    match = active_match(engineer, mentor)
    db.session.commit()
    return engineer, mentor, match


def tomorrow_at(hour: int) -> datetime:
    return datetime.combine((utcnow() + timedelta(days=1)).date(), time(hour), tzinfo=utcnow().tzinfo)


def book(match, engineer, kind="one_on_one", start=None, minutes=60, **details):
    start = start or tomorrow_at(10)
    return booking.book(
        match.id,
        engineer_id=engineer.id,
        kind=kind,
        start=start,
        end=start + timedelta(minutes=minutes),
        details=booking.Details(**details),
    )


def as_past(session: MentoringSession, hours_ago: int = 2) -> None:
    """Move a session into the past, as if time had passed."""
    shift = session.start_at - (utcnow() - timedelta(hours=hours_ago))
    for row in (session, *session.participants):
        row.start_at, row.end_at = row.start_at - shift, row.end_at - shift
    db.session.commit()


def score_interview(match, engineer_user, mentor_user, level: int, day: int, pitfalls=None) -> MentoringSession:
    """A past estimation mock interview (every dimension evidences interviewing), its debrief published with
    `level` on every dimension and the `pitfalls` ({pitfall: note}) the mentor saw."""
    held = book(match, engineer_user, kind="interview", interview_kind="estimation", start=tomorrow_at(8 + day))
    as_past(held, hours_ago=20 - day)
    rubric = practice_bank.rubric("estimation")
    debriefs.save_debrief(
        held.id,
        mentor_id=mentor_user.id,
        draft=DebriefDraft(
            scores=dict.fromkeys(rubric.dimension_keys, level),
            target_level="pm",
            overall_signal="borderline",
            pitfalls=pitfalls or {},
        ),
        publish=True,
    )
    return held


# --- cohorts the evidence and written-work tests share


class EvidenceCohort(NamedTuple):
    """An engineer weakest in discovery, matched to a discovery mentor rated 2 in interviewing, and a second
    mentor strong in interviewing: all in `lead`'s cohort, or, without one, a match the engineer asked for."""

    lead: User | None
    engineer: User
    current: User
    interviewer: User
    match: Match


def evidence_cohort(user_factory, *, in_cohort: bool = True) -> EvidenceCohort:
    practice_bank.seed_starter_set()
    weak_in_discovery = engineer(user_factory, weakest="discovery", windows=ALL_WEEK, time_zone="UTC")
    current = mentor(user_factory, strong_in="discovery", windows=ALL_WEEK, time_zone="UTC")
    interviewer = mentor(user_factory, strong_in="interviewing", windows=ALL_WEEK, time_zone="UTC")
    lead = user_factory(roles=("lead",)) if in_cohort else None
    cohort = cohort_with(lead, [weak_in_discovery], [current, interviewer]) if in_cohort else None
    match = active_match(weak_in_discovery, current, cohort)
    db.session.get(MentorProfile, current.id).active_mentees = 1
    db.session.commit()
    return EvidenceCohort(lead, weak_in_discovery, current, interviewer, match)


@dataclass
class WritingCast:
    """A cohort led by `lead`: the engineer matched to `mentor`, a `second_mentor` for blind second reviews,
    and an `outsider` mentor in no cohort."""

    engineer: User
    mentor: User
    second_mentor: User
    lead: User
    outsider: User
    cohort: Cohort


def writing_cast(user_factory) -> WritingCast:
    writing.seed_kinds()
    author, reviewer, second_reviewer = (person(user_factory, (role,)) for role in ("engineer", "mentor", "mentor"))
    lead = person(user_factory, ("lead",))
    outsider = person(user_factory, ("mentor",))
    cohort = cohort_with(lead, [author], [reviewer, second_reviewer], name="Writers")
    active_match(author, reviewer, cohort)
    db.session.commit()
    return WritingCast(author, reviewer, second_reviewer, lead, outsider, cohort)


def one_on_one(
    host_id: int, start: datetime, *, guest_ids: tuple[int, ...] = (), add_to=None, **columns
) -> MentoringSession:
    """An hour-long 1:1 in UTC that `host_id` hosts, with `guest_ids` taking part; `columns` set the rest.
    It is added to the app's database session, or to `add_to` (another transaction's)."""
    session = MentoringSession(
        kind="one_on_one",
        host_id=host_id,
        start_at=start,
        end_at=start + timedelta(hours=1),
        time_zone="UTC",
        title="1:1",
        **columns,
    )
    session.participants = [
        SessionParticipant(user_id=user_id, role=role, start_at=start, end_at=session.end_at)
        for user_id, role in [(host_id, "host"), *((guest_id, "participant") for guest_id in guest_ids)]
    ]
    (add_to or db.session).add(session)
    return session


def hosted(host_id: int, start: datetime, attendance: str | None) -> MentoringSession:
    """A completed hour the mentor hosted alone, with how they turned up, as the engineer recorded it."""
    session = one_on_one(host_id, start, status="completed")
    [host] = session.participants
    host.attendance = attendance
    return session
