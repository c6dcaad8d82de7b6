"""CSV exports of a cohort, produced row by row: the database hands rows over in batches through a
server-side cursor (`yield_per`), so a 5,000-member cohort is never held in memory at once.

Each function returns a generator: nothing is queried until the response starts sending it."""

import csv
import io
from collections.abc import Iterator
from contextlib import nullcontext

from sqlalchemy import Engine, func, or_, select
from sqlalchemy.orm import aliased

from pmcohort.accounts.models import User
from pmcohort.cohorts.dashboard import members_and_program
from pmcohort.cohorts.models import CohortMember, Match
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain.cohort_health import people_at_risk
from pmcohort.domain.statuses import Attendance, MemberRole
from pmcohort.mentoring.models import MentoringSession, SessionParticipant
from pmcohort.plans.models import Plan, PlanMilestone
from pmcohort.profiles.models import AssessmentAttempt
from pmcohort.writing.models import Document, DocumentReview, DocumentVersion

BATCH = 500


def _csv_lines(query) -> Iterator[str]:
    """The query's rows as CSV, under a header of its columns' labels (a column's own name, `Match.status`
    is "status", unless it is labelled)."""
    # The body is sent after the request's own session is torn down (Flask ends the request's
    # contexts before a streamed body is read), so the rows come through a connection of their
    # own, held until the last row. A session bound to one connection (the tests') lends it.
    bind = db.session.get_bind()
    with bind.connect() if isinstance(bind, Engine) else nullcontext(bind) as connection:
        rows = connection.execute(query.execution_options(yield_per=BATCH))
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(query.selected_columns.keys())
        for count, row in enumerate(rows, start=1):
            writer.writerow(["" if value is None else value for value in row])
            if count % BATCH == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()


def _person(user, role: str) -> tuple:
    """A person's email and name, headed by their part in the row: engineer_email, engineer_name."""
    return user.email.label(f"{role}_email"), user.name.label(f"{role}_name")


def members(cohort_id: int) -> Iterator[str]:
    readiness = (
        select(AssessmentAttempt.readiness)
        .where(AssessmentAttempt.user_id == CohortMember.user_id)
        .order_by(AssessmentAttempt.completed_at.desc(), AssessmentAttempt.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    query = (
        select(
            User.email,
            User.name,
            CohortMember.role,
            User.time_zone,
            CohortMember.enrolled_at,
            readiness.label("readiness"),
        )
        .join(User, User.id == CohortMember.user_id)
        .where(CohortMember.cohort_id == cohort_id)
        .order_by(CohortMember.role, User.name, User.id)
    )
    return _csv_lines(query)


def matches(cohort_id: int) -> Iterator[str]:
    engineer, mentor = aliased(User), aliased(User)
    query = (
        select(
            Match.id.label("match_id"),
            *_person(engineer, "engineer"),
            *_person(mentor, "mentor"),
            Match.status,
            Match.score,
            Match.created_at.label("proposed_at"),
            Match.activated_at,
            Match.closed_at,
            Match.close_reason,
        )
        .join(engineer, engineer.id == Match.engineer_id)
        .join(mentor, mentor.id == Match.mentor_id)
        .where(Match.cohort_id == cohort_id)
        .order_by(Match.id)
    )
    return _csv_lines(query)


def sessions(cohort_id: int) -> Iterator[str]:
    host = aliased(User)
    places = (
        select(func.count())
        .select_from(SessionParticipant)
        .where(SessionParticipant.session_id == MentoringSession.id, SessionParticipant.active.is_(True))
        .scalar_subquery()
    )
    attended = (
        select(func.count())
        .select_from(SessionParticipant)
        .where(
            SessionParticipant.session_id == MentoringSession.id, SessionParticipant.attendance == Attendance.ATTENDED
        )
        .scalar_subquery()
    )
    query = (
        select(
            MentoringSession.id.label("session_id"),
            MentoringSession.kind,
            MentoringSession.title,
            MentoringSession.status,
            MentoringSession.start_at.label("start_at_utc"),
            MentoringSession.end_at.label("end_at_utc"),
            host.email.label("host_email"),
            places.label("participants"),
            attended.label("attended"),
            MentoringSession.cancelled_late,
            MentoringSession.cancel_reason,
        )
        .join(host, host.id == MentoringSession.host_id)
        .where(
            or_(
                MentoringSession.cohort_id == cohort_id,
                MentoringSession.match_id.in_(select(Match.id).where(Match.cohort_id == cohort_id)),
            )
        )
        .order_by(MentoringSession.start_at, MentoringSession.id)
    )
    return _csv_lines(query)


def at_risk(cohort_id: int) -> Iterator[str]:
    """Everyone at risk with their reasons (the console lists the first few). Computed from the
    dashboard's one people statement, so it is held in memory: one row per member at most."""
    now = utcnow()
    risks = people_at_risk(members_and_program(cohort_id, now)[0], now)
    emails = dict(
        db.session.execute(
            select(User.id, User.email)
            .join(CohortMember, CohortMember.user_id == User.id)
            .where(CohortMember.cohort_id == cohort_id)
        ).all()
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["email", "name", "role", "reasons"])
    for person in risks:
        writer.writerow([emails.get(person.user_id, ""), person.name, person.role, "; ".join(person.reasons)])
    yield buffer.getvalue()


def reviews(cohort_id: int) -> Iterator[str]:
    """Every review of the cohort's engineers' documents, first and blind second ones."""
    author, reviewer = aliased(User), aliased(User)
    query = (
        select(
            Document.id.label("document_id"),
            Document.kind_key.label("kind"),
            Document.title,
            author.email.label("author_email"),
            reviewer.email.label("reviewer_email"),
            DocumentReview.role.label("review_role"),
            DocumentVersion.number.label("version"),
            DocumentVersion.submitted_at.label("version_submitted_at_utc"),
            DocumentReview.submitted_at.label("review_submitted_at_utc"),
            DocumentReview.turnaround_seconds,
            DocumentReview.decision,
        )
        .join(Document, Document.id == DocumentReview.document_id)
        .join(DocumentVersion, DocumentVersion.id == DocumentReview.version_id)
        .join(author, author.id == Document.author_id)
        .join(reviewer, reviewer.id == DocumentReview.reviewer_id)
        .where(Document.author_id.in_(_engineers(cohort_id)))
        .order_by(Document.id, DocumentVersion.number, DocumentReview.id)
    )
    return _csv_lines(query)


def milestones(cohort_id: int) -> Iterator[str]:
    """Every plan milestone of the cohort's engineers."""
    query = (
        select(
            User.email,
            Plan.path,
            Plan.start_date.label("plan_start"),
            PlanMilestone.title.label("milestone"),
            PlanMilestone.skill,
            PlanMilestone.due_week,
            PlanMilestone.done_at.label("done_at_utc"),
            PlanMilestone.done_link,
        )
        .join(Plan, Plan.id == PlanMilestone.plan_id)
        .join(User, User.id == Plan.user_id)
        .where(Plan.user_id.in_(_engineers(cohort_id)))
        .order_by(User.email, PlanMilestone.due_week, PlanMilestone.id)
    )
    return _csv_lines(query)


def _engineers(cohort_id: int):
    return select(CohortMember.user_id).where(
        CohortMember.cohort_id == cohort_id, CohortMember.role == MemberRole.ENGINEER
    )


EXPORTS = {
    "members": members,
    "matches": matches,
    "sessions": sessions,
    "reviews": reviews,
    "milestones": milestones,
    "at-risk": at_risk,
}
