"""The cohort dashboard's reads: a fixed number of SQL statements whatever the cohort's size.

Each section is one query function. `people` returns one row per member with everything the
readiness, coverage and at-risk sections need; `session_totals` is one row of counts;
`program_rows` one row per plan milestone, decided review, waiting submission, unpublished
debrief and entry of a mentor's reliability record, which `domain.cohort_health.program_figures`
adds up (and tells who is behind, and which mentors' reliability is low). With the
signed-in user and the cohort, the page runs five statements whatever the cohort's size.
"""

import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from functools import cache

import redis
from flask import current_app
from markupsafe import Markup
from sqlalchemy import (
    Date,
    Integer,
    and_,
    case,
    cast,
    distinct,
    func,
    literal,
    null,
    or_,
    select,
    type_coerce,
    union_all,
)

from pmcohort.accounts.models import User
from pmcohort.cohorts.models import CohortMember, Match
from pmcohort.core.extensions import db
from pmcohort.core.types import UTCDateTime, utcnow
from pmcohort.domain import reliability as reliability_rules
from pmcohort.domain import vocabulary
from pmcohort.domain.cohort_health import (
    DEBRIEF_DUE,
    MILESTONE_DONE,
    MILESTONE_OPEN,
    TURNAROUND,
    WAITING,
    AtRisk,
    Band,
    MemberFacts,
    PhaseProgress,
    ProgramFigures,
    ProgramRow,
    SkillCoverage,
    coverage_headline,
    gaps_against_coverage,
    people_at_risk,
    program_figures,
    readiness_distribution,
)
from pmcohort.domain.cohort_lifecycle import CohortFacts, Step, next_steps
from pmcohort.domain.limits import PROPOSAL_UNANSWERED_RISK_AFTER
from pmcohort.domain.statuses import (
    DEBRIEF_SESSION_KINDS,
    DOCUMENT_AWAITING_REVIEW,
    Attendance,
    CohortStatus,
    DebriefStatus,
    MatchStatus,
    MemberRole,
    ParticipantRole,
    ReviewRole,
    SessionStatus,
)
from pmcohort.mentoring.models import MentoringSession, SessionDebrief, SessionParticipant
from pmcohort.mentorships import reliability
from pmcohort.plans.models import Plan, PlanMilestone
from pmcohort.profiles.models import AssessmentAttempt, MentorStrength
from pmcohort.writing.models import Document, DocumentReview

log = logging.getLogger(__name__)


def people(cohort_id: int, now: datetime | None = None) -> list[MemberFacts]:
    """Every member with their readiness now and at enrollment, skills or strengths, mentor,
    proposals and last session: one statement. Each fact comes from one grouped pass over its
    table, limited to the cohort's members, so the cost grows with the rows, not rows × members."""
    now = now or utcnow()
    members = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)
    attempt = AssessmentAttempt
    before_enrolling = attempt.completed_at <= CohortMember.enrolled_at
    ranked = (
        select(
            attempt.user_id,
            attempt.readiness,
            attempt.skill_scores,
            func.row_number()
            .over(partition_by=attempt.user_id, order_by=(attempt.completed_at.desc(), attempt.id.desc()))
            .label("newest_first"),
            # At enrollment: the newest attempt before it, else the first one after.
            func.row_number()
            .over(
                partition_by=attempt.user_id,
                order_by=(
                    case((before_enrolling, 0), else_=1),
                    case((before_enrolling, attempt.completed_at)).desc(),
                    attempt.completed_at,
                    attempt.id,
                ),
            )
            .label("enrollment_pick"),
        )
        .join(CohortMember, CohortMember.user_id == attempt.user_id)
        .where(CohortMember.cohort_id == cohort_id, CohortMember.role == MemberRole.ENGINEER)
        .cte("ranked_attempts")
    )
    latest = select(ranked.c.user_id, ranked.c.readiness, ranked.c.skill_scores).where(ranked.c.newest_first == 1)
    latest = latest.subquery("latest")
    enrolled = select(ranked.c.user_id, ranked.c.readiness).where(ranked.c.enrollment_pick == 1).subquery("enrolled")
    as_engineer = (
        select(
            Match.engineer_id.label("user_id"),
            func.sum(case((Match.status == MatchStatus.ACTIVE, 1), else_=0)).label("active"),
            func.sum(case((Match.status == MatchStatus.PROPOSED, 1), else_=0)).label("proposed"),
            type_coerce(
                func.min(
                    case(
                        (
                            and_(Match.status == MatchStatus.PROPOSED, Match.engineer_accepted_at.is_(None)),
                            Match.created_at,
                        )
                    )
                ),
                UTCDateTime,
            ).label("waiting_since"),
        )
        .where(Match.engineer_id.in_(members), Match.status.in_((MatchStatus.ACTIVE, MatchStatus.PROPOSED)))
        .group_by(Match.engineer_id)
        .subquery("as_engineer")
    )
    as_mentor = (
        select(Match.mentor_id.label("user_id"), func.count().label("stale"))
        .where(
            Match.mentor_id.in_(members),
            Match.status == MatchStatus.PROPOSED,
            Match.mentor_accepted_at.is_(None),
            Match.created_at <= now - PROPOSAL_UNANSWERED_RISK_AFTER,
        )
        .group_by(Match.mentor_id)
        .subquery("as_mentor")
    )
    last_session = (
        select(
            SessionParticipant.user_id,
            type_coerce(func.max(MentoringSession.end_at), UTCDateTime).label("at"),
        )
        .join(MentoringSession, MentoringSession.id == SessionParticipant.session_id)
        .where(
            SessionParticipant.user_id.in_(members),
            SessionParticipant.active.is_(True),
            MentoringSession.status != SessionStatus.CANCELLED,
            MentoringSession.end_at <= now,
        )
        .group_by(SessionParticipant.user_id)
        .subquery("last_session")
    )
    strengths = (
        select(
            MentorStrength.mentor_id.label("user_id"),
            *(
                func.max(case((MentorStrength.skill == skill, MentorStrength.level))).label(skill)
                for skill in vocabulary.SKILLS
            ),
        )
        .where(MentorStrength.mentor_id.in_(members))
        .group_by(MentorStrength.mentor_id)
        .subquery("strengths")
    )
    query = (
        select(
            CohortMember.user_id,
            User.name,
            CohortMember.role,
            CohortMember.enrolled_at,
            latest.c.readiness.label("readiness_now"),
            latest.c.skill_scores,
            enrolled.c.readiness.label("readiness_at_enrollment"),
            as_engineer.c.active,
            as_engineer.c.proposed,
            as_engineer.c.waiting_since,
            as_mentor.c.stale,
            last_session.c.at.label("last_session_at"),
            *(strengths.c[skill].label(f"strength_{skill}") for skill in vocabulary.SKILLS),
        )
        .join(User, User.id == CohortMember.user_id)
        .outerjoin(latest, latest.c.user_id == CohortMember.user_id)
        .outerjoin(enrolled, enrolled.c.user_id == CohortMember.user_id)
        .outerjoin(as_engineer, as_engineer.c.user_id == CohortMember.user_id)
        .outerjoin(as_mentor, as_mentor.c.user_id == CohortMember.user_id)
        .outerjoin(last_session, last_session.c.user_id == CohortMember.user_id)
        .outerjoin(strengths, strengths.c.user_id == CohortMember.user_id)
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
                has_mentor=is_engineer and bool(row.active),
                has_proposal=is_engineer and bool(row.proposed),
                last_session_at=row.last_session_at,
                enrolled_at=row.enrolled_at,
                proposal_waiting_since=row.waiting_since if is_engineer else None,
                unanswered_proposals=0 if is_engineer else (row.stale or 0),
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


def program_rows(cohort_id: int, now: datetime) -> list[ProgramRow]:
    """Plan milestones of the cohort's engineers, their reviewed and waiting documents, the held
    practice sessions of the cohort's matches without a published debrief, and the reliability record
    of the cohort's mentors (their slips and answers of the last 90 days, anywhere): one statement."""
    engineers, mentors = (
        select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id, CohortMember.role == role)
        for role in (MemberRole.ENGINEER, MemberRole.MENTOR)
    )
    no_week, no_day = cast(null(), Integer()), cast(null(), Date())
    no_time, no_seconds = cast(null(), UTCDateTime()), cast(null(), Integer())
    milestones = (
        select(
            case((PlanMilestone.done_at.is_not(None), MILESTONE_DONE), else_=MILESTONE_OPEN),
            Plan.user_id,
            PlanMilestone.due_week,
            Plan.start_date,
            no_time,
            no_seconds,
            no_time,
        )
        .join(Plan, Plan.id == PlanMilestone.plan_id)
        .where(Plan.user_id.in_(engineers))
    )
    turnarounds = (
        select(
            literal(TURNAROUND),
            Document.author_id,
            no_week,
            no_day,
            DocumentReview.submitted_at,
            DocumentReview.turnaround_seconds,
            no_time,
        )
        .join(Document, Document.id == DocumentReview.document_id)
        .where(
            Document.author_id.in_(engineers),
            DocumentReview.role == ReviewRole.PRIMARY,
            DocumentReview.submitted_at.is_not(None),
        )
    )
    waiting = select(
        literal(WAITING), Document.reviewer_id, no_week, no_day, Document.submitted_at, no_seconds, no_time
    ).where(Document.author_id.in_(engineers), Document.status.in_(DOCUMENT_AWAITING_REVIEW))
    published = select(SessionDebrief.session_id).where(SessionDebrief.status == DebriefStatus.PUBLISHED)
    debriefs_due = select(
        literal(DEBRIEF_DUE), MentoringSession.host_id, no_week, no_day, MentoringSession.start_at, no_seconds, no_time
    ).where(
        MentoringSession.match_id.in_(select(Match.id).where(Match.cohort_id == cohort_id)),
        MentoringSession.kind.in_(DEBRIEF_SESSION_KINDS),
        MentoringSession.status == SessionStatus.COMPLETED,
        MentoringSession.id.not_in(published),
    )
    record = reliability.record(mentors, now - reliability_rules.WINDOW).subquery("reliability_record")
    mentor_id, kind, at, asked_at = record.c
    reliability_rows = select(kind, mentor_id, no_week, no_day, at, no_seconds, asked_at)
    statement = union_all(milestones, turnarounds, waiting, debriefs_due, reliability_rows)
    return [ProgramRow(*row) for row in db.session.execute(statement)]


def members_and_program(cohort_id: int, now: datetime) -> tuple[list[MemberFacts], ProgramFigures]:
    """Every member, each with what they are behind on, and the cohort's program figures: two statements."""
    program, behind = program_figures(program_rows(cohort_id, now), now)
    members = [
        replace(
            member,
            overdue_milestones=behind.milestones.get(member.user_id, 0),
            overdue_reviews=behind.reviews.get(member.user_id, 0) if member.role == MemberRole.MENTOR else 0,
            reliability=behind.reliability.get(member.user_id) if member.role == MemberRole.MENTOR else None,
        )
        for member in people(cohort_id, now)
    ]
    return members, program


AT_RISK_SHOWN = 20  # the console lists this many people at risk, most reasons first; the at-risk export has everyone


@dataclass(frozen=True)
class Dashboard:
    engineers: int
    mentors: int
    readiness: list[Band]
    coverage: list[SkillCoverage]
    headline: str | None
    sessions: SessionTotals
    program: ProgramFigures
    at_risk: list[AtRisk]
    at_risk_total: int
    steps: list[tuple[Step, str | None]]  # the lifecycle steps offered, each with why it is blocked (or None)
    computed_at: datetime
    # The charts and tables, and the list of people at risk with their nudge boxes, as HTML rendered
    # once with the figures: they hold nothing that differs between viewers (the form's CSRF token
    # is outside them).
    sections_html: Markup = Markup("")
    at_risk_html: Markup = Markup("")

    def to_json(self) -> str:
        data = asdict(self)
        data["steps"] = [[asdict(step), blocked] for step, blocked in self.steps]
        data["computed_at"] = self.computed_at.isoformat()
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> "Dashboard":
        data = json.loads(text)
        return cls(
            engineers=data["engineers"],
            mentors=data["mentors"],
            readiness=[Band(**band) for band in data["readiness"]],
            coverage=[SkillCoverage(**row) for row in data["coverage"]],
            headline=data["headline"],
            sessions=SessionTotals(**data["sessions"]),
            program=ProgramFigures(
                **data["program"]
                | {
                    "waiting_by_age": tuple(tuple(band) for band in data["program"]["waiting_by_age"]),
                    "phases": tuple(PhaseProgress(**phase) for phase in data["program"]["phases"]),
                }
            ),
            at_risk=[AtRisk(**person) for person in data["at_risk"]],
            at_risk_total=data["at_risk_total"],
            steps=[
                (Step(CohortStatus(step["target"]), step["label"], step["explains"]), b) for step, b in data["steps"]
            ],
            computed_at=datetime.fromisoformat(data["computed_at"]),
            # Our own templates rendered this HTML (escaping every value) before it was kept.
            sections_html=Markup(data["sections_html"]),  # nosec B704
            at_risk_html=Markup(data["at_risk_html"]),  # nosec B704
        )


def build(cohort, now: datetime | None = None) -> Dashboard:
    """Everything the console and the printable report show, computed now: three statements."""
    now = now or utcnow()
    members, program = members_and_program(cohort.id, now)
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
        engineers=len(engineers),
        mentors=len(members) - len(engineers),
        readiness=readiness_distribution(members),
        coverage=coverage,
        headline=coverage_headline(coverage),
        sessions=session_totals(cohort.id, now),
        program=program,
        at_risk=risks[:AT_RISK_SHOWN],
        at_risk_total=len(risks),
        steps=next_steps(facts),
        computed_at=now,
    )


# --- the figures, kept for DASHBOARD_CACHE_SECONDS per cohort
#
# Thousands of members take a few hundred milliseconds to add up; a lead reloading the console,
# or several leads of one cohort, reuse the figures for a minute. The lead's own changes from the
# console (a lifecycle step, a member removed or moved, an import) drop them at once, and
# "Refresh now" recomputes. Redis holds them for every web process when REDIS_URL is set; without
# it (a laptop's single process) this process's memory does. If Redis is down, the page computes.

_local: dict[str, tuple[float, str]] = {}


def _key(cohort) -> str:
    # The creation time, to the microsecond, tells a cohort from an earlier one that had the same id in a
    # reset or rolled-back database (test after test, within the same second); the status, because the
    # lifecycle steps offered depend on it.
    return f"pmcohort:dashboard:{cohort.id}:{cohort.created_at.timestamp():.6f}:{cohort.status}"


@cache
def _redis_for(url: str) -> redis.Redis:
    # One client (and its connection pool) per process: connecting on every request costs more than the read.
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def _redis() -> redis.Redis | None:
    url = current_app.config.get("REDIS_URL")
    return _redis_for(url) if url else None


def _cache_get(key: str) -> str | None:
    client = _redis()
    if client is None:
        expires, value = _local.get(key, (0.0, None))
        return value if expires > time.monotonic() else None
    try:
        value = client.get(key)
    except redis.RedisError:
        log.warning("dashboard cache unavailable; computing", exc_info=True)
        return None
    return value.decode() if value else None


def _cache_set(key: str, value: str, seconds: int) -> None:
    client = _redis()
    if client is None:
        _local[key] = (time.monotonic() + seconds, value)
        return
    try:
        client.set(key, value, ex=seconds)
    except redis.RedisError:
        log.warning("dashboard cache unavailable; not kept", exc_info=True)


def forget(cohort) -> None:
    """Drop the cohort's kept figures: the next view computes them."""
    _local.pop(_key(cohort), None)
    client = _redis()
    if client is not None:
        try:
            client.delete(_key(cohort))
        except redis.RedisError:
            log.warning("dashboard cache unavailable; figures may be a minute old", exc_info=True)


def current(cohort, render: Callable[[Dashboard], tuple[str, str]], *, fresh: bool = False) -> Dashboard:
    """The figures for the console, with the HTML `render` makes of them (the sections, the people at
    risk): the kept ones unless `fresh` or they are older than the cache allows."""
    seconds = current_app.config["DASHBOARD_CACHE_SECONDS"]
    key = _key(cohort)
    kept = None if fresh or seconds <= 0 else _cache_get(key)
    if kept is not None:
        return Dashboard.from_json(kept)
    view = build(cohort)
    sections_html, at_risk_html = render(view)
    # `render` is our templates' output, every value escaped by Jinja.
    view = replace(view, sections_html=Markup(sections_html), at_risk_html=Markup(at_risk_html))  # nosec B704
    if seconds > 0:
        _cache_set(key, view.to_json(), seconds)
    return view
