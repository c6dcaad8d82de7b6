"""Sessions as iCalendar: invites attached to emails, downloads, and each user's private feed."""

from flask import current_app

from pmcohort.domain.invites import Attendee, InviteEvent, event_uid, feed, invite
from pmcohort.domain.statuses import ParticipantRole, SessionStatus
from pmcohort.mentoring.models import MentoringSession


def _event(mentoring_session: MentoringSession) -> InviteEvent:
    public = current_app.config["PUBLIC_URL"].rstrip("/")
    description = "\n\n".join(
        part for part in (mentoring_session.agenda, f"Details: {public}/sessions/{mentoring_session.id}") if part
    )
    guests = [
        place.user
        for place in mentoring_session.participants
        if place.active and place.role == ParticipantRole.PARTICIPANT
    ]
    return InviteEvent(
        uid=event_uid(mentoring_session.id),
        sequence=mentoring_session.sequence,
        start=mentoring_session.start_at,
        end=mentoring_session.end_at,
        time_zone=mentoring_session.time_zone,
        summary=f"PM Cohort: {mentoring_session.title}",
        description=description,
        location=f"{public}/sessions/{mentoring_session.id}",
        organizer=Attendee(mentoring_session.host.name, mentoring_session.host.email),
        attendees=tuple(Attendee(user.name, user.email) for user in guests),
        cancelled=mentoring_session.status == SessionStatus.CANCELLED,
        created=mentoring_session.created_at,
        last_modified=mentoring_session.updated_at,
    )


def session_invite(mentoring_session: MentoringSession) -> bytes:
    return invite(_event(mentoring_session))


def sessions_feed(sessions: list[MentoringSession], name: str) -> bytes:
    return feed([_event(mentoring_session) for mentoring_session in sessions], name)
