"""What each outbox topic does: in-app inbox items and emails, each once per recipient."""

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pmcohort.accounts.models import User
from pmcohort.core.email import Invite
from pmcohort.core.extensions import db
from pmcohort.core.tokens import password_reset_token
from pmcohort.domain.limits import PROPOSAL_EXPIRES_AFTER
from pmcohort.domain.statuses import MatchStatus, SessionKind, SessionStatus
from pmcohort.domain.times import format_local_span
from pmcohort.notifications.delivery import Notice, deliver_notice, path_for
from pmcohort.notifications.models import SECURITY_CATEGORY, OutboxMessage
from pmcohort.notifications.outbox import handles, loads_for_batch


@handles("account.welcome")
def welcome(message: OutboxMessage) -> None:
    user = db.session.get(User, message.payload["user_id"])
    if user is None:
        return
    deliver_notice(
        message,
        user,
        Notice(
            SECURITY_CATEGORY,
            "Welcome to PM Cohort",
            path_for("main.dashboard"),
            "Start with your profile.",
            template="welcome",
            action_label="Open your dashboard",
        ),
    )


@handles("account.password_reset")
def password_reset(message: OutboxMessage) -> None:
    user = db.session.get(User, message.payload["user_id"])
    if user is None or not user.active:
        return
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    deliver_notice(
        message,
        user,
        Notice(
            SECURITY_CATEGORY,
            "Reset your PM Cohort password",
            path_for("auth.reset_password", token=password_reset_token(user)),
            template="password_reset",
            context={"minutes": minutes},
            action_label="Choose a new password",
            in_app=False,
        ),
    )


@handles("account.sign_in_throttled")
def sign_in_throttled(message: OutboxMessage) -> None:
    user = db.session.get(User, message.payload["user_id"])
    if user is None or not user.active:
        return
    deliver_notice(
        message,
        user,
        Notice(
            SECURITY_CATEGORY,
            "Sign-ins to your PM Cohort account are paused",
            path_for("auth.request_reset"),
            template="sign_in_throttled",
            context={"limit": current_app.config["ACCOUNT_SIGN_IN_LIMIT"]},
            action_label="Choose a new password",
            in_app=False,
        ),
    )


MATCHING_RUN_TASK = "pmcohort.matching.run"


@handles("matching.run")
def dispatch_matching_run(message: OutboxMessage) -> None:
    # The solve is long: it runs as its own task, so this outbox row is done at once.
    current_app.extensions["celery"].send_task(MATCHING_RUN_TASK, args=[message.payload["run_id"]], retry=False)


def _notify(
    message: OutboxMessage,
    user: User,
    category: str,
    title: str,
    body: str,
    endpoint: str,
    invite: Invite | None = None,
    **values,
) -> None:
    deliver_notice(message, user, Notice(category, title, path_for(endpoint, **values), body, invite=invite))


def _match(message: OutboxMessage):
    from pmcohort.cohorts.models import Match

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
    _notify(
        message,
        match.engineer,
        "matches",
        "A mentor match is proposed",
        f"{match.mentor.name} is proposed as your mentor. See why, then accept or decline within {PROPOSAL_EXPIRES_AFTER.days} days.",
        "matches.detail",
        match_id=match.id,
    )
    _notify(
        message,
        match.mentor,
        "matches",
        "A mentee match is proposed",
        f"{match.engineer.name} is proposed as your mentee. See why, then accept or decline within {PROPOSAL_EXPIRES_AFTER.days} days.",
        "matches.detail",
        match_id=match.id,
    )


@handles("match.requested")
def match_requested(message: OutboxMessage) -> None:
    match = _match(message)
    if match is not None:
        _notify(
            message,
            match.mentor,
            "matches",
            f"{match.engineer.name} asks you to mentor them",
            f"They chose you from their best-fitting mentors. Accept or decline within {PROPOSAL_EXPIRES_AFTER.days} days.",
            "matches.detail",
            match_id=match.id,
        )


@handles("match.accepted")
def match_accepted(message: OutboxMessage) -> None:
    match = _match(message)
    if match is None:
        return
    for user, other in ((match.engineer, match.mentor), (match.mentor, match.engineer)):
        _notify(
            message,
            user,
            "matches",
            "Your match is active",
            f"You and {other.name} both accepted. Time to book your first session.",
            "matches.detail",
            match_id=match.id,
        )


@handles("match.declined")
def match_declined(message: OutboxMessage) -> None:
    match = _match(message)
    if match is None:
        return
    decliner = match.engineer if match.closed_by == match.engineer_id else match.mentor
    other = match.mentor if decliner is match.engineer else match.engineer
    _notify(
        message,
        other,
        "matches",
        "A proposed match was declined",
        f"{decliner.name} declined the match. We will find you another.",
        "matches.index",
    )
    for lead in _leads_of(match):
        _notify(
            message,
            lead,
            "matches",
            "A proposed match was declined",
            f"{decliner.name} declined the match between {match.engineer.name} and {match.mentor.name}: {match.close_reason}",
            "cohorts.board",
            cohort_id=match.cohort_id,
        )


@handles("match.withdrawn")
def match_withdrawn(message: OutboxMessage) -> None:
    match = _match(message)
    if match is not None:
        _notify(
            message,
            match.mentor,
            "matches",
            "A request was withdrawn",
            f"{match.engineer.name} started a match with another mentor, so their request to you is withdrawn.",
            "matches.index",
        )


@handles("match.expired")
def match_expired(message: OutboxMessage) -> None:
    match = _match(message)
    if match is None:
        return
    body = f"The proposed match between {match.engineer.name} and {match.mentor.name} was not answered within {PROPOSAL_EXPIRES_AFTER.days} days and has expired."
    for user in (match.engineer, match.mentor, *_leads_of(match)):
        endpoint, values = (
            ("cohorts.board", {"cohort_id": match.cohort_id})
            if match.cohort_id and user.id not in (match.engineer_id, match.mentor_id)
            else ("matches.index", {})
        )
        _notify(message, user, "matches", "A proposed match expired", body, endpoint, **values)


def _session(message: OutboxMessage):
    from pmcohort.mentoring.models import MentoringSession

    return db.session.get(MentoringSession, message.payload["session_id"])


@loads_for_batch
def _sessions_of(messages: list[OutboxMessage]) -> list:
    """The sessions a batch's rows are about, with their participants and people: two queries for
    the batch, where each row would look up its session and then its participants."""
    from pmcohort.mentoring.models import MentoringSession

    ids = {message.payload["session_id"] for message in messages if "session_id" in message.payload}
    if not ids:
        return []
    return db.session.scalars(
        select(MentoringSession)
        .where(MentoringSession.id.in_(ids))
        .options(selectinload(MentoringSession.participants))
    ).all()


def _when(mentoring_session, user: User) -> str:
    return format_local_span(mentoring_session.start_at, mentoring_session.end_at, user.time_zone)


def _invite(mentoring_session) -> Invite:
    from pmcohort.mentoring.calendar import session_invite

    return Invite(
        session_invite(mentoring_session),
        "CANCEL" if mentoring_session.status == SessionStatus.CANCELLED else "REQUEST",
    )


def _session_notice(
    message: OutboxMessage, category: str, title: str, body_for, *, with_invite: bool, people=None
) -> None:
    mentoring_session = _session(message)
    if mentoring_session is None:
        return
    invite = _invite(mentoring_session) if with_invite else None
    only = message.payload.get("only_user_id")
    for place in people(mentoring_session) if people else mentoring_session.participants:
        if only is not None and place.user_id != only:
            continue
        _notify(
            message,
            place.user,
            category,
            title,
            body_for(mentoring_session, place.user),
            "sessions.detail",
            invite=invite,
            session_id=mentoring_session.id,
        )


@handles("session.scheduled")
def session_scheduled(message: OutboxMessage) -> None:
    _session_notice(
        message,
        "sessions",
        "Session scheduled",
        lambda s, u: f"{s.title}: {_when(s, u)}. The calendar invite is attached.",
        with_invite=True,
        people=lambda s: [p for p in s.participants if p.active],
    )


@handles("session.proposed")
def session_proposed(message: OutboxMessage) -> None:
    mentoring_session = _session(message)
    if mentoring_session is None:
        return
    for place in mentoring_session.participants:
        if place.user_id != mentoring_session.proposed_by:
            _notify(
                message,
                place.user,
                "sessions",
                "A session time is proposed",
                f"{mentoring_session.title}: {_when(mentoring_session, place.user)}. Accept it or suggest another time.",
                "sessions.detail",
                session_id=mentoring_session.id,
            )


@handles("session.changed")
def session_changed(message: OutboxMessage) -> None:
    reason = message.payload.get("reason", "")
    _session_notice(
        message,
        "sessions",
        "Session moved",
        lambda s, u: f"{s.title} now takes place {_when(s, u)}. Why: {reason}",
        with_invite=True,
        people=lambda s: [p for p in s.participants if p.active],
    )


@handles("session.cancelled")
def session_cancelled(message: OutboxMessage) -> None:
    # Only those still taking part when it was cancelled: someone who left a workshop has moved on.
    still_in = set(message.payload.get("user_ids", ()))
    _session_notice(
        message,
        "sessions",
        "Session cancelled",
        lambda s, u: f"{s.title} on {_when(s, u)} is cancelled: {s.cancel_reason}",
        with_invite=True,
        people=lambda s: [p for p in s.participants if p.user_id in still_in],
    )


@handles("session.reminder")
def session_reminder(message: OutboxMessage) -> None:
    mentoring_session = _session(message)
    if mentoring_session is None or mentoring_session.status != SessionStatus.SCHEDULED:
        return  # cancelled or moved since the reminder fell due
    soon = message.payload.get("kind") == "1h"
    _session_notice(
        message,
        "reminders",
        "Reminder: your session starts within the hour" if soon else "Reminder: a session coming up",
        lambda s, u: f"{s.title}: {_when(s, u)}.",
        with_invite=False,
        people=lambda s: [p for p in s.participants if p.active],
    )


@handles("session.feedback_request")
def session_feedback_request(message: OutboxMessage) -> None:
    _session_notice(
        message,
        "reminders",
        "How did the session go?",
        lambda s, u: (
            f"Rate {s.title} and leave a note{'; score the rubric' if s.kind in (SessionKind.INTERVIEW, SessionKind.ROLE_PLAY) and s.host_id == u.id else ''}. It takes a minute."
        ),
        with_invite=False,
        people=lambda s: [p for p in s.participants if p.active],
    )


@handles("session.observation")
def session_observation(message: OutboxMessage) -> None:
    mentoring_session = _session(message)
    if mentoring_session is not None:
        _notify(
            message,
            mentoring_session.host,
            "sessions",
            "A shadowing observation to comment on",
            f"Your mentee wrote up what they observed in {mentoring_session.title}.",
            "sessions.detail",
            session_id=mentoring_session.id,
        )


def _feedback_missing(mentoring_session) -> list:
    from pmcohort.mentoring.models import SessionFeedback

    given = set(
        db.session.scalars(select(SessionFeedback.author_id).where(SessionFeedback.session_id == mentoring_session.id))
    )
    return [place for place in mentoring_session.participants if place.active and place.user_id not in given]


@handles("session.feedback_chaser")
def session_feedback_chaser(message: OutboxMessage) -> None:
    mentoring_session = _session(message)
    if mentoring_session is None or mentoring_session.status == SessionStatus.CANCELLED:
        return
    for place in _feedback_missing(mentoring_session):
        _notify(
            message,
            place.user,
            "reminders",
            "Your feedback is still missing",
            f"{mentoring_session.title} ended {_when(mentoring_session, place.user)}. A rating and a line of notes help your "
            f"{'mentee' if place.user_id == mentoring_session.host_id else 'mentor'} and the cohort lead.",
            "sessions.detail",
            session_id=mentoring_session.id,
        )


def _session_leads(mentoring_session) -> list[User]:
    from pmcohort.cohorts.models import Cohort, Match

    cohort_id = mentoring_session.cohort_id
    if cohort_id is None and mentoring_session.match_id is not None:
        cohort_id = db.session.scalar(select(Match.cohort_id).where(Match.id == mentoring_session.match_id))
    cohort = db.session.get(Cohort, cohort_id) if cohort_id else None
    return [db.session.get(User, lead.user_id) for lead in cohort.leads] if cohort else []


@handles("session.feedback_overdue")
def session_feedback_overdue(message: OutboxMessage) -> None:
    mentoring_session = _session(message)
    if mentoring_session is None or mentoring_session.status == SessionStatus.CANCELLED:
        return
    missing = _feedback_missing(mentoring_session)
    if not missing:
        return
    names = ", ".join(place.user.name for place in missing)
    for lead in _session_leads(mentoring_session):
        _notify(
            message,
            lead,
            "reminders",
            "Feedback a week overdue",
            f"{names} still owe feedback on {mentoring_session.title} ({_when(mentoring_session, lead)}).",
            "sessions.detail",
            session_id=mentoring_session.id,
        )


@handles("match.proposal_nudge")
def match_proposal_nudge(message: OutboxMessage) -> None:
    match = _match(message)
    if match is None or match.status != MatchStatus.PROPOSED:
        return
    for user, answered, other in (
        (match.engineer, match.engineer_accepted_at, match.mentor),
        (match.mentor, match.mentor_accepted_at, match.engineer),
    ):
        if not answered:
            _notify(
                message,
                user,
                "reminders",
                "A match is waiting for your answer",
                f"The proposed match with {other.name} is waiting for you. Accept or decline: it expires 7 days after it was proposed.",
                "matches.detail",
                match_id=match.id,
            )


@handles("match.proposal_expiring")
def match_proposal_expiring(message: OutboxMessage) -> None:
    match = _match(message)
    if match is None or match.status != MatchStatus.PROPOSED:
        return
    body = (
        f"The proposed match between {match.engineer.name} and {match.mentor.name} expires tomorrow unless both accept."
    )
    for user in (match.engineer, match.mentor):
        _notify(
            message, user, "reminders", "A proposed match expires tomorrow", body, "matches.detail", match_id=match.id
        )
    for lead in _leads_of(match):
        _notify(
            message,
            lead,
            "reminders",
            "A proposed match expires tomorrow",
            body,
            "cohorts.board",
            cohort_id=match.cohort_id,
        )


@handles("digest.weekly")
def weekly_digest(message: OutboxMessage) -> None:
    from pmcohort.notifications.digest import lead_digest

    lead = db.session.get(User, message.payload["lead_id"])
    if lead is None or not lead.active:
        return
    digest = lead_digest(lead.id)
    deliver_notice(
        message,
        lead,
        Notice(
            "digest",
            f"Your week in PM Cohort ({message.payload['week']})",
            path_for("cohorts.index"),
            digest.summary,
            template="digest",
            context={"digest": digest, "lead": lead},
            action_label="Open your cohorts",
        ),
    )
