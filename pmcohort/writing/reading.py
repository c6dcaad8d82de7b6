"""Written work as pages show it: an author's documents, a mentor's review queue, a document's reviews,
comments and history, and a cohort's written work for its lead."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pmcohort.accounts.models import User
from pmcohort.cohorts.models import Cohort, CohortLead, CohortMember
from pmcohort.core.extensions import db
from pmcohort.domain import writing
from pmcohort.domain.statuses import DOCUMENT_AWAITING_REVIEW, DocumentStatus, MemberRole, ReviewRole
from pmcohort.writing.models import (
    Document,
    DocumentEvent,
    DocumentReview,
    DocumentVersion,
    ReviewComment,
)
from pmcohort.writing.reviewers import cohort_mentors
from pmcohort.writing.services import kinds, rubric_of, shared_queue_enabled


def my_documents(author_id: int) -> list[Document]:
    return list(
        db.session.scalars(
            select(Document)
            .where(Document.author_id == author_id)
            .options(selectinload(Document.versions))
            .order_by(Document.created_at.desc())
        )
    )


@dataclass(frozen=True)
class QueueItem:
    document: Document
    waiting_since: datetime
    reason: str  # "assigned", "claimed", "shared queue", "second review"


def queue_for(mentor_id: int) -> list[QueueItem]:
    """What waits for this mentor, oldest first: assigned and claimed submissions, the unclaimed submissions of
    their cohorts' shared queues, and second reviews a lead asked them for."""
    items: list[QueueItem] = []
    mine = db.session.scalars(
        select(Document).where(Document.reviewer_id == mentor_id, Document.status.in_(DOCUMENT_AWAITING_REVIEW))
    )
    for document in mine:
        items.append(QueueItem(document, document.submitted_at, "claimed" if document.queue_cohort_id else "assigned"))
    cohort_ids = select(CohortMember.cohort_id).where(
        CohortMember.user_id == mentor_id, CohortMember.role == MemberRole.MENTOR
    )
    shared = db.session.scalars(
        select(Document).where(
            Document.status == DocumentStatus.SUBMITTED,
            Document.reviewer_id.is_(None),
            Document.queue_cohort_id.in_(cohort_ids),
            Document.author_id != mentor_id,
        )
    )
    items += [QueueItem(document, document.submitted_at, "shared queue") for document in shared]
    seconds = db.session.execute(
        select(Document, DocumentVersion.submitted_at)
        .join(DocumentReview, DocumentReview.document_id == Document.id)
        .join(DocumentVersion, DocumentVersion.id == DocumentReview.version_id)
        .where(
            DocumentReview.reviewer_id == mentor_id,
            DocumentReview.role == ReviewRole.SECOND,
            DocumentReview.submitted_at.is_(None),
        )
    )
    items += [QueueItem(document, submitted_at, "second review") for document, submitted_at in seconds]
    return sorted(items, key=lambda item: item.waiting_since)


def reviews_of(document_id: int) -> list[DocumentReview]:
    return list(
        db.session.scalars(
            select(DocumentReview).where(DocumentReview.document_id == document_id).order_by(DocumentReview.id)
        )
    )


def review_visible_to(
    review: DocumentReview, viewer_id: int, document: Document, all_reviews, viewer_leads_author: bool
) -> bool:
    """Blind second reviews: the second reviewer sees no other review until they have submitted their own; the
    author sees only submitted primary reviews; open reviews are their reviewer's alone. `viewer_leads_author`:
    the viewer leads a cohort the author is in (asked once by the page, not per review)."""
    if review.reviewer_id == viewer_id:
        return True
    if review.submitted_at is None:
        return False
    if any(r.reviewer_id == viewer_id and r.role == ReviewRole.SECOND and r.submitted_at is None for r in all_reviews):
        return False
    if viewer_id == document.author_id:
        return review.role == ReviewRole.PRIMARY
    if review.role == ReviewRole.SECOND:
        # The lead who asked, and reviewers of the same version once the second review is in.
        return viewer_leads_author or any(
            r.reviewer_id == viewer_id and r.version_id == review.version_id for r in all_reviews
        )
    return True


def comments_of(review_ids: list[int]) -> dict[int, list[ReviewComment]]:
    """Top-level comments per review, each with `.replies` set, oldest first."""
    if not review_ids:
        return {}
    rows = list(
        db.session.scalars(
            select(ReviewComment).where(ReviewComment.review_id.in_(review_ids)).order_by(ReviewComment.id)
        )
    )
    replies: dict[int, list[ReviewComment]] = {}
    for row in rows:
        if row.parent_id is not None:
            replies.setdefault(row.parent_id, []).append(row)
    found: dict[int, list[ReviewComment]] = {}
    for row in rows:
        if row.parent_id is None:
            row.replies = replies.get(row.id, [])
            found.setdefault(row.review_id, []).append(row)
    return found


def events_of(document_id: int) -> list[DocumentEvent]:
    return list(
        db.session.scalars(
            select(DocumentEvent).where(DocumentEvent.document_id == document_id).order_by(DocumentEvent.id)
        )
    )


def second_review_candidates(document: Document, lead_id: int) -> list[User]:
    """Mentors of the author's cohorts this lead leads, except the author and the deciding reviewer."""
    authors_cohorts = select(CohortMember.cohort_id).where(
        CohortMember.user_id == document.author_id, CohortMember.role == MemberRole.ENGINEER
    )
    led = select(CohortLead.cohort_id).where(CohortLead.user_id == lead_id, CohortLead.cohort_id.in_(authors_cohorts))
    return cohort_mentors(led, except_ids=[document.author_id, document.reviewer_id or 0])


@dataclass(frozen=True)
class CohortWriting:
    cohort: Cohort
    shared_queue: bool
    documents: list[Document]
    agreement: writing.Agreement
    dimension_labels: dict[str, str]
    mentor_names: dict[int, str]
    double_reviewed: int
    turnarounds: list[int]  # seconds, one per decision


def cohort_writing(cohort_id: int) -> CohortWriting:
    cohort = db.session.get(Cohort, cohort_id)
    engineers = select(CohortMember.user_id).where(
        CohortMember.cohort_id == cohort_id, CohortMember.role == MemberRole.ENGINEER
    )
    documents = list(
        db.session.scalars(
            select(Document)
            .where(Document.author_id.in_(engineers), Document.status != DocumentStatus.DRAFT)
            .options(selectinload(Document.versions))
            .order_by(Document.submitted_at.desc())
        )
    )
    reviews = list(
        db.session.scalars(
            select(DocumentReview).where(
                DocumentReview.document_id.in_([d.id for d in documents] or [0]),
                DocumentReview.submitted_at.is_not(None),
            )
        )
    )
    by_version: dict[int, dict[str, DocumentReview]] = {}
    for review in reviews:
        by_version.setdefault(review.version_id, {})[review.role] = review
    pairs: list[writing.ScorePair] = []
    double_reviewed = 0
    for both in by_version.values():
        if ReviewRole.PRIMARY in both and ReviewRole.SECOND in both:
            first, second = both[ReviewRole.PRIMARY], both[ReviewRole.SECOND]
            pairs += writing.pairs_of(first.reviewer_id, first.scores, second.reviewer_id, second.scores)
            double_reviewed += 1
    labels = {d.key: d.label for kind in kinds() for d in rubric_of(kind).dimensions}
    names = {review.reviewer_id: review.reviewer.name for review in reviews}
    return CohortWriting(
        cohort=cohort,
        shared_queue=shared_queue_enabled(cohort_id),
        documents=documents,
        agreement=writing.agreement(pairs),
        dimension_labels=labels,
        mentor_names=names,
        double_reviewed=double_reviewed,
        turnarounds=[r.turnaround_seconds for r in reviews if r.decision and r.turnaround_seconds is not None],
    )
