"""What each outbox topic does: in-app inbox items and emails, each once per recipient.

Most topics are about one stored row (a match, a session, a document, a proposal, a user): their
handlers are registered with `_about`, which loads the row and delivers what the handler yields,
so that each handler holds only who hears what."""

from collections.abc import Callable, Iterator
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pmcohort.accounts.models import User
from pmcohort.core.email import Invite
from pmcohort.core.extensions import db
from pmcohort.core.tokens import password_reset_token
from pmcohort.core.types import utcnow
from pmcohort.domain.limits import PROPOSAL_EXPIRES_AFTER, REVIEW_CLAIM_LASTS, REVIEW_DUE_WITHIN
from pmcohort.domain.reminders import REVIEW_DUE, waited
from pmcohort.domain.statuses import (
    DOCUMENT_AWAITING_REVIEW,
    MATCH_OPEN,
    MatchStatus,
    MemberRole,
    RematchChoice,
    SessionKind,
    SessionStatus,
)
from pmcohort.domain.times import format_local_span
from pmcohort.domain.vocabulary import SKILLS
from pmcohort.notifications.delivery import Notice, deliver_notice, path_for
from pmcohort.notifications.models import SECURITY_CATEGORY, OutboxMessage
from pmcohort.notifications.outbox import handles, loads_for_batch


def _about(topic: str, load: Callable, send: Callable):
    """Registers the handler of a topic about one stored row: `load(message)` finds the row (a row
    gone since the message was written is nothing to say), the decorated function yields what to
    say about it, and `send(message, row, *what)` delivers each."""

    def register(notices: Callable[[OutboxMessage, object], Iterator[tuple]]):
        @handles(topic)
        def handler(message: OutboxMessage) -> None:
            subject = load(message)
            if subject is not None:
                for notice in notices(message, subject):
                    send(message, subject, *notice)

        return handler

    return register


def _to(category: str) -> Callable:
    """A `send` for notices yielded as (user, title, body, link)."""

    def send(message: OutboxMessage, _subject, user: User, title: str, body: str, link: str) -> None:
        deliver_notice(message, user, Notice(category, title, link, body))

    return send


def _as_yielded(message: OutboxMessage, _subject, user, notice: Notice) -> None:
    """A `send` for notices yielded whole, as (user, Notice)."""
    deliver_notice(message, user, notice)


def _user_in(key: str, *, active_only: bool = True) -> Callable:
    """A `load` for the user a message names under `key`."""

    def load(message: OutboxMessage) -> User | None:
        user = db.session.get(User, message.payload[key])
        return user if user is not None and (user.active or not active_only) else None

    return load


def _new_password_email(title: str, link: str, template: str, context: dict) -> Notice:
    # By email only: someone locked out of their account cannot read its inbox.
    return Notice(
        SECURITY_CATEGORY,
        title,
        link,
        template=template,
        context=context,
        action_label="Choose a new password",
        in_app=False,
    )


@_about("account.welcome", _user_in("user_id", active_only=False), _as_yielded)
def welcome(message: OutboxMessage, user: User):
    dashboard = path_for("main.dashboard")
    intro = "Start with your profile."
    yield (
        user,
        Notice(
            SECURITY_CATEGORY,
            "Welcome to PM Cohort",
            dashboard,
            intro,
            template="welcome",
            action_label="Open your dashboard",
        ),
    )


@_about("account.password_reset", _user_in("user_id"), _as_yielded)
def password_reset(message: OutboxMessage, user: User):
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    link = path_for("auth.reset_password", token=password_reset_token(user))
    yield user, _new_password_email("Reset your PM Cohort password", link, "password_reset", {"minutes": minutes})


@_about("account.sign_in_throttled", _user_in("user_id"), _as_yielded)
def sign_in_throttled(message: OutboxMessage, user: User):
    limit = current_app.config["ACCOUNT_SIGN_IN_LIMIT"]
    title = "Sign-ins to your PM Cohort account are paused"
    yield user, _new_password_email(title, path_for("auth.request_reset"), "sign_in_throttled", {"limit": limit})


MATCHING_RUN_TASK = "pmcohort.matching.run"


@handles("matching.run")
def dispatch_matching_run(message: OutboxMessage) -> None:
    # The solve is long: it runs as its own task, so this outbox row is done at once.
    current_app.extensions["celery"].send_task(MATCHING_RUN_TASK, args=[message.payload["run_id"]], retry=False)


# --- matches


def _match(message: OutboxMessage):
    from pmcohort.cohorts.models import Match

    return db.session.get(Match, message.payload["match_id"])


def _leads_of(match) -> list[User]:
    if match.cohort is None:
        return []
    return [db.session.get(User, lead.user_id) for lead in match.cohort.leads]


def _match_link(match, user: User) -> str:
    """The two sides land on the match while it is open, on their matches (to find another) once it
    is closed; the cohort's leads land on the cohort's board."""
    if user.id not in (match.engineer_id, match.mentor_id):
        return path_for("cohorts.board", cohort_id=match.cohort_id)
    if match.status in MATCH_OPEN:
        return path_for("matches.detail", match_id=match.id)
    return path_for("matches.index")


def _about_match(topic: str, category: str):
    """A topic about a match: the handler yields (users, title, body)."""

    def send(message: OutboxMessage, match, users, title: str, body: str) -> None:
        for user in users:
            deliver_notice(message, user, Notice(category, title, _match_link(match, user), body))

    return _about(topic, _match, send)


def _both_sides(match):
    """Each side of a match with the other."""
    return ((match.engineer, match.mentor), (match.mentor, match.engineer))


def _everyone_on(match) -> tuple[User, ...]:
    return (match.engineer, match.mentor, *_leads_of(match))


def _proposal_between(match) -> str:
    return f"The proposed match between {match.engineer.name} and {match.mentor.name}"


ANSWER_WITHIN = f"accept or decline within {PROPOSAL_EXPIRES_AFTER.days} days"


@_about_match("match.proposed", "matches")
def match_proposed(message: OutboxMessage, match):
    for user, other in _both_sides(match):
        role = "mentor" if user is match.engineer else "mentee"
        yield (
            [user],
            f"A {role} match is proposed",
            f"{other.name} is proposed as your {role}. See why, then {ANSWER_WITHIN}.",
        )


@_about_match("match.requested", "matches")
def match_requested(message: OutboxMessage, match):
    yield (
        [match.mentor],
        f"{match.engineer.name} asks you to mentor them",
        f"They chose you from their best-fitting mentors. {ANSWER_WITHIN.capitalize()}.",
    )


@_about_match("match.accepted", "matches")
def match_accepted(message: OutboxMessage, match):
    for user, other in _both_sides(match):
        yield [user], "Your match is active", f"You and {other.name} both accepted. Time to book your first session."


@_about_match("match.declined", "matches")
def match_declined(message: OutboxMessage, match):
    decliner = match.engineer if match.closed_by == match.engineer_id else match.mentor
    other = match.mentor if decliner is match.engineer else match.engineer
    title = "A proposed match was declined"
    yield [other], title, f"{decliner.name} declined the match. We will find you another."
    yield (
        _leads_of(match),
        title,
        f"{decliner.name} declined the match between {match.engineer.name} and {match.mentor.name}: {match.close_reason}",
    )


@_about_match("match.withdrawn", "matches")
def match_withdrawn(message: OutboxMessage, match):
    yield (
        [match.mentor],
        "A request was withdrawn",
        f"{match.engineer.name} started a match with another mentor, so their request to you is withdrawn.",
    )


@_about_match("match.expired", "matches")
def match_expired(message: OutboxMessage, match):
    unanswered = f"was not answered within {PROPOSAL_EXPIRES_AFTER.days} days and has expired"
    yield _everyone_on(match), "A proposed match expired", f"{_proposal_between(match)} {unanswered}."


@_about_match("match.proposal_nudge", "reminders")
def match_proposal_nudge(message: OutboxMessage, match):
    if match.status != MatchStatus.PROPOSED:
        return
    answered = {match.engineer_id: match.engineer_accepted_at, match.mentor_id: match.mentor_accepted_at}
    for user, other in _both_sides(match):
        if not answered[user.id]:
            yield (
                [user],
                "A match is waiting for your answer",
                f"The proposed match with {other.name} is waiting for you. Accept or decline: it expires "
                f"{PROPOSAL_EXPIRES_AFTER.days} days after it was proposed.",
            )


@_about_match("match.proposal_expiring", "reminders")
def match_proposal_expiring(message: OutboxMessage, match):
    if match.status != MatchStatus.PROPOSED:
        return
    body = f"{_proposal_between(match)} expires tomorrow unless both accept."
    yield _everyone_on(match), "A proposed match expires tomorrow", body


# --- sessions


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


def _about_session(topic: str, category: str, *, invite: bool = False):
    """A topic about a session: the handler yields (user, title, body); each notice links to the
    session, with the calendar invite attached when `invite`. A row meant for one person (someone
    who just joined a workshop) names them."""

    def register(notices: Callable[[OutboxMessage, object], Iterator[tuple]]):
        @handles(topic)
        def handler(message: OutboxMessage) -> None:
            mentoring_session = _session(message)
            if mentoring_session is None:
                return
            # Once per message: the invite lists every attendee, and a full workshop has hundreds.
            link = path_for("sessions.detail", session_id=mentoring_session.id)
            attached = _invite(mentoring_session) if invite else None
            for user, title, body in notices(message, mentoring_session):
                if message.payload.get("only_user_id") in (None, user.id):
                    deliver_notice(message, user, Notice(category, title, link, body, invite=attached))

        return handler

    return register


def _taking_part(mentoring_session) -> list[User]:
    return [place.user for place in mentoring_session.participants if place.active]


@_about_session("session.scheduled", "sessions", invite=True)
def session_scheduled(message: OutboxMessage, s):
    for user in _taking_part(s):
        yield user, "Session scheduled", f"{s.title}: {_when(s, user)}. The calendar invite is attached."


@_about_session("session.proposed", "sessions")
def session_proposed(message: OutboxMessage, s):
    for place in s.participants:
        if place.user_id != s.proposed_by:
            yield (
                place.user,
                "A session time is proposed",
                f"{s.title}: {_when(s, place.user)}. Accept it or suggest another time.",
            )


@_about_session("session.changed", "sessions", invite=True)
def session_changed(message: OutboxMessage, s):
    reason = message.payload.get("reason", "")
    for user in _taking_part(s):
        yield user, "Session moved", f"{s.title} now takes place {_when(s, user)}. Why: {reason}"


@_about_session("session.cancelled", "sessions", invite=True)
def session_cancelled(message: OutboxMessage, s):
    # Only those still taking part when it was cancelled: someone who left a workshop has moved on.
    still_in = set(message.payload.get("user_ids", ()))
    for place in s.participants:
        if place.user_id in still_in:
            yield (
                place.user,
                "Session cancelled",
                f"{s.title} on {_when(s, place.user)} is cancelled: {s.cancel_reason}",
            )


@_about_session("session.reminder", "reminders")
def session_reminder(message: OutboxMessage, s):
    if s.status != SessionStatus.SCHEDULED:
        return  # cancelled or moved since the reminder fell due
    soon = message.payload.get("kind") == "1h"
    title = "Reminder: your session starts within the hour" if soon else "Reminder: a session coming up"
    for user in _taking_part(s):
        yield user, title, f"{s.title}: {_when(s, user)}."


@_about_session("session.feedback_request", "reminders")
def session_feedback_request(message: OutboxMessage, s):
    scored = s.kind in (SessionKind.INTERVIEW, SessionKind.ROLE_PLAY)
    for user in _taking_part(s):
        rubric = "; score the rubric" if scored and s.host_id == user.id else ""
        yield user, "How did the session go?", f"Rate {s.title} and leave a note{rubric}. It takes a minute."


@_about_session("session.observation", "sessions")
def session_observation(message: OutboxMessage, s):
    yield (
        s.host,
        "A shadowing observation to comment on",
        f"Your mentee wrote up what they observed in {s.title}.",
    )


def _feedback_missing(mentoring_session) -> list:
    from pmcohort.mentoring.models import SessionFeedback

    given = set(
        db.session.scalars(select(SessionFeedback.author_id).where(SessionFeedback.session_id == mentoring_session.id))
    )
    return [place for place in mentoring_session.participants if place.active and place.user_id not in given]


@_about_session("session.feedback_chaser", "reminders")
def session_feedback_chaser(message: OutboxMessage, s):
    if s.status == SessionStatus.CANCELLED:
        return
    for place in _feedback_missing(s):
        yield (
            place.user,
            "Your feedback is still missing",
            f"{s.title} ended {_when(s, place.user)}. A rating and a line of notes help your "
            f"{'mentee' if place.user_id == s.host_id else 'mentor'} and the cohort lead.",
        )


def _session_leads(mentoring_session) -> list[User]:
    from pmcohort.cohorts.models import Cohort, Match

    cohort_id = mentoring_session.cohort_id
    if cohort_id is None and mentoring_session.match_id is not None:
        cohort_id = db.session.scalar(select(Match.cohort_id).where(Match.id == mentoring_session.match_id))
    cohort = db.session.get(Cohort, cohort_id) if cohort_id else None
    return [db.session.get(User, lead.user_id) for lead in cohort.leads] if cohort else []


@_about_session("session.feedback_overdue", "reminders")
def session_feedback_overdue(message: OutboxMessage, s):
    if s.status == SessionStatus.CANCELLED:
        return
    missing = _feedback_missing(s)
    if not missing:
        return
    names = ", ".join(place.user.name for place in missing)
    for lead in _session_leads(s):
        yield lead, "Feedback a week overdue", f"{names} still owe feedback on {s.title} ({_when(s, lead)})."


@_about_session("session.debrief_published", "sessions")
def session_debrief_published(message: OutboxMessage, s):
    engineer = db.session.get(User, message.payload["engineer_id"])
    if engineer is not None:
        yield (
            engineer,
            "Your debrief is ready",
            f"{s.host.name} published the debrief of {s.title}: "
            "scores with notes, what a strong answer shows, and your action items.",
        )


# --- digests and plans


@_about("digest.weekly", _user_in("lead_id"), _as_yielded)
def weekly_digest(message: OutboxMessage, lead: User):
    from pmcohort.notifications.digest import lead_digest

    digest = lead_digest(lead.id)
    yield (
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


@handles("plan.changed")
def plan_changed(message: OutboxMessage) -> None:
    """The mentor added or moved a milestone of the engineer's plan: tell the engineer, with the mentor's note."""
    payload = message.payload
    engineer, mentor = db.session.get(User, payload["engineer_id"]), db.session.get(User, payload["actor_id"])
    if engineer is None or mentor is None:
        return
    title = f"{mentor.name} {payload['change']} “{payload['title']}” in your plan"
    body = f"Due in week {payload['week']}. {mentor.first_name}'s note: {payload['note']}"
    deliver_notice(message, engineer, Notice("matches", title, path_for("plans.mine"), body))


# --- written work


def _document(message: OutboxMessage):
    from pmcohort.writing.models import Document

    return db.session.get(Document, message.payload["document_id"])


def _kind_title(document) -> str:
    from pmcohort.writing.services import find_kind

    kind = find_kind(document.kind_key)
    return kind.title.lower() if kind else "document"


def _claim_hours() -> int:
    return REVIEW_CLAIM_LASTS // timedelta(hours=1)


@_about("writing.review_requested", _document, _to("reviews"))
def writing_review_requested(message: OutboxMessage, document):
    from pmcohort.writing.reviewers import queue_mentors

    what = f"{document.author.name}'s {_kind_title(document)}: “{document.title}”."
    to_review = path_for("writing.review", document_id=document.id)
    reviewer_id = message.payload.get("reviewer_id")
    if reviewer_id:  # a blind second review a lead asked for
        reviewer = db.session.get(User, reviewer_id)
        if reviewer is not None:
            yield (
                reviewer,
                "A second review, asked for by your cohort lead",
                f"{what} Score it on its own: you see the first review once yours is in.",
                to_review,
            )
    elif document.reviewer_id:
        yield document.reviewer, "A document to review", what, to_review
    else:
        queue = path_for("writing.index")
        for mentor in queue_mentors(document):
            title = "A document in your cohort's review queue"
            yield mentor, title, f"{what} Claim it to review it within {_claim_hours()} hours.", queue


@_about("writing.review_done", _document, _to("reviews"))
def writing_review_done(message: OutboxMessage, document):
    from pmcohort.domain.statuses import ReviewDecision
    from pmcohort.writing.models import DocumentReview

    review = db.session.get(DocumentReview, message.payload["review_id"])
    if review is None:
        return
    approved = review.decision == ReviewDecision.APPROVED  # this review's, not whatever the document says by now
    yield (
        document.author,
        "Your document is approved" if approved else "Your mentor asked for changes",
        f"“{document.title}”: "
        + ("it can go into your portfolio." if approved else "read the comments, reply, and resubmit."),
        path_for("writing.document", document_id=document.id),
    )


@_about("writing.claim_lapsed", _document, _to("reviews"))
def writing_claim_lapsed(message: OutboxMessage, document):
    from pmcohort.writing.reviewers import queue_mentors

    queue = path_for("writing.index")
    lapsed = db.session.get(User, message.payload.get("mentor_id") or 0)
    if lapsed is not None:
        yield (
            lapsed,
            "Your review claim lapsed",
            f"“{document.title}” went back to the shared queue after {_claim_hours()} hours without a decision.",
            queue,
        )
    for mentor in queue_mentors(document, except_ids=[lapsed.id] if lapsed else []):
        again = f"{document.author.name}'s “{document.title}” is waiting for a reviewer again."
        yield mentor, "Back in your cohort's review queue", again, queue


def _still_awaiting(message: OutboxMessage, document) -> bool:
    """The round a chaser was planned for still waits: decided, withdrawn or resubmitted since, it does not."""
    latest = document.latest_version
    return (
        document.status in DOCUMENT_AWAITING_REVIEW
        and latest is not None
        and latest.number == message.payload["version"]
    )


def _waiting(document) -> str:
    return f"{document.author.name}'s {_kind_title(document)} “{document.title}” has waited {waited(document.submitted_at, utcnow())}"


@_about("writing.review_overdue", _document, _to("reviews"))
def writing_review_overdue(message: OutboxMessage, document):
    """The mentor who owes the review, or, while nobody has claimed it, its shared queue's mentors."""
    from pmcohort.writing.reviewers import queue_mentors

    if not _still_awaiting(message, document):
        return
    due = message.payload["kind"] == REVIEW_DUE
    within = f"Reviews are due within {REVIEW_DUE_WITHIN.days} days of the submission"
    ask_lead = "If you cannot get to it, tell your cohort lead so someone else can."
    if document.reviewer_id:
        if due:
            title = "Your review is due"
            body = f"{_waiting(document)} for your review, and it is due now. {document.author.first_name} is waiting on it."
        else:
            title = "Reminder: a document is waiting for your review"
            body = f"{_waiting(document)} for your review. {within}."
        yield document.reviewer, title, f"{body} {ask_lead}", path_for("writing.review", document_id=document.id)
        return
    body = f"{_waiting(document)} in the shared queue without a reviewer. {within}. Claim it to review it within {_claim_hours()} hours."
    queue = path_for("writing.index")
    for mentor in queue_mentors(document):
        yield mentor, "A document in your cohort's review queue is still waiting", body, queue


@_about("writing.review_overdue_lead", _document, _to("reviews"))
def writing_review_overdue_lead(message: OutboxMessage, document):
    from pmcohort.writing.reviewers import lead_ids_for

    if not _still_awaiting(message, document):
        return
    past_due = f"past the {REVIEW_DUE_WITHIN.days} days reviews are due within"
    if document.reviewer:
        body = (
            f"{_waiting(document)} for {document.reviewer.name}'s review, {past_due}. "
            f"You may want to check in with {document.reviewer.first_name}."
        )
    else:
        body = (
            f"{_waiting(document)} in the shared queue without a reviewer, {past_due}. "
            "You may want to ask the cohort's mentors to claim it."
        )
    link = path_for("writing.document", document_id=document.id)
    for lead in db.session.scalars(select(User).where(User.id.in_(lead_ids_for(document))).order_by(User.id)):
        yield lead, "A review has waited a week", body, link


# --- re-matches


def _rematch_proposal(message: OutboxMessage):
    from pmcohort.mentorships.models import RematchProposal

    return db.session.get(RematchProposal, message.payload["proposal_id"])


@_about("rematch.proposed", _rematch_proposal, _to("matches"))
def rematch_proposed(message: OutboxMessage, proposal):
    """The cohort's leads decide; outside a cohort, the engineer does."""
    skill = SKILLS[proposal.skill].lower()
    decide = path_for("matches.rematch_proposal", proposal_id=proposal.id)
    if proposal.cohort is None:
        yield (
            proposal.engineer,
            "Your largest gap moved",
            f"Mentors' scores make {skill} your largest gap. Choose a second mentor for it, a new mentor, or neither.",
            decide,
        )
        return
    for lead in proposal.cohort.leads:
        yield (
            db.session.get(User, lead.user_id),
            f"Largest gap moved for {proposal.engineer.name}",
            f"Now {skill}, where {proposal.mentor.name} rated themselves {proposal.mentor_strength} of 5. Approve a second mentor or a re-match.",
            decide,
        )


@_about("rematch.approved", _rematch_proposal, _to("matches"))
def rematch_approved(message: OutboxMessage, proposal):
    """The current mentor hears what changes for them: a second mentor beside them, or the end of the match."""
    if proposal.new_match_id is None:
        return
    skill = SKILLS[proposal.skill].lower()
    body = (
        f"{proposal.engineer.name} gets a second mentor for {skill}; your match goes on."
        if proposal.choice == RematchChoice.SECONDARY
        else f"Your match with {proposal.engineer.name} ends: {skill} became their largest gap, and a new mentor is proposed."
    )
    yield proposal.mentor, f"Mentoring change for {proposal.engineer.name}", body, path_for("matches.index")


# --- cohorts


COHORT_IMPORT_TASK = "pmcohort.cohorts.import_roster"


@handles("cohort.import")
def dispatch_cohort_import(message: OutboxMessage) -> None:
    # A large import takes a while: it runs as its own task, so this outbox row is done at once.
    current_app.extensions["celery"].send_task(COHORT_IMPORT_TASK, args=[message.payload["import_id"]], retry=False)


@handles("cohort.invitations")
def cohort_invitations(message: OutboxMessage) -> None:
    from types import SimpleNamespace

    from pmcohort.cohorts.models import CohortInvitation
    from pmcohort.cohorts.roster import invitation_token

    invitations = db.session.scalars(
        select(CohortInvitation).where(CohortInvitation.id.in_(message.payload["invitation_ids"]))
    ).all()
    for invitation in invitations:
        if invitation.used_at is not None or invitation.expires_at <= utcnow():
            continue  # used, or expired (a resent invitation expires the one it replaces) while waiting here
        # Most people invited have no account yet: the email goes to the address, as a security
        # email does (no preferences to consult, no inbox to fill).
        recipient = SimpleNamespace(
            id=None, email=invitation.email, first_name=(invitation.name.split() or ["there"])[0]
        )
        role = "an engineer" if invitation.role == MemberRole.ENGINEER else "a mentor"
        deliver_notice(
            message,
            recipient,
            Notice(
                SECURITY_CATEGORY,
                f"Invitation to join {invitation.cohort.name} on PM Cohort",
                path_for("cohorts.invitation", token=invitation_token(invitation.id)),
                f"You are invited to join the cohort {invitation.cohort.name} as {role}. "
                f"The link works once and expires on {invitation.expires_at:%d %b %Y}. "
                "Sign up, or sign in if you already have an account, and you land in the cohort.",
                action_label="Accept the invitation",
                in_app=False,
            ),
        )


def _cohort(message: OutboxMessage):
    from pmcohort.cohorts.models import Cohort

    return db.session.get(Cohort, message.payload["cohort_id"])


@_about("cohort.enrolled", _cohort, _to("announcements"))
def cohort_enrolled(message: OutboxMessage, cohort):
    body = f"A cohort lead enrolled you in {cohort.name}, starting {cohort.start_date:%d %b %Y}."
    dashboard = path_for("main.dashboard")
    for user in db.session.scalars(select(User).where(User.id.in_(message.payload["user_ids"]))):
        yield user, f"You are enrolled in {cohort.name}", body, dashboard


@_about("cohort.nudge", _cohort, _to("reminders"))
def cohort_nudge(message: OutboxMessage, cohort):
    user = _user_in("user_id")(message)
    if user is None:
        return
    lead = db.session.get(User, message.payload["lead_id"])
    sender = lead.name if lead else "Your cohort lead"
    yield user, f"A note from {sender} ({cohort.name})", message.payload["text"], path_for("main.dashboard")


def _announcement(message: OutboxMessage):
    from pmcohort.cohorts.models import Announcement

    return db.session.get(Announcement, message.payload["announcement_id"])


@_about("cohort.announcement", _announcement, _to("announcements"))
def cohort_announcement(message: OutboxMessage, announcement):
    from pmcohort.cohorts.models import CohortMember

    recipients = db.session.scalars(
        select(User)
        .where(User.id.in_(select(CohortMember.user_id).where(CohortMember.cohort_id == announcement.cohort_id)))
        .where(User.active.is_(True))
        .order_by(User.id)
    )
    inbox = path_for("main.inbox")
    for user in recipients:
        yield user, announcement.title, announcement.body, inbox
