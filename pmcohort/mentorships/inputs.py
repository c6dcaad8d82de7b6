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
from pmcohort.matching import Mentee, Mentor
from pmcohort.profiles import services as profiles
from pmcohort.profiles.models import AssessmentAttempt, EngineerProfile, MentorProfile


def reference_week_start(start_date: date | None = None, now: datetime | None = None) -> datetime:
    """Monday 00:00 UTC of the week matching plans for: the cohort's first week, or this week if it has begun."""
    today = (now or utcnow()).date()
    day = max(start_date or today, today)
    return datetime.combine(day - timedelta(days=day.weekday()), time(0), tzinfo=UTC)


def latest_attempts(user_ids: Iterable[int]) -> dict[int, AssessmentAttempt]:
    ids = list(user_ids)
    latest = (
        select(AssessmentAttempt.user_id, func.max(AssessmentAttempt.completed_at).label("completed_at"))
        .where(AssessmentAttempt.user_id.in_(ids))
        .group_by(AssessmentAttempt.user_id)
        .subquery()
    )
    attempts = db.session.scalars(
        select(AssessmentAttempt).join(
            latest,
            (AssessmentAttempt.user_id == latest.c.user_id) & (AssessmentAttempt.completed_at == latest.c.completed_at),
        )
    )
    return {attempt.user_id: attempt for attempt in attempts}


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
    attempts = latest_attempts(user.id for user in engineers)
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
    weeks = weekly_minutes_of(engineers + mentors, week_start)

    skipped: dict[int, str] = {}
    mentees = []
    for user in engineers:
        attempt = attempts.get(user.id)
        if attempt is None:
            skipped[user.id] = "has not taken the readiness assessment yet"
            continue
        mentees.append(mentee_input(user, attempt, engineer_profiles.get(user.id), weeks[user.id]))
    mentor_inputs = [
        mentor_input(profile, pending.get(profile.user_id, 0), weeks[profile.user_id])
        for profile in mentor_profiles.values()
    ]
    return Inputs(mentees, mentor_inputs, skipped)


def mentee_input(user: User, attempt: AssessmentAttempt, profile: EngineerProfile | None, week) -> Mentee:
    return Mentee(
        id=user.id,
        skills=attempt.skill_scores,
        path=profile.path if profile else None,
        domain=profile.target_domain if profile else None,
        week=week,
    )


def mentor_input(profile: MentorProfile, pending: int, week) -> Mentor:
    return Mentor(
        id=profile.user_id,
        strengths=profile.strength_levels(),
        former_engineer=profile.former_engineer,
        paths=frozenset(profile.paths),
        domains=frozenset(profile.domains),
        capacity=max(0, profile.free_places - pending),
        week=week,
    )
