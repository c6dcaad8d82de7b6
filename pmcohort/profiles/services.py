"""Engineer and mentor profiles and weekly availability."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy import Date, Integer, Select, cast, func, null, select, union_all

from pmcohort.accounts.models import User
from pmcohort.core.errors import NotFoundError, ServiceError
from pmcohort.core.extensions import db
from pmcohort.domain import availability, vocabulary
from pmcohort.domain.limits import MENTOR_CAPACITY, STRENGTH_LEVEL, YEARS_OF_EXPERIENCE
from pmcohort.mentoring import practice_bank
from pmcohort.ops.models import record_audit
from pmcohort.profiles.models import AvailabilityWindow, AwayPeriod, EngineerProfile, MentorProfile, MentorStrength


@dataclass(frozen=True)
class Strength:
    skill: str
    level: int
    evidence: str


@dataclass(frozen=True)
class MentorDetails:
    headline: str
    former_engineer: bool
    capacity: int
    paths: tuple[str, ...]
    domains: tuple[str, ...]
    interview_kinds: tuple[str, ...]
    strengths: tuple[Strength, ...]


@dataclass(frozen=True)
class ProfileSetup:
    engineer: EngineerProfile | None
    mentor: MentorProfile | None
    window_count: int


def setup_query(user_id: int) -> Select:
    """One row: the user's engineer and mentor profiles and how many weekly windows they keep. A page may
    add columns for the same user (`User.id`) before running it."""
    windows = (
        select(func.count())
        .select_from(AvailabilityWindow)
        .where(AvailabilityWindow.user_id == User.id)
        .scalar_subquery()
    )
    return (
        select(EngineerProfile, MentorProfile, windows)
        .select_from(User)
        .outerjoin(EngineerProfile, EngineerProfile.user_id == User.id)
        .outerjoin(MentorProfile, MentorProfile.user_id == User.id)
        .where(User.id == user_id)
    )


def setup_from(row) -> ProfileSetup:
    """The first three columns of a `setup_query` row."""
    engineer, mentor, window_count = row[:3]
    return ProfileSetup(engineer, mentor, window_count)


def save_engineer_profile(user_id: int, years_experience: int, path: str, target_domain: str) -> EngineerProfile:
    if years_experience not in YEARS_OF_EXPERIENCE:
        raise ServiceError(
            "years_experience",
            f"Enter a whole number of years between {YEARS_OF_EXPERIENCE.low} and {YEARS_OF_EXPERIENCE.high}.",
        )
    if path not in vocabulary.PATHS:
        raise ServiceError("path", "Choose the path you are taking.")
    if target_domain not in vocabulary.DOMAINS:
        raise ServiceError("target_domain", "Choose a target domain.")
    profile = db.session.get(EngineerProfile, user_id) or EngineerProfile(user_id=user_id)
    profile.years_experience, profile.path, profile.target_domain = years_experience, path, target_domain
    db.session.add(profile)
    record_audit("profile.engineer_saved", "user", user_id, actor_id=user_id)
    db.session.commit()
    return profile


def save_mentor_profile(user_id: int, details: MentorDetails) -> MentorProfile:
    if details.capacity not in MENTOR_CAPACITY:
        raise ServiceError(
            "capacity",
            f"Enter a number of mentees between {MENTOR_CAPACITY.low} and {MENTOR_CAPACITY.high} (0 pauses new matches).",
        )
    for field, chosen, allowed in (
        ("paths", details.paths, vocabulary.PATHS),
        ("domains", details.domains, vocabulary.DOMAINS),
        ("interview_kinds", details.interview_kinds, practice_bank.interview_kinds()),
    ):
        if not set(chosen) <= set(allowed):
            raise ServiceError(field, "Choose from the options shown.")
    if {strength.skill for strength in details.strengths} != set(vocabulary.SKILLS):
        raise ServiceError(None, "Rate every skill from 1 to 5.")
    for strength in details.strengths:
        if strength.level not in STRENGTH_LEVEL:
            raise ServiceError(
                f"strength_{strength.skill}", f"Choose a level from {STRENGTH_LEVEL.low} to {STRENGTH_LEVEL.high}."
            )
        if len(strength.evidence) > 200:
            raise ServiceError(f"evidence_{strength.skill}", "Keep the evidence to one line (200 characters).")

    profile = db.session.get(MentorProfile, user_id)
    if profile is None:
        profile = MentorProfile(user_id=user_id)
        db.session.add(profile)
    profile.headline = details.headline.strip()
    profile.former_engineer = details.former_engineer
    profile.paths = list(details.paths)
    profile.domains = list(details.domains)
    profile.interview_kinds = list(details.interview_kinds)
    profile.capacity = details.capacity
    existing = {strength.skill: strength for strength in profile.strengths}
    for strength in details.strengths:
        row = existing.get(strength.skill) or MentorStrength(skill=strength.skill)
        row.level, row.evidence = strength.level, strength.evidence.strip()
        if strength.skill not in existing:
            profile.strengths.append(row)
    record_audit("profile.mentor_saved", "user", user_id, actor_id=user_id, capacity=details.capacity)
    db.session.commit()
    return profile


def availabilities(users: list[User]) -> dict[int, availability.Availability]:
    """Each user's weekly windows and time away, in their own zone, in one statement whatever the number of users."""
    ids = [user.id for user in users]
    no_minute, no_day = cast(null(), Integer()), cast(null(), Date())
    weekly = select(
        AvailabilityWindow.user_id,
        AvailabilityWindow.weekday,
        AvailabilityWindow.start_minute,
        AvailabilityWindow.end_minute,
        no_day.label("first_day"),
        no_day.label("last_day"),
    ).where(AvailabilityWindow.user_id.in_(ids))
    time_away = select(AwayPeriod.user_id, no_minute, no_minute, no_minute, AwayPeriod.first_day, AwayPeriod.last_day)
    both = union_all(weekly, time_away.where(AwayPeriod.user_id.in_(ids))).subquery("availability")
    windows, away = defaultdict(list), defaultdict(list)
    # A window has a weekday, time away has none: each kind comes in its own order.
    for row in db.session.execute(select(both).order_by(both.c.weekday, both.c.start_minute, both.c.first_day)):
        if row.weekday is None:
            away[row.user_id].append(availability.Away(row.first_day, row.last_day))
        else:
            windows[row.user_id].append(availability.WeeklyWindow(row.weekday, row.start_minute, row.end_minute))
    return {
        user.id: availability.Availability(user.time_zone, tuple(windows[user.id]), tuple(away[user.id]))
        for user in users
    }


def availability_of(user: User) -> availability.Availability:
    return availabilities([user])[user.id]


# Weekly windows and time away: rows each user keeps for themselves.
_Own = TypeVar("_Own", AvailabilityWindow, AwayPeriod)


def _own_rows(model: type[_Own], user_id: int, *order_by) -> list[_Own]:
    return list(db.session.scalars(select(model).where(model.user_id == user_id).order_by(*order_by)))


def _delete_own(model: type[_Own], row_id: int, user_id: int, what: str) -> _Own:
    """Delete one of the user's own rows; someone else's is as missing as one that does not exist."""
    row = db.session.get(model, row_id)
    if row is None or row.user_id != user_id:
        raise NotFoundError(what, row_id)
    db.session.delete(row)
    return row


def windows_of(user_id: int) -> list[AvailabilityWindow]:
    return _own_rows(AvailabilityWindow, user_id, AvailabilityWindow.weekday, AvailabilityWindow.start_minute)


def away_of(user_id: int) -> list[AwayPeriod]:
    return _own_rows(AwayPeriod, user_id, AwayPeriod.first_day)


def add_window(user_id: int, weekday: int, start_minute: int, end_minute: int) -> AvailabilityWindow:
    new = availability.WeeklyWindow(weekday, start_minute, end_minute)
    errors = availability.validate_windows([new])
    if errors:
        raise ServiceError("end", errors[0])
    errors = availability.validate_windows([*(window.as_domain() for window in windows_of(user_id)), new])
    if errors:
        raise ServiceError("start", f"{new} overlaps a window you already have. Change or remove that one first.")
    window = AvailabilityWindow(user_id=user_id, weekday=weekday, start_minute=start_minute, end_minute=end_minute)
    db.session.add(window)
    db.session.flush()
    record_audit("availability.window_added", "availability_window", window.id, actor_id=user_id, window=str(new))
    db.session.commit()
    return window


def remove_window(user_id: int, window_id: int) -> None:
    window = _delete_own(AvailabilityWindow, window_id, user_id, "availability window")
    record_audit(
        "availability.window_removed",
        "availability_window",
        window_id,
        actor_id=user_id,
        window=str(window.as_domain()),
    )
    db.session.commit()


def add_away(user_id: int, first_day: date, last_day: date) -> AwayPeriod:
    errors = availability.validate_away([availability.Away(first_day, last_day)])
    if errors:
        raise ServiceError("last_day", errors[0])
    period = AwayPeriod(user_id=user_id, first_day=first_day, last_day=last_day)
    db.session.add(period)
    db.session.flush()
    record_audit(
        "availability.away_added",
        "away_period",
        period.id,
        actor_id=user_id,
        first_day=first_day.isoformat(),
        last_day=last_day.isoformat(),
    )
    db.session.commit()
    return period


def remove_away(user_id: int, away_id: int) -> None:
    _delete_own(AwayPeriod, away_id, user_id, "time away")
    record_audit("availability.away_removed", "away_period", away_id, actor_id=user_id)
    db.session.commit()
