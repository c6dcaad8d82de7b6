"""What each outbox topic does: in-app inbox items and emails, each once per recipient."""

from flask import current_app, render_template, url_for
from sqlalchemy import select

from pmcohort.domain.statuses import SessionKind
from pmcohort.domain.times import format_local_span
from pmcohort.email import Attachment, send_email
from pmcohort.extensions import db
from pmcohort.models import EmailDelivery, Notification, OutboxMessage, User
from pmcohort.outbox import handles
from pmcohort.tokens import password_reset_token


def absolute_url(endpoint: str, **values) -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + url_for(endpoint, **values)


def email_once(message: OutboxMessage, user: User, subject: str, template: str, attachments: tuple[Attachment, ...] = (), **context) -> bool:
    already_sent = db.session.scalar(
        select(EmailDelivery.id).where(EmailDelivery.outbox_id == message.id, EmailDelivery.recipient == user.email)
    )
    if already_sent:
        return False
    text = render_template(f"email/{template}.txt", user=user, **context)
    send_email(user.email, subject, text, attachments=attachments)
    db.session.add(EmailDelivery(outbox_id=message.id, recipient=user.email))
    # Record this recipient at once, so a failure for a later one cannot send this email again on
    # retry; then lock the message again, so every check-send-record runs under its row lock.
    db.session.commit()
    db.session.get(OutboxMessage, message.id, with_for_update=True, populate_existing=True)
    return True


def notify_in_app(message: OutboxMessage, user: User, title: str, body: str = "", link: str | None = None) -> None:
    exists = db.session.scalar(
        select(Notification.id).where(Notification.outbox_id == message.id, Notification.user_id == user.id)
    )
    if not exists:
        db.session.add(Notification(outbox_id=message.id, user_id=user.id, title=title, body=body, link=link))


@handles("account.welcome")
def welcome(message: OutboxMessage) -> None:
    user = db.session.get(User, message.payload["user_id"])
    if user is None:
        return
    with current_app.test_request_context():
        dashboard = absolute_url("main.dashboard")
        email_once(message, user, "Welcome to PM Cohort", "welcome", dashboard_url=dashboard)
    notify_in_app(message, user, "Welcome to PM Cohort", "Start with your profile.", "/")


@handles("account.password_reset")
def password_reset(message: OutboxMessage) -> None:
    user = db.session.get(User, message.payload["user_id"])
    if user is None or not user.active:
        return
    with current_app.test_request_context():
        reset_url = absolute_url("auth.reset_password", token=password_reset_token(user))
        minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
        email_once(message, user, "Reset your PM Cohort password", "password_reset", reset_url=reset_url, minutes=minutes)


@handles("account.sign_in_throttled")
def sign_in_throttled(message: OutboxMessage) -> None:
    user = db.session.get(User, message.payload["user_id"])
    if user is None or not user.active:
        return
    with current_app.test_request_context():
        email_once(message, user, "Sign-ins to your PM Cohort account are paused", "sign_in_throttled",
                   reset_url=absolute_url("auth.request_reset"), limit=current_app.config["ACCOUNT_SIGN_IN_LIMIT"])


MATCHING_RUN_TASK = "pmcohort.matching.run"


@handles("matching.run")
def dispatch_matching_run(message: OutboxMessage) -> None:
    # The solve is long: it runs as its own task, so this outbox row is done at once.
    current_app.extensions["celery"].send_task(MATCHING_RUN_TASK, args=[message.payload["run_id"]], retry=False)


def _notify(message: OutboxMessage, user: User, title: str, body: str, endpoint: str, attachments: tuple[Attachment, ...] = (), **values) -> None:
    with current_app.test_request_context():
        link = absolute_url(endpoint, **values)
        path = url_for(endpoint, **values)
        email_once(message, user, title, "notice", attachments=attachments, body=body, link=link)
    notify_in_app(message, user, title, body, path)


def _match(message: OutboxMessage):
    from pmcohort.models import Match

    return db.session.get(Match, message.payload["match_id"])


def _leads_of(match) -> list[User]:
    if match.cohort is None:
        return []
    return [db.session.get(User, lead.user_id) for lead in match.cohort.leads]


@handles("match.proposed")
def match_proposed(message: OutboxMessage) -> None:
    match = _match(message)
    if match is None:
        return
    _notify(message, match.engineer, "A mentor match is proposed",
            f"{match.mentor.name} is proposed as your mentor. See why, then accept or decline within 7 days.",
            "matches.detail", match_id=match.id)
    _notify(message, match.mentor, "A mentee match is proposed",
            f"{match.engineer.name} is proposed as your mentee. See why, then accept or decline within 7 days.",
            "matches.detail", match_id=match.id)


@handles("match.requested")
def match_requested(message: OutboxMessage) -> None:
    match = _match(message)
    if match is not None:
        _notify(message, match.mentor, f"{match.engineer.name} asks you to mentor them",
                "They chose you from their best-fitting mentors. Accept or decline within 7 days.",
                "matches.detail", match_id=match.id)


@handles("match.accepted")
def match_accepted(message: OutboxMessage) -> None:
    match = _match(message)
    if match is None:
        return
    for user, other in ((match.engineer, match.mentor), (match.mentor, match.engineer)):
        _notify(message, user, "Your match is active", f"You and {other.name} both accepted. Time to book your first session.",
                "matches.detail", match_id=match.id)


@handles("match.declined")
def match_declined(message: OutboxMessage) -> None:
    match = _match(message)
    if match is None:
        return
    decliner = match.engineer if match.closed_by == match.engineer_id else match.mentor
    other = match.mentor if decliner is match.engineer else match.engineer
    _notify(message, other, "A proposed match was declined", f"{decliner.name} declined the match. We will find you another.",
            "matches.index")
    for lead in _leads_of(match):
        _notify(message, lead, "A proposed match was declined",
                f"{decliner.name} declined the match between {match.engineer.name} and {match.mentor.name}: {match.close_reason}",
                "cohorts.board", cohort_id=match.cohort_id)


@handles("match.withdrawn")
def match_withdrawn(message: OutboxMessage) -> None:
    match = _match(message)
    if match is not None:
        _notify(message, match.mentor, "A request was withdrawn",
                f"{match.engineer.name} started a match with another mentor, so their request to you is withdrawn.", "matches.index")


@handles("match.expired")
def match_expired(message: OutboxMessage) -> None:
    match = _match(message)
    if match is None:
        return
    body = f"The proposed match between {match.engineer.name} and {match.mentor.name} was not answered within 7 days and has expired."
    for user in (match.engineer, match.mentor, *_leads_of(match)):
        endpoint, values = ("cohorts.board", {"cohort_id": match.cohort_id}) if match.cohort_id and user.id not in (match.engineer_id, match.mentor_id) else ("matches.index", {})
        _notify(message, user, "A proposed match expired", body, endpoint, **values)


def _session(message: OutboxMessage):
    from pmcohort.models import MentoringSession

    return db.session.get(MentoringSession, message.payload["session_id"])


def _when(session, user: User) -> str:
    return format_local_span(session.start_at, session.end_at, user.time_zone)


def _invite_attachment(session) -> tuple[Attachment, ...]:
    from pmcohort.calendar import session_invite

    return (Attachment("invite.ics", session_invite(session), "text/calendar", "calendar"),)


def _session_notice(message: OutboxMessage, title: str, body_for, *, with_invite: bool, people=None) -> None:
    session = _session(message)
    if session is None:
        return
    attachments = _invite_attachment(session) if with_invite else ()
    only = message.payload.get("only_user_id")
    for place in people(session) if people else session.participants:
        if only is not None and place.user_id != only:
            continue
        _notify(message, place.user, title, body_for(session, place.user), "sessions.detail", attachments=attachments, session_id=session.id)


@handles("session.scheduled")
def session_scheduled(message: OutboxMessage) -> None:
    _session_notice(message, "Session scheduled", lambda s, u: f"{s.title}: {_when(s, u)}. The calendar invite is attached.",
                    with_invite=True, people=lambda s: [p for p in s.participants if p.active])


@handles("session.proposed")
def session_proposed(message: OutboxMessage) -> None:
    session = _session(message)
    if session is None:
        return
    for place in session.participants:
        if place.user_id != session.proposed_by:
            _notify(message, place.user, "A session time is proposed",
                    f"{session.title}: {_when(session, place.user)}. Accept it or suggest another time.", "sessions.detail", session_id=session.id)


@handles("session.changed")
def session_changed(message: OutboxMessage) -> None:
    reason = message.payload.get("reason", "")
    _session_notice(message, "Session moved", lambda s, u: f"{s.title} now takes place {_when(s, u)}. Why: {reason}",
                    with_invite=True, people=lambda s: [p for p in s.participants if p.active])


@handles("session.cancelled")
def session_cancelled(message: OutboxMessage) -> None:
    # Only those still taking part when it was cancelled: someone who left a workshop has moved on.
    still_in = set(message.payload.get("user_ids", ()))
    _session_notice(message, "Session cancelled",
                    lambda s, u: f"{s.title} on {_when(s, u)} is cancelled: {s.cancel_reason}",
                    with_invite=True, people=lambda s: [p for p in s.participants if p.user_id in still_in])


@handles("session.reminder")
def session_reminder(message: OutboxMessage) -> None:
    soon = message.payload.get("kind") == "1h"
    _session_notice(message, "Reminder: your session starts within the hour" if soon else "Reminder: a session coming up",
                    lambda s, u: f"{s.title}: {_when(s, u)}.",
                    with_invite=False, people=lambda s: [p for p in s.participants if p.active])


@handles("session.feedback_request")
def session_feedback_request(message: OutboxMessage) -> None:
    _session_notice(message, "How did the session go?",
                    lambda s, u: f"Rate {s.title} and leave a note{'; score the rubric' if s.kind in (SessionKind.INTERVIEW, SessionKind.ROLE_PLAY) and s.host_id == u.id else ''}. It takes a minute.",
                    with_invite=False, people=lambda s: [p for p in s.participants if p.active])


@handles("session.observation")
def session_observation(message: OutboxMessage) -> None:
    session = _session(message)
    if session is not None:
        _notify(message, session.host, "A shadowing observation to comment on",
                f"Your mentee wrote up what they observed in {session.title}.", "sessions.detail", session_id=session.id)
