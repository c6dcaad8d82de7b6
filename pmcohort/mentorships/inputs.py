"""Turning profiles, assessments and availability into the matching engine's inputs.

The engine (`pmcohort.matching`) works on plain data; cohort runs and requests outside a cohort
both feed it through here, so a mentee and a mentor mean the same thing in both.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from pmcohort.accounts.models import User
from pmcohort.cohorts.models import Match
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain.availability import weekly_minutes
from pmcohort.domain.statuses import (
    MatchStatus,
)
from pmcohort.evidence import services as evidence
from pmcohort.matching import Mentee, Mentor
from pmcohort.mentorships import reliability
from pmcohort.profiles import services as profiles
from pmcohort.profiles.models import EngineerProfile, MentorProfile

NOT_ASSESSED = "has not taken the readiness assessment, and no mentor has scored their work yet"


def reference_week_start(start_date: date | None = None, now: datetime | None = None) -> datetime:
    """Monday 00:00 UTC of the week matching plans for: the cohort's first week, or this week if it has begun."""
    today = (now or utcnow()).date()
    day = max(start_date or today, today)
    return datetime.combine(day - timedelta(days=day.weekday()), time(0), tzinfo=UTC)


def weekly_minutes_of(users: list[User], week_start: datetime) -> dict[int, tuple[tuple[int, int], ...]]:
    return {
        user_id: weekly_minutes(availability, week_start)
        for user_id, availability in profiles.availabilities(users).items()
    }


def pending_proposals(mentor_ids: Iterable[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(Match.mentor_id, func.count())
        .where(Match.mentor_id.in_(list(mentor_ids)), Match.status == MatchStatus.PROPOSED)
        .group_by(Match.mentor_id)
    )
    return dict(rows.all())


@dataclass
class Inputs:
    mentees: list[Mentee]
    mentors: list[Mentor]
    skipped: dict[int, str]  # engineer id -> why they could not be considered


def build_inputs(engineers: list[User], mentors: list[User], week_start: datetime) -> Inputs:
    snapshots = evidence.snapshots_for([user.id for user in engineers], persist=True)
    engineer_profiles = {
        p.user_id: p
        for p in db.session.scalars(
            select(EngineerProfile).where(EngineerProfile.user_id.in_([u.id for u in engineers]))
        )
    }
    mentor_profiles = {
        p.user_id: p
        for p in db.session.scalars(
            select(MentorProfile)
            .options(selectinload(MentorProfile.strengths))
            .where(MentorProfile.user_id.in_([u.id for u in mentors]))
        )
    }
    pending = pending_proposals(mentor_profiles)
    factors = reliability.factors_for(mentor_profiles)
    weeks = weekly_minutes_of(engineers + mentors, week_start)

    skipped: dict[int, str] = {}
    mentees = []
    for user in engineers:
        snapshot = snapshots.get(user.id)
        if snapshot is None:
            skipped[user.id] = NOT_ASSESSED
            continue
        mentees.append(mentee_input(user, snapshot.effective, engineer_profiles.get(user.id), weeks[user.id]))
    mentor_inputs = [
        mentor_input(profile, pending.get(profile.user_id, 0), weeks[profile.user_id], factors[profile.user_id].factor)
        for profile in mentor_profiles.values()
    ]
    return Inputs(mentees, mentor_inputs, skipped)


def mentee_input(user: User, skills: dict[str, int], profile: EngineerProfile | None, week) -> Mentee:
    """`skills`: the effective scores (self-report blended with observation) from the engineer's snapshot."""
    return Mentee(
        id=user.id,
        skills=skills,
        path=profile.path if profile else None,
        domain=profile.target_domain if profile else None,
        week=week,
    )


def mentor_input(profile: MentorProfile, pending: int, week, reliability_factor: float = 1.0) -> Mentor:
    return Mentor(
        id=profile.user_id,
        strengths=profile.strength_levels(),
        former_engineer=profile.former_engineer,
        paths=frozenset(profile.paths),
        domains=frozenset(profile.domains),
        capacity=max(0, profile.free_places - pending),
        week=week,
        reliability=reliability_factor,
    )
