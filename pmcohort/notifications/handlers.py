"""What each outbox topic does: in-app inbox items and emails, each once per recipient."""

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pmcohort.accounts.models import User
from pmcohort.core.email import Invite
from pmcohort.core.extensions import db
from pmcohort.core.tokens import password_reset_token
from pmcohort.core.types import utcnow
from pmcohort.domain.limits import PROPOSAL_EXPIRES_AFTER
from pmcohort.domain.statuses import MATCH_OPEN, MatchStatus, MemberRole, RematchChoice, SessionKind, SessionStatus
from pmcohort.domain.times import format_local_span
from pmcohort.domain.vocabulary import SKILLS
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


def _tell_about_match(message: OutboxMessage, match, users, category: str, title: str, body: str) -> None:
    """The two sides land on the match while it is open, on their matches (to find another) once it
    is closed; the cohort's leads land on the cohort's board."""
    for user in users:
        if user.id not in (match.engineer_id, match.mentor_id):
            _notify(message, user, category, title, body, "cohorts.board", cohort_id=match.cohort_id)
        elif match.status in MATCH_OPEN:
            _notify(message, user, category, title, body, "matches.detail", match_id=match.id)
        else:
            _notify(message, user, category, title, body, "matches.index")


ANSWER_WITHIN = f"accept or decline within {PROPOSAL_EXPIRES_AFTER.days} days"


@handles("match.proposed")
def match_proposed(message: OutboxMessage) -> None:
    match = _match(message)
    if match is None:
        return
    for user, other, role in ((match.engineer, match.mentor, "mentor"), (match.mentor, match.engineer, "mentee")):
        _tell_about_match(
            message,
            match,
            [user],
            "matches",
            f"A {role} match is proposed",
            f"{other.name} is proposed as your {role}. See why, then {ANSWER_WITHIN}.",
        )


@handles("match.requested")
def match_requested(message: OutboxMessage) -> None:
    match = _match(message)
    if match is not None:
        _tell_about_match(
            message,
            match,
            [match.mentor],
            "matches",
            f"{match.engineer.name} asks you to mentor them",
            f"They chose you from their best-fitting mentors. {ANSWER_WITHIN.capitalize()}.",
        )


@handles("match.accepted")
def match_accepted(message: OutboxMessage) -> None:
    match = _match(message)
    if match is None:
        return
    for user, other in ((match.engineer, match.mentor), (match.mentor, match.engineer)):
        _tell_about_match(
            message,
            match,
            [user],
            "matches",
            "Your match is active",
            f"You and {other.name} both accepted. Time to book your first session.",
        )


@handles("match.declined")
def match_declined(message: OutboxMessage) -> None:
    match = _match(message)
    if match is None:
        return
    decliner = match.engineer if match.closed_by == match.engineer_id else match.mentor
    other = match.mentor if decliner is match.engineer else match.engineer
    title = "A proposed match was declined"
    _tell_about_match(
        message, match, [other], "matches", title, f"{decliner.name} declined the match. We will find you another."
    )
    _tell_about_match(
        message,
        match,
        _leads_of(match),
        "matches",
        title,
        f"{decliner.name} declined the match between {match.engineer.name} and {match.mentor.name}: {match.close_reason}",
    )


@handles("match.withdrawn")
def match_withdrawn(message: OutboxMessage) -> None:
    match = _match(message)
    if match is not None:
        _tell_about_match(
            message,
            match,
            [match.mentor],
            "matches",
            "A request was withdrawn",
            f"{match.engineer.name} started a match with another mentor, so their request to you is withdrawn.",
        )


@handles("match.expired")
def match_expired(message: OutboxMessage) -> None:
    match = _match(message)
    if match is None:
        return
    body = f"The proposed match between {match.engineer.name} and {match.mentor.name} was not answered within {PROPOSAL_EXPIRES_AFTER.days} days and has expired."
    _tell_about_match(
        message, match, (match.engineer, match.mentor, *_leads_of(match)), "matches", "A proposed match expired", body
    )


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


def _tell_about_session(
    message: OutboxMessage, mentoring_session, user: User, category: str, title: str, body: str, invite=None
) -> None:
    _notify(message, user, category, title, body, "sessions.detail", invite=invite, session_id=mentoring_session.id)


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
        _tell_about_session(
            message, mentoring_session, place.user, category, title, body_for(mentoring_session, place.user), invite
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
            _tell_about_session(
                message,
                mentoring_session,
                place.user,
                "sessions",
                "A session time is proposed",
                f"{mentoring_session.title}: {_when(mentoring_session, place.user)}. Accept it or suggest another time.",
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
        _tell_about_session(
            message,
            mentoring_session,
            mentoring_session.host,
            "sessions",
            "A shadowing observation to comment on",
            f"Your mentee wrote up what they observed in {mentoring_session.title}.",
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
        _tell_about_session(
            message,
            mentoring_session,
            place.user,
            "reminders",
            "Your feedback is still missing",
            f"{mentoring_session.title} ended {_when(mentoring_session, place.user)}. A rating and a line of notes help your "
            f"{'mentee' if place.user_id == mentoring_session.host_id else 'mentor'} and the cohort lead.",
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
        _tell_about_session(
            message,
            mentoring_session,
            lead,
            "reminders",
            "Feedback a week overdue",
            f"{names} still owe feedback on {mentoring_session.title} ({_when(mentoring_session, lead)}).",
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
            _tell_about_match(
                message,
                match,
                [user],
                "reminders",
                "A match is waiting for your answer",
                f"The proposed match with {other.name} is waiting for you. Accept or decline: it expires "
                f"{PROPOSAL_EXPIRES_AFTER.days} days after it was proposed.",
            )


@handles("match.proposal_expiring")
def match_proposal_expiring(message: OutboxMessage) -> None:
    match = _match(message)
    if match is None or match.status != MatchStatus.PROPOSED:
        return
    body = (
        f"The proposed match between {match.engineer.name} and {match.mentor.name} expires tomorrow unless both accept."
    )
    _tell_about_match(
        message,
        match,
        (match.engineer, match.mentor, *_leads_of(match)),
        "reminders",
        "A proposed match expires tomorrow",
        body,
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


@handles("plan.changed")
def plan_changed(message: OutboxMessage) -> None:
    """The mentor added or moved a milestone of the engineer's plan: tell the engineer, with the mentor's note."""
    engineer, mentor = (
        db.session.get(User, message.payload["engineer_id"]),
        db.session.get(User, message.payload["actor_id"]),
    )
    if engineer is None or mentor is None:
        return
    _notify(
        message,
        engineer,
        "matches",
        f"{mentor.name} {message.payload['change']} “{message.payload['title']}” in your plan",
        f"Due in week {message.payload['week']}. {mentor.first_name}'s note: {message.payload['note']}",
        "plans.mine",
    )


@handles("session.debrief_published")
def session_debrief_published(message: OutboxMessage) -> None:
    mentoring_session = _session(message)
    engineer = db.session.get(User, message.payload["engineer_id"]) if mentoring_session is not None else None
    if engineer is not None:
        _notify(
            message,
            engineer,
            "sessions",
            "Your debrief is ready",
            f"{mentoring_session.host.name} published the debrief of {mentoring_session.title}: "
            "scores with notes, what a strong answer shows, and your action items.",
            "sessions.detail",
            session_id=mentoring_session.id,
        )


# --- written work


def _document(message: OutboxMessage):
    from pmcohort.writing.models import Document

    return db.session.get(Document, message.payload["document_id"])


def _queue_mentors(document, *, except_ids=()) -> list[User]:
    from pmcohort.cohorts.models import CohortMember
    from pmcohort.domain.statuses import MemberRole

    if document.queue_cohort_id is None:
        return []
    return list(
        db.session.scalars(
            select(User)
            .join(CohortMember, CohortMember.user_id == User.id)
            .where(
                CohortMember.cohort_id == document.queue_cohort_id,
                CohortMember.role == MemberRole.MENTOR,
                User.id.not_in([document.author_id, *except_ids]),
            )
        )
    )


def _kind_title(document) -> str:
    from pmcohort.writing.services import find_kind

    kind = find_kind(document.kind_key)
    return kind.title.lower() if kind else "document"


@handles("writing.review_requested")
def writing_review_requested(message: OutboxMessage) -> None:
    document = _document(message)
    if document is None:
        return
    what = f"{document.author.name}'s {_kind_title(document)}: “{document.title}”."
    reviewer_id = message.payload.get("reviewer_id")
    if reviewer_id:  # a blind second review a lead asked for
        reviewer = db.session.get(User, reviewer_id)
        if reviewer is not None:
            _notify(
                message,
                reviewer,
                "reviews",
                "A second review, asked for by your cohort lead",
                f"{what} Score it on its own: you see the first review once yours is in.",
                "writing.review",
                document_id=document.id,
            )
        return
    if document.reviewer_id:
        _notify(
            message,
            document.reviewer,
            "reviews",
            "A document to review",
            what,
            "writing.review",
            document_id=document.id,
        )
        return
    for mentor in _queue_mentors(document):
        _notify(
            message,
            mentor,
            "reviews",
            "A document in your cohort's review queue",
            f"{what} Claim it to review it within 48 hours.",
            "writing.index",
        )


@handles("writing.review_done")
def writing_review_done(message: OutboxMessage) -> None:
    from pmcohort.domain.statuses import ReviewDecision
    from pmcohort.writing.models import DocumentReview

    document = _document(message)
    review = db.session.get(DocumentReview, message.payload["review_id"])
    if document is None or review is None:
        return
    approved = review.decision == ReviewDecision.APPROVED  # this review's, not whatever the document says by now
    _notify(
        message,
        document.author,
        "reviews",
        "Your document is approved" if approved else "Your mentor asked for changes",
        f"“{document.title}”: "
        + ("it can go into your portfolio." if approved else "read the comments, reply, and resubmit."),
        "writing.document",
        document_id=document.id,
    )


@handles("writing.claim_lapsed")
def writing_claim_lapsed(message: OutboxMessage) -> None:
    document = _document(message)
    if document is None:
        return
    lapsed = db.session.get(User, message.payload.get("mentor_id") or 0)
    if lapsed is not None:
        _notify(
            message,
            lapsed,
            "reviews",
            "Your review claim lapsed",
            f"“{document.title}” went back to the shared queue after 48 hours without a decision.",
            "writing.index",
        )
    for mentor in _queue_mentors(document, except_ids=[lapsed.id] if lapsed else []):
        _notify(
            message,
            mentor,
            "reviews",
            "Back in your cohort's review queue",
            f"{document.author.name}'s “{document.title}” is waiting for a reviewer again.",
            "writing.index",
        )


def _rematch_proposal(message: OutboxMessage):
    from pmcohort.mentorships.models import RematchProposal

    return db.session.get(RematchProposal, message.payload["proposal_id"])


@handles("rematch.proposed")
def rematch_proposed(message: OutboxMessage) -> None:
    """The cohort's leads decide; outside a cohort, the engineer does."""
    proposal = _rematch_proposal(message)
    if proposal is None:
        return
    skill = SKILLS[proposal.skill].lower()
    if proposal.cohort is None:
        _notify(
            message,
            proposal.engineer,
            "matches",
            "Your largest gap moved",
            f"Mentors' scores make {skill} your largest gap. Choose a second mentor for it, a new mentor, or neither.",
            "matches.rematch_proposal",
            proposal_id=proposal.id,
        )
        return
    for lead in proposal.cohort.leads:
        _notify(
            message,
            db.session.get(User, lead.user_id),
            "matches",
            f"Largest gap moved for {proposal.engineer.name}",
            f"Now {skill}, where {proposal.mentor.name} rated themselves {proposal.mentor_strength} of 5. Approve a second mentor or a re-match.",
            "matches.rematch_proposal",
            proposal_id=proposal.id,
        )


@handles("rematch.approved")
def rematch_approved(message: OutboxMessage) -> None:
    """The current mentor hears what changes for them: a second mentor beside them, or the end of the match."""
    proposal = _rematch_proposal(message)
    if proposal is None or proposal.new_match_id is None:
        return
    skill = SKILLS[proposal.skill].lower()
    body = (
        f"{proposal.engineer.name} gets a second mentor for {skill}; your match goes on."
        if proposal.choice == RematchChoice.SECONDARY
        else f"Your match with {proposal.engineer.name} ends: {skill} became their largest gap, and a new mentor is proposed."
    )
    _notify(
        message, proposal.mentor, "matches", f"Mentoring change for {proposal.engineer.name}", body, "matches.index"
    )


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


@handles("cohort.enrolled")
def cohort_enrolled(message: OutboxMessage) -> None:
    from pmcohort.cohorts.models import Cohort

    cohort = db.session.get(Cohort, message.payload["cohort_id"])
    if cohort is None:
        return
    for user in db.session.scalars(select(User).where(User.id.in_(message.payload["user_ids"]))):
        _notify(
            message,
            user,
            "announcements",
            f"You are enrolled in {cohort.name}",
            f"A cohort lead enrolled you in {cohort.name}, starting {cohort.start_date:%d %b %Y}.",
            "main.dashboard",
        )


@handles("cohort.nudge")
def cohort_nudge(message: OutboxMessage) -> None:
    from pmcohort.cohorts.models import Cohort

    user = db.session.get(User, message.payload["user_id"])
    cohort = db.session.get(Cohort, message.payload["cohort_id"])
    lead = db.session.get(User, message.payload["lead_id"])
    if user is None or cohort is None or not user.active:
        return
    sender = lead.name if lead else "Your cohort lead"
    _notify(
        message, user, "reminders", f"A note from {sender} ({cohort.name})", message.payload["text"], "main.dashboard"
    )


@handles("cohort.announcement")
def cohort_announcement(message: OutboxMessage) -> None:
    from pmcohort.cohorts.models import Announcement, CohortMember

    announcement = db.session.get(Announcement, message.payload["announcement_id"])
    if announcement is None:
        return
    recipients = db.session.scalars(
        select(User)
        .where(User.id.in_(select(CohortMember.user_id).where(CohortMember.cohort_id == announcement.cohort_id)))
        .where(User.active.is_(True))
        .order_by(User.id)
    )
    for user in recipients:
        _notify(message, user, "announcements", announcement.title, announcement.body, "main.inbox")
