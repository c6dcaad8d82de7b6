"""The weekly digest a cohort lead gets on Monday morning: what is overdue, who is at risk,
and this week's sessions, across the cohorts they lead."""

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select

from pmcohort.accounts.models import User
from pmcohort.cohorts.models import CohortLead, Match
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain.reminders import FEEDBACK_LEAD_AFTER, PROPOSAL_NUDGE_AFTER
from pmcohort.domain.statuses import MATCH_OPEN, MatchStatus, SessionStatus
from pmcohort.mentoring.models import MentoringSession, SessionFeedback

QUIET_AFTER = timedelta(days=14)  # an active pair with no session for this long is at risk
LOOK_BACK = timedelta(days=30)


@dataclass(frozen=True)
class Digest:
    overdue: list[str]
    at_risk: list[str]
    this_week: list[str]

    @property
    def summary(self) -> str:
        return (
            f"{len(self.overdue)} overdue, {len(self.at_risk)} at risk, "
            f"{len(self.this_week)} session{'' if len(self.this_week) == 1 else 's'} this week."
        )


def lead_digest(lead_id: int) -> Digest:
    lead = db.session.get(User, lead_id)
    zone = ZoneInfo(lead.time_zone)
    now = utcnow()
    cohort_ids = select(CohortLead.cohort_id).where(CohortLead.user_id == lead_id)
    matches = db.session.scalars(
        select(Match).where(Match.cohort_id.in_(cohort_ids), Match.status.in_(MATCH_OPEN))
    ).all()
    match_ids = [match.id for match in matches]
    sessions = db.session.scalars(
        select(MentoringSession)
        .where(
            or_(MentoringSession.cohort_id.in_(cohort_ids), MentoringSession.match_id.in_(match_ids)),
            MentoringSession.status.in_((SessionStatus.SCHEDULED, SessionStatus.COMPLETED)),
            MentoringSession.start_at >= now - LOOK_BACK,
            MentoringSession.start_at < now + timedelta(days=7),
        )
        .order_by(MentoringSession.start_at)
    ).all()
    given = {
        (session_id, author_id)
        for session_id, author_id in db.session.execute(
            select(SessionFeedback.session_id, SessionFeedback.author_id).where(
                SessionFeedback.session_id.in_([s.id for s in sessions])
            )
        )
    }

    def when(moment) -> str:
        return moment.astimezone(zone).strftime("%a %d %b, %H:%M")

    overdue = []
    for session in sessions:
        if session.end_at <= now - FEEDBACK_LEAD_AFTER:
            missing = [
                place.user.name
                for place in session.participants
                if place.active and (session.id, place.user_id) not in given
            ]
            if missing:
                overdue.append(f"Feedback on {session.title} ({when(session.start_at)}) from {', '.join(missing)}")
    for match in matches:
        if match.status == MatchStatus.PROPOSED and match.created_at <= now - PROPOSAL_NUDGE_AFTER:
            overdue.append(
                f"Unanswered match: {match.engineer.name} and {match.mentor.name}, proposed {when(match.created_at)}"
            )
    met = {session.match_id for session in sessions if session.start_at >= now - QUIET_AFTER}
    at_risk = [
        f"{match.engineer.name} and {match.mentor.name}: no session in the last two weeks or booked"
        for match in matches
        if match.status == MatchStatus.ACTIVE and match.id not in met
    ]
    this_week = [
        f"{when(session.start_at)}: {session.title} ({', '.join(place.user.name for place in session.participants if place.active)})"
        for session in sessions
        if session.start_at >= now
    ]
    return Digest(overdue, at_risk, this_week)
