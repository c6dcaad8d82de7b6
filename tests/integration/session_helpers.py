"""People, pairs and bookings for session tests."""

from datetime import datetime, time, timedelta

from pmcohort.domain import vocabulary
from pmcohort.extensions import db
from pmcohort.models import AvailabilityWindow, MentoringSession, MentorProfile, MentorStrength
from pmcohort.models.types import utcnow
from pmcohort.services import sessions as service

ALL_WEEK = [(day, 0, 1440) for day in range(7)]


def person(user_factory, roles, windows=ALL_WEEK, time_zone="UTC"):
    user = user_factory(roles=roles, time_zone=time_zone)
    for weekday, start, end in windows:
        db.session.add(AvailabilityWindow(user_id=user.id, weekday=weekday, start_minute=start, end_minute=end))
    if "mentor" in roles:
        profile = MentorProfile(user_id=user.id, capacity=3, active_mentees=1)
        profile.strengths = [MentorStrength(skill=skill, level=3) for skill in vocabulary.SKILLS]
        db.session.add(profile)
    db.session.flush()
    return user


def tomorrow_at(hour: int) -> datetime:
    return datetime.combine((utcnow() + timedelta(days=1)).date(), time(hour), tzinfo=utcnow().tzinfo)


def book(match, engineer, kind="one_on_one", start=None, minutes=60, **details):
    start = start or tomorrow_at(10)
    return service.book(match.id, engineer_id=engineer.id, kind=kind, start=start, end=start + timedelta(minutes=minutes),
                        details=service.Details(**details))


def as_past(session: MentoringSession, hours_ago: int = 2) -> None:
    """Move a session into the past, as if time had passed."""
    shift = session.start_at - (utcnow() - timedelta(hours=hours_ago))
    for row in (session, *session.participants):
        row.start_at, row.end_at = row.start_at - shift, row.end_at - shift
    db.session.commit()
