"""A cohort lead's workshops: a weekly series that keeps its local time, and members taking a seat."""

import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from pmcohort.accounts.models import User
from pmcohort.cohorts.models import CohortMember
from pmcohort.core.errors import NotFoundError, ServiceError
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain import scheduling
from pmcohort.domain.limits import WORKSHOP_SEATS, WORKSHOP_WEEKS
from pmcohort.domain.statuses import ParticipantRole, SessionKind, SessionStatus
from pmcohort.mentoring.booking import Details, add_people, check_details, check_times, new_session, save_session
from pmcohort.mentoring.models import MentoringSession
from pmcohort.notifications import reminders
from pmcohort.notifications.outbox import enqueue
from pmcohort.ops.models import record_audit


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
    check_details(SessionKind.WORKSHOP, details)
    for occurrence in occurrences:  # every week is checked before any is saved
        check_times(occurrence.start, occurrence.end, [lead], lead)
    for occurrence in occurrences:
        mentoring_session = new_session(
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
        add_people(mentoring_session, lead, [], accepted={lead_id})
        save_session(mentoring_session)
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
    check_times(mentoring_session.start_at, mentoring_session.end_at, [user], user)
    place = mentoring_session.participant(user_id)
    if place is None:
        mentoring_session.add_participant(user_id, ParticipantRole.PARTICIPANT, accepted_at=utcnow())
    else:
        place.active, place.accepted_at = True, utcnow()
    save_session(mentoring_session)
    record_audit("session.joined", "session", mentoring_session.id, actor_id=user_id)
    enqueue("session.scheduled", session_id=mentoring_session.id, only_user_id=user_id)
    db.session.commit()
    return mentoring_session
