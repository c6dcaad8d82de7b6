"""`flask seed-demo --large`, made small: its bulk-inserted history holds together as the services
would have written it, and the console's reviews and plans sections have figures to show."""

from sqlalchemy import func, select

from pmcohort import demo_large
from pmcohort.cohorts import dashboard
from pmcohort.cohorts.models import Cohort, Match
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.demo import seed_demo
from pmcohort.domain import plans
from pmcohort.domain.statuses import DOCUMENT_AWAITING_REVIEW, MatchStatus, ReviewRole
from pmcohort.plans.models import Plan, PlanMilestone
from pmcohort.writing.models import Document, DocumentEvent, DocumentReview, DocumentVersion, WritingKind


def test_the_large_demo_seeds_reviews_and_milestones_the_console_counts(app, monkeypatch):
    monkeypatch.setattr(demo_large, "LARGE_ENGINEERS", 150)
    monkeypatch.setattr(demo_large, "LARGE_MENTORS", 30)
    seed_demo()
    assert "Seeded" in demo_large.seed_large_demo()
    assert "already there" in demo_large.seed_large_demo()
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == demo_large.LARGE_COHORT))
    now = utcnow()

    view = dashboard.build(cohort, now)
    program = view.program
    assert program.reviews_decided > 0 and program.median_turnaround_hours < program.worst_turnaround_hours
    waiting = dict(program.waiting_by_age)
    assert sum(waiting.values()) > 0 and waiting["Over 5 days (overdue)"] > 0
    assert all(phase.done + phase.to_do + phase.overdue > 0 for phase in program.phases)
    assert sum(phase.overdue for phase in program.phases) > 0 and program.engineers_with_plans > 0

    large = Document.author_id.in_(select(Match.engineer_id).where(Match.cohort_id == cohort.id))
    for document in db.session.scalars(select(Document).where(large)):
        match = db.session.scalar(
            select(Match).where(Match.engineer_id == document.author_id, Match.cohort_id == cohort.id)
        )
        assert match.status == MatchStatus.ACTIVE, "only mentored engineers write"
        assert [version.number for version in document.versions] == list(range(1, len(document.versions) + 1))
        bodies = [version.body for version in document.versions]
        assert all(before != after for before, after in zip(bodies, bodies[1:], strict=False)), "each changed"
        events = db.session.scalars(
            select(DocumentEvent).where(DocumentEvent.document_id == document.id).order_by(DocumentEvent.id)
        ).all()
        assert events[-1].to_status == document.status, "the last event is where the document is"
        assert [event.created_at for event in events] == sorted(event.created_at for event in events)
        if document.versions:
            assert document.reviewer_id == match.mentor_id
            assert document.submitted_at == document.latest_version.submitted_at <= now
        if document.status in DOCUMENT_AWAITING_REVIEW:
            primary = db.session.scalar(
                select(DocumentReview).where(
                    DocumentReview.version_id == document.latest_version.id, DocumentReview.role == ReviewRole.PRIMARY
                )
            )
            assert (primary is not None) == (document.status == "in_review")
            assert primary is None or primary.submitted_at is None
    decided = db.session.scalars(
        select(DocumentReview).where(
            DocumentReview.submitted_at.is_not(None), DocumentReview.document_id.in_(select(Document.id).where(large))
        )
    ).all()
    for review in decided:
        version = db.session.get(DocumentVersion, review.version_id)
        assert version.document_id == review.document_id
        assert review.turnaround_seconds == int((review.submitted_at - version.submitted_at).total_seconds()) > 0
        assert review.submitted_at <= now and review.summary
        kind_keys = {dimension["key"] for dimension in _rubric(review.document_id)}
        assert set(review.scores) == kind_keys and all(1 <= level <= 4 for level in review.scores.values())
        assert (review.decision is None) == (review.role == ReviewRole.SECOND)

    started = func.min(Plan.start_date)
    assert db.session.scalar(select(started)) >= (now - plans.EARLIEST_START).date()
    for milestone, start in db.session.execute(
        select(PlanMilestone, Plan.start_date).join(Plan).where(PlanMilestone.done_at.is_not(None))
    ):
        assert start <= milestone.done_at.date() and milestone.done_at <= now


def _rubric(document_id: int) -> list[dict]:
    kind_key = db.session.scalar(select(Document.kind_key).where(Document.id == document_id))
    return db.session.scalar(select(WritingKind.rubric).where(WritingKind.key == kind_key))["dimensions"]
