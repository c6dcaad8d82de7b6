"""The cohort dashboard's reads: a fixed number of SQL statements whatever the cohort's size.

Each section is one query function. `people` returns one row per member with everything the
readiness, coverage and at-risk sections need; `session_totals` is one row of counts. With the
signed-in user and the cohort, the page runs four statements (the query-count test holds it to
five). Sections still to come (written-work reviews, plan milestones, debriefs) belong here as
one function each: per-person facts (overdue milestones, overdue reviews) as more columns of
`people`, cohort-wide counts as more scalar columns of `session_totals`'s statement, so the page
stays within five.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, distinct, func, or_, select

from pmcohort.accounts.models import User
from pmcohort.cohorts.models import CohortMember, Match
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain import vocabulary
from pmcohort.domain.cohort_health import (
    AtRisk,
    Band,
    MemberFacts,
    SkillCoverage,
    coverage_headline,
    gaps_against_coverage,
    people_at_risk,
    readiness_distribution,
)
from pmcohort.domain.cohort_lifecycle import CohortFacts, next_steps
from pmcohort.domain.limits import PROPOSAL_UNANSWERED_RISK_AFTER
from pmcohort.domain.statuses import Attendance, MatchStatus, MemberRole, ParticipantRole, SessionStatus
from pmcohort.mentoring.models import MentoringSession, SessionParticipant
from pmcohort.profiles.models import AssessmentAttempt, MentorStrength


def _latest_attempt(column, user_id, before=None):
    query = select(column).where(AssessmentAttempt.user_id == user_id)
    if before is not None:
        query = query.where(AssessmentAttempt.completed_at <= before)
    return query.order_by(AssessmentAttempt.completed_at.desc(), AssessmentAttempt.id.desc()).limit(1)


def _first_attempt(column, user_id):
    return (
        select(column)
        .where(AssessmentAttempt.user_id == user_id)
        .order_by(AssessmentAttempt.completed_at, AssessmentAttempt.id)
        .limit(1)
    )


def people(cohort_id: int, now: datetime | None = None) -> list[MemberFacts]:
    """Every member with their readiness now and at enrollment, skills or strengths, mentor,
    proposals and last session: one statement of correlated subqueries (indexed by user)."""
    now = now or utcnow()
    member_id = CohortMember.user_id
    stale = now - PROPOSAL_UNANSWERED_RISK_AFTER
    strengths = {
        skill: select(MentorStrength.level)
        .where(MentorStrength.mentor_id == member_id, MentorStrength.skill == skill)
        .scalar_subquery()
        .label(f"strength_{skill}")
        for skill in vocabulary.SKILLS
    }
    query = (
        select(
            CohortMember.user_id,
            User.name,
            CohortMember.role,
            CohortMember.enrolled_at,
            _latest_attempt(AssessmentAttempt.readiness, member_id).scalar_subquery().label("readiness_now"),
            _latest_attempt(AssessmentAttempt.skill_scores, member_id).scalar_subquery().label("skill_scores"),
            func.coalesce(
                _latest_attempt(AssessmentAttempt.readiness, member_id, CohortMember.enrolled_at).scalar_subquery(),
                _first_attempt(AssessmentAttempt.readiness, member_id).scalar_subquery(),
            ).label("readiness_at_enrollment"),
            select(func.count())
            .select_from(Match)
            .where(Match.engineer_id == member_id, Match.status == MatchStatus.ACTIVE)
            .scalar_subquery()
            .label("active_matches"),
            select(func.count())
            .select_from(Match)
            .where(Match.engineer_id == member_id, Match.status == MatchStatus.PROPOSED)
            .scalar_subquery()
            .label("proposals"),
            select(func.min(Match.created_at))
            .where(
                Match.status == MatchStatus.PROPOSED,
                or_(
                    and_(Match.engineer_id == member_id, Match.engineer_accepted_at.is_(None)),
                    and_(Match.mentor_id == member_id, Match.mentor_accepted_at.is_(None)),
                ),
            )
            .scalar_subquery()
            .label("waiting_since"),
            select(func.count())
            .select_from(Match)
            .where(
                Match.mentor_id == member_id,
                Match.status == MatchStatus.PROPOSED,
                Match.mentor_accepted_at.is_(None),
                Match.created_at <= stale,
            )
            .scalar_subquery()
            .label("stale_proposals"),
            select(func.max(MentoringSession.end_at))
            .join(SessionParticipant, SessionParticipant.session_id == MentoringSession.id)
            .where(
                SessionParticipant.user_id == member_id,
                SessionParticipant.active.is_(True),
                MentoringSession.status != SessionStatus.CANCELLED,
                MentoringSession.end_at <= now,
            )
            .scalar_subquery()
            .label("last_session_at"),
            *strengths.values(),
        )
        .join(User, User.id == CohortMember.user_id)
        .where(CohortMember.cohort_id == cohort_id)
        .order_by(User.name, User.id)
    )
    facts = []
    for row in db.session.execute(query):
        is_engineer = row.role == MemberRole.ENGINEER
        facts.append(
            MemberFacts(
                user_id=row.user_id,
                name=row.name,
                role=row.role,
                readiness_now=row.readiness_now if is_engineer else None,
                readiness_at_enrollment=row.readiness_at_enrollment if is_engineer else None,
                skill_scores=(row.skill_scores or {}) if is_engineer else {},
                strengths={}
                if is_engineer
                else {skill: level for skill in vocabulary.SKILLS if (level := getattr(row, f"strength_{skill}"))},
                has_mentor=is_engineer and row.active_matches > 0,
                has_proposal=is_engineer and row.proposals > 0,
                last_session_at=row.last_session_at,
                enrolled_at=row.enrolled_at,
                proposal_waiting_since=row.waiting_since if is_engineer else None,
                unanswered_proposals=0 if is_engineer else row.stale_proposals,
            )
        )
    return facts


@dataclass(frozen=True)
class SessionTotals:
    held: int  # ended, not cancelled
    upcoming: int  # scheduled or proposed, not started yet
    cancelled: int
    cancelled_late: int
    places_attended: int  # engineers' and guests' places in held sessions
    places_no_show: int
    places_unrecorded: int

    @property
    def planned(self) -> int:
        """Every session that was not cancelled: held ones and those still to come."""
        return self.held + self.upcoming

    @property
    def attendance_rate(self) -> int | None:
        recorded = self.places_attended + self.places_no_show
        return round(100 * self.places_attended / recorded) if recorded else None


def session_totals(cohort_id: int, now: datetime | None = None) -> SessionTotals:
    """The cohort's sessions: its workshops and the sessions of its matches, counted in one statement."""
    now = now or utcnow()
    session = MentoringSession
    place = SessionParticipant
    not_cancelled = session.status != SessionStatus.CANCELLED
    held = and_(not_cancelled, session.end_at <= now)
    guest_in_held = and_(held, place.role == ParticipantRole.PARTICIPANT, place.active.is_(True))

    def sessions_where(condition):
        return func.count(distinct(case((condition, session.id))))

    def places_where(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = db.session.execute(
        select(
            sessions_where(held).label("held"),
            sessions_where(and_(not_cancelled, session.end_at > now)).label("upcoming"),
            sessions_where(session.status == SessionStatus.CANCELLED).label("cancelled"),
            sessions_where(session.cancelled_late.is_(True)).label("cancelled_late"),
            places_where(and_(guest_in_held, place.attendance == Attendance.ATTENDED)).label("attended"),
            places_where(and_(guest_in_held, place.attendance == Attendance.NO_SHOW)).label("no_show"),
            places_where(and_(guest_in_held, place.attendance.is_(None))).label("unrecorded"),
        )
        .select_from(session)
        .outerjoin(place, place.session_id == session.id)
        .where(
            or_(
                session.cohort_id == cohort_id,
                session.match_id.in_(select(Match.id).where(Match.cohort_id == cohort_id)),
            )
        )
    ).one()
    return SessionTotals(
        row.held,
        row.upcoming,
        row.cancelled,
        row.cancelled_late,
        row.attended,
        row.no_show,
        row.unrecorded,
    )


AT_RISK_SHOWN = 100  # the page lists this many people at risk, most reasons first; the count says how many more


@dataclass(frozen=True)
class Dashboard:
    people: list[MemberFacts]
    engineers: int
    mentors: int
    readiness: list[Band]
    coverage: list[SkillCoverage]
    headline: str | None
    sessions: SessionTotals
    at_risk: list[AtRisk]
    at_risk_total: int
    steps: list  # (Step, blocked reason or None)


def build(cohort, now: datetime | None = None) -> Dashboard:
    """Everything the console and the printable report show: two statements."""
    now = now or utcnow()
    members = people(cohort.id, now)
    engineers = [member for member in members if member.role == MemberRole.ENGINEER]
    coverage = gaps_against_coverage(members)
    risks = people_at_risk(members, now)
    facts = CohortFacts(
        cohort.status,
        len(engineers),
        len(members) - len(engineers),
        sum(1 for member in engineers if member.has_mentor or member.has_proposal),
    )
    return Dashboard(
        people=members,
        engineers=len(engineers),
        mentors=len(members) - len(engineers),
        readiness=readiness_distribution(members),
        coverage=coverage,
        headline=coverage_headline(coverage),
        sessions=session_totals(cohort.id, now),
        at_risk=risks[:AT_RISK_SHOWN],
        at_risk_total=len(risks),
        steps=next_steps(facts),
    )
