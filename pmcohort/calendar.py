"""Sessions as iCalendar: invites attached to emails, downloads, and each user's private feed."""

from flask import current_app

from pmcohort.domain.invites import Attendee, InviteEvent, event_uid, feed, invite
from pmcohort.domain.statuses import ParticipantRole, SessionStatus
from pmcohort.models import MentoringSession


def _event(session: MentoringSession) -> InviteEvent:
    public = current_app.config["PUBLIC_URL"].rstrip("/")
    description = "\n\n".join(part for part in (session.agenda, f"Details: {public}/sessions/{session.id}") if part)
    guests = [place.user for place in session.participants if place.active and place.role == ParticipantRole.PARTICIPANT]
    return InviteEvent(
        uid=event_uid(session.id),
        sequence=session.sequence,
        start=session.start_at,
        end=session.end_at,
        time_zone=session.time_zone,
        summary=f"PM Cohort: {session.title}",
        description=description,
        location=f"{public}/sessions/{session.id}",
        organizer=Attendee(session.host.name, session.host.email),
        attendees=tuple(Attendee(user.name, user.email) for user in guests),
        cancelled=session.status == SessionStatus.CANCELLED,
        created=session.created_at,
        last_modified=session.updated_at,
    )


def session_invite(session: MentoringSession) -> bytes:
    return invite(_event(session))


def sessions_feed(sessions: list[MentoringSession], name: str) -> bytes:
    return feed([_event(session) for session in sessions], name)
