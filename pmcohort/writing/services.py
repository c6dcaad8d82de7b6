"""Written work as it changes: kinds and their rubrics, drafts, submissions, reviews, blind second
reviews and shared queues. Who reviews is `reviewers.py`; what pages read, `reading.py`; approved
work and portfolios, `portfolios.py`.

The rules (statuses, what a submission must be, the diff, agreement figures) live in
`pmcohort.domain.writing`; this module loads, applies them, saves, audits and asks for notifications.
Who may *see* a document is `pmcohort.policy`'s business; who may *act* on it is checked here.
"""

from dataclasses import asdict
from datetime import datetime

from sqlalchemy import select

from pmcohort.cohorts.models import CohortLead
from pmcohort.core.errors import NotFoundError, ServiceError
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain import writing
from pmcohort.domain.content import KEY_PATTERN
from pmcohort.domain.limits import REVIEW_CLAIM_LASTS
from pmcohort.domain.plans import EvidenceKind
from pmcohort.domain.practice import validate_scores
from pmcohort.domain.statuses import (
    DOCUMENT_AWAITING_REVIEW,
    DOCUMENT_EDITABLE,
    DocumentStatus,
    ReviewDecision,
    ReviewRole,
)
from pmcohort.mentorships import rematch
from pmcohort.notifications import reminders
from pmcohort.notifications.outbox import enqueue
from pmcohort.ops.models import record_audit
from pmcohort.plans import services as plans
from pmcohort.writing.models import (
    Document,
    DocumentEvent,
    DocumentReview,
    DocumentVersion,
    ReviewComment,
    SharedReviewQueue,
    WritingKind,
)
from pmcohort.writing.rendering import blocks
from pmcohort.writing.reviewers import (
    active_mentor_id,
    author_cohort_ids,
    is_cohort_mentor,
    lead_ids_for,
    shared_queue_cohort_id,
)

MAX_TITLE = 160  # the column's length
MAX_COMMENT = 4000
MAX_SUMMARY = 8000
NOT_YOURS = "This document is not yours to review: only its assigned or claiming mentor, or a second reviewer a lead asked for, can review it."


# --- kinds, prompts and rubrics


def seed_kinds() -> int:
    """Add every starter kind that is missing; never overwrites an admin's edit. Returns how many were added."""
    existing = set(db.session.scalars(select(WritingKind.key)))
    added = 0
    for position, kind in enumerate(writing.DOCUMENT_KINDS):
        if kind.key not in existing:
            stored = asdict(kind)
            stored["rubric"] = {"dimensions": list(stored["rubric"]["dimensions"])}  # the rubric's title is the kind's
            db.session.add(WritingKind(**stored, position=position))
            added += 1
    db.session.commit()
    return added


def kinds() -> list[WritingKind]:
    return list(db.session.scalars(select(WritingKind).order_by(WritingKind.position, WritingKind.id)))


def kind_titles() -> dict[str, str]:
    return {kind.key: kind.title for kind in kinds()}


def find_kind(key: str) -> WritingKind | None:
    return db.session.scalar(select(WritingKind).where(WritingKind.key == key))


def rubric_of(kind: WritingKind | None) -> writing.WritingRubric:
    return kind.scoring_rubric() if kind else writing.WritingRubric("", ())


def rubric_for(document: Document) -> writing.WritingRubric:
    return rubric_of(find_kind(document.kind_key))


def kind_key_rule() -> str:
    return f"Use up to {writing.KEY_MAX_LENGTH['kind']} lowercase letters a–z, digits and underscores, e.g. problem_statement."


def save_kind(
    kind_id: int | None,
    *,
    key: str,
    title: str,
    prompt: str,
    skeleton: str,
    dimensions: list[writing.WritingDimension],
    actor_id: int,
) -> WritingKind:
    """Create or edit a kind. Keys never change and stored dimensions stay (past scores use their keys)."""
    if kind_id is not None:
        kind = db.session.get(WritingKind, kind_id)
        if kind is None:
            raise NotFoundError("document kind", kind_id)
        if key != kind.key:
            raise ServiceError("key", f"The key “{kind.key}” cannot change: documents store it.")
        created = False
    else:
        if not KEY_PATTERN.match(key) or len(key) > writing.KEY_MAX_LENGTH["kind"]:
            raise ServiceError("key", kind_key_rule())
        if find_kind(key) is not None:
            raise ServiceError("key", f"Another kind already has the key “{key}”. Choose a different key.")
        kind = WritingKind(key=key, position=len(kinds()))
        created = True
    given = [d.key for d in dimensions]
    if len(set(given)) != len(given):
        raise ServiceError("dimensions", "Two dimensions share a key. Give each dimension its own key.")
    dropped = [d["key"] for d in (kind.rubric or {}).get("dimensions", ()) if d["key"] not in given]
    if dropped:
        raise ServiceError(
            "dimensions",
            f"The dimension “{dropped[0]}” cannot be renamed or removed: past scores use its key. "
            "Only its label, skill and descriptions can change.",
        )
    kind.title, kind.prompt, kind.skeleton = title.strip(), prompt.strip(), skeleton.strip() + "\n"
    kind.rubric = {"dimensions": [asdict(d) for d in dimensions]}
    db.session.add(kind)
    db.session.flush()
    record_audit("writing.kind_saved", "writing_kind", kind.id, actor_id=actor_id, key=kind.key, created=created)
    db.session.commit()
    return kind


# --- transitions


def _move(document: Document, to: DocumentStatus, actor_id: int | None, note: str = "") -> None:
    if not writing.can_move(document.status, to):
        raise ServiceError(None, f"A document that is {document.status_label.lower()} cannot become {to.value}.")
    db.session.add(
        DocumentEvent(document_id=document.id, actor_id=actor_id, from_status=document.status, to_status=to, note=note)
    )
    record_audit(
        "writing.status_changed",
        "document",
        document.id,
        actor_id=actor_id,
        from_status=document.status,
        to_status=str(to),
        note=note,
    )
    document.status = to


def _document(document_id: int) -> Document:
    # Locks the document row only: its reviewer is an outer join, which PostgreSQL cannot lock.
    document = db.session.scalar(select(Document).where(Document.id == document_id).with_for_update(of=Document))
    if document is None:
        raise NotFoundError("document", document_id)
    return document


def _authored(document_id: int, author_id: int) -> Document:
    document = _document(document_id)
    if document.author_id != author_id:
        raise NotFoundError("document", document_id)
    return document


def _editable(document_id: int, author_id: int, refusal: str) -> Document:
    """The author's document while it can still change; `refusal` ends the sentence saying it cannot."""
    document = _authored(document_id, author_id)
    if document.status not in DOCUMENT_EDITABLE:
        raise ServiceError("body", f"This document is {document.status_label.lower()}: {refusal}")
    return document


def _checked_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise ServiceError("title", "Give the document a title.")
    if len(title) > MAX_TITLE:
        raise ServiceError("title", f"Keep the title under {MAX_TITLE} characters.")
    return title


# --- writing


def create_document(author_id: int, *, kind_key: str, title: str) -> Document:
    kind = find_kind(kind_key)
    if kind is None:
        raise ServiceError("kind", "Choose the kind of document you are writing.")
    document = Document(
        author_id=author_id, kind_key=kind.key, title=_checked_title(title), body=kind.skeleton, draft_saved_at=utcnow()
    )
    db.session.add(document)
    db.session.flush()
    db.session.add(DocumentEvent(document_id=document.id, actor_id=author_id, to_status=DocumentStatus.DRAFT))
    record_audit("writing.document_created", "document", document.id, actor_id=author_id, kind=kind.key)
    db.session.commit()
    return document


def save_draft(document_id: int, author_id: int, *, title: str, body: str) -> Document:
    """Keep the working text. An empty draft may be saved (the author may be starting over); one too long may not."""
    document = _editable(document_id, author_id, "it can no longer be edited.")
    title = _checked_title(title)
    problem = writing.text_problem(body)
    if problem and body.strip():
        raise ServiceError("body", problem)
    document.title, document.body, document.draft_saved_at = title, body, utcnow()
    db.session.commit()
    return document


def submit(document_id: int, author_id: int, *, title: str, body: str) -> Document:
    """Save the text as a new, immutable version and send it for review (the active mentor, or the shared queue)."""
    document = _editable(document_id, author_id, "there is nothing to submit.")
    title = _checked_title(title)
    last = document.latest_version
    problem = writing.submission_problem(body, last.body if last else None)
    if problem:
        raise ServiceError("body", problem)
    queue_cohort_id = shared_queue_cohort_id(author_id)
    mentor_id = None if queue_cohort_id else active_mentor_id(author_id)
    if queue_cohort_id is None and mentor_id is None:
        document.title, document.body, document.draft_saved_at = title, body, utcnow()
        db.session.commit()
        raise ServiceError(
            "body",
            "There is nobody to review it yet: you have no active mentor, and your cohort has no shared review "
            "queue. Your draft is saved; ask for a mentor on the Matches page, or ask your cohort lead.",
        )
    now = utcnow()
    document.title, document.body, document.draft_saved_at = title, body, now
    version = DocumentVersion(
        document_id=document.id, number=(last.number if last else 0) + 1, title=title, body=body, submitted_at=now
    )
    db.session.add(version)
    document.reviewer_id, document.queue_cohort_id = mentor_id, queue_cohort_id
    document.claimed_at = document.claim_expires_at = None
    document.submitted_at = now
    _move(document, DocumentStatus.SUBMITTED, author_id, f"version {version.number}")
    db.session.flush()
    enqueue("writing.review_requested", document_id=document.id, version_id=version.id)
    reminders.plan_review(document, now)
    db.session.commit()
    return document


def withdraw(document_id: int, author_id: int) -> Document:
    document = _authored(document_id, author_id)
    _move(document, DocumentStatus.WITHDRAWN, author_id)
    document.claim_expires_at = None
    reminders.plan_review(document)  # nothing left to chase
    db.session.commit()
    return document


# --- reviewing


def _open_review(document: Document, reviewer_id: int, *, start: bool) -> DocumentReview:
    """The reviewer's open review of the latest version: a second review a lead asked for, or the primary one
    (started now if `start`). Anyone else is refused."""
    version = document.latest_version
    if version is None:
        raise ServiceError(None, NOT_YOURS)
    review = db.session.scalar(
        select(DocumentReview).where(
            DocumentReview.version_id == version.id,
            DocumentReview.reviewer_id == reviewer_id,
            DocumentReview.submitted_at.is_(None),
        )
    )
    if review is not None and review.role == ReviewRole.SECOND:
        return review
    if document.reviewer_id != reviewer_id or document.status not in DOCUMENT_AWAITING_REVIEW:
        raise ServiceError(None, NOT_YOURS)
    if document.status == DocumentStatus.SUBMITTED:
        if not start:
            raise ServiceError(None, "Start the review first.")
        _move(document, DocumentStatus.IN_REVIEW, reviewer_id)
    if review is None:
        review = DocumentReview(
            document_id=document.id, version_id=version.id, reviewer_id=reviewer_id, role=ReviewRole.PRIMARY
        )
        db.session.add(review)
        db.session.flush()
    return review


def start_review(document_id: int, mentor_id: int) -> Document:
    """The assigned mentor starts reviewing; or a cohort mentor claims a shared-queue submission for 48 hours."""
    document = _document(document_id)
    if document.status == DocumentStatus.SUBMITTED and document.reviewer_id is None and document.queue_cohort_id:
        if mentor_id == document.author_id or not is_cohort_mentor(mentor_id, document.queue_cohort_id):
            raise ServiceError(None, NOT_YOURS)
        now = utcnow()
        document.reviewer_id, document.claimed_at, document.claim_expires_at = mentor_id, now, now + REVIEW_CLAIM_LASTS
        record_audit("writing.claimed", "document", document.id, actor_id=mentor_id)
    elif (
        document.queue_cohort_id
        and document.reviewer_id not in (None, mentor_id)
        and document.status in DOCUMENT_AWAITING_REVIEW
        and is_cohort_mentor(mentor_id, document.queue_cohort_id)
    ):
        raise ServiceError(None, "Another mentor claimed this one first. Pick the next in the queue.")
    _open_review(document, mentor_id, start=True)
    db.session.commit()
    return document


def add_comment(document_id: int, reviewer_id: int, *, block: int, body: str) -> ReviewComment:
    document = _document(document_id)
    review = _open_review(document, reviewer_id, start=True)
    body = body.strip()
    if not body:
        raise ServiceError("body", "Write the comment first.")
    if len(body) > MAX_COMMENT:
        raise ServiceError("body", f"Keep a comment under {MAX_COMMENT:,} characters.")
    if not 0 <= block < len(blocks(review.version.body)):
        raise ServiceError("block", "Choose a paragraph of this version to comment on.")
    comment = ReviewComment(review_id=review.id, block=block, author_id=reviewer_id, body=body)
    db.session.add(comment)
    db.session.commit()
    return comment


def _comment_thread(comment_id: int, document_id: int) -> tuple[ReviewComment, DocumentReview, Document]:
    comment = db.session.get(ReviewComment, comment_id)
    review = comment and db.session.get(DocumentReview, comment.review_id)
    if comment is None or comment.parent_id is not None or review.document_id != document_id:
        raise NotFoundError("comment", comment_id)
    return comment, review, db.session.get(Document, review.document_id)


def reply(document_id: int, comment_id: int, actor_id: int, *, body: str) -> ReviewComment:
    """The author replies to a comment of a review they have received; the reviewer answers on their own."""
    comment, review, document = _comment_thread(comment_id, document_id)
    if review.submitted_at is None or actor_id not in (document.author_id, review.reviewer_id):
        raise ServiceError("body", "Only the author and this comment's reviewer can reply here.")
    if review.role == ReviewRole.SECOND and actor_id == document.author_id:
        raise NotFoundError("comment", comment_id)
    body = body.strip()
    if not body:
        raise ServiceError("body", "Write the reply first.")
    if len(body) > MAX_COMMENT:
        raise ServiceError("body", f"Keep a reply under {MAX_COMMENT:,} characters.")
    answer = ReviewComment(
        review_id=review.id, parent_id=comment.id, block=comment.block, author_id=actor_id, body=body
    )
    db.session.add(answer)
    db.session.commit()
    return answer


def set_resolved(document_id: int, comment_id: int, author_id: int, resolved: bool) -> ReviewComment:
    comment, review, document = _comment_thread(comment_id, document_id)
    if document.author_id != author_id or review.submitted_at is None or review.role != ReviewRole.PRIMARY:
        raise ServiceError(None, "Only the document's author can resolve its review comments.")
    comment.resolved_at = utcnow() if resolved else None
    db.session.commit()
    return comment


def submit_review(
    document_id: int, reviewer_id: int, *, scores: dict[str, object], summary: str, decision: str | None
) -> DocumentReview:
    """Score every rubric dimension, summarize and (unless a second review) decide. Nothing is saved on an error."""
    document = _document(document_id)
    review = _open_review(document, reviewer_id, start=True)
    rubric = rubric_for(document)
    errors = {f"score_{key}": message for key, message in validate_scores(rubric, scores).items()}
    summary = summary.strip()
    if not summary:
        errors["summary"] = "Write a summary: what works, and the one or two changes that matter most."
    elif len(summary) > MAX_SUMMARY:
        errors["summary"] = f"Keep the summary under {MAX_SUMMARY:,} characters."
    primary = review.role == ReviewRole.PRIMARY
    if primary and decision not in tuple(ReviewDecision):
        errors["decision"] = "Choose: approve it, or ask for changes."
    if errors:
        db.session.rollback()
        raise ServiceError.at_fields(errors)
    now = utcnow()
    review.scores, review.summary, review.submitted_at = dict(scores), summary, now
    review.turnaround_seconds = int((now - review.version.submitted_at).total_seconds())
    if primary:
        review.decision = decision
        _move(document, DocumentStatus(decision), reviewer_id, f"version {review.version.number}")
        document.claim_expires_at = None
        enqueue("writing.review_done", document_id=document.id, review_id=review.id)
        reminders.plan_review(document)  # decided: the unsent chasers go
        if decision == ReviewDecision.APPROVED:
            plans.record_evidence(
                document.author_id,
                EvidenceKind.DOCUMENT_APPROVED,
                detail=document.kind_key,
                ref=f"document:{document.id}",
            )
    record_audit(
        "writing.review_submitted",
        "document",
        document.id,
        actor_id=reviewer_id,
        role=review.role,
        version=review.version.number,
        decision=review.decision,
        turnaround_seconds=review.turnaround_seconds,
    )
    rematch.after_profile_change(document.author_id)  # the scores move the author's effective profile
    db.session.commit()
    return review


def request_second_review(document_id: int, lead_id: int, *, mentor_id: int | None) -> DocumentReview:
    """A lead asks a mentor of the author's cohort for a blind second review of the latest version."""
    document = _document(document_id)
    if lead_id not in lead_ids_for(document):
        raise NotFoundError("document", document_id)
    version = document.latest_version
    if version is None:
        raise ServiceError("mentor_id", "Nothing has been submitted yet: there is no version to review twice.")
    led = set(db.session.scalars(select(CohortLead.cohort_id).where(CohortLead.user_id == lead_id)))
    cohorts = [cohort_id for cohort_id in author_cohort_ids(document.author_id) if cohort_id in led]
    if mentor_id is None or not any(is_cohort_mentor(mentor_id, cohort_id) for cohort_id in cohorts):
        raise ServiceError("mentor_id", "Choose a mentor of this engineer's cohort.")
    if mentor_id == document.reviewer_id:
        raise ServiceError(
            "mentor_id", "Choose someone other than the mentor who reviews it: the point is a second opinion."
        )
    taken = db.session.scalar(
        select(DocumentReview.id).where(
            DocumentReview.version_id == version.id, DocumentReview.reviewer_id == mentor_id
        )
    )
    if taken:
        raise ServiceError("mentor_id", "That mentor already reviews this version. Choose another.")
    review = DocumentReview(
        document_id=document.id, version_id=version.id, reviewer_id=mentor_id, role=ReviewRole.SECOND
    )
    db.session.add(review)
    db.session.flush()
    record_audit("writing.second_review_requested", "document", document.id, actor_id=lead_id, mentor_id=mentor_id)
    enqueue("writing.review_requested", document_id=document.id, version_id=version.id, reviewer_id=mentor_id)
    db.session.commit()
    return review


def lapse_claims(now: datetime | None = None) -> int:
    """Shared-queue claims 48 h old without a decision go back to the queue. Returns how many lapsed."""
    now = now or utcnow()
    lapsed = list(
        db.session.scalars(
            select(Document)
            .where(
                Document.status == DocumentStatus.IN_REVIEW,
                Document.queue_cohort_id.is_not(None),
                Document.claim_expires_at <= now,
            )
            .with_for_update(of=Document, skip_locked=True)
        )
    )
    for document in lapsed:
        mentor_id = document.reviewer_id
        _move(document, DocumentStatus.SUBMITTED, None, "claim lapsed")
        document.reviewer_id = document.claimed_at = document.claim_expires_at = None
        enqueue("writing.claim_lapsed", document_id=document.id, mentor_id=mentor_id)
    db.session.commit()
    return len(lapsed)


def shared_queue_enabled(cohort_id: int) -> bool:
    return db.session.get(SharedReviewQueue, cohort_id) is not None


def set_shared_queue(cohort_id: int, lead_id: int, enabled: bool) -> None:
    queue = db.session.get(SharedReviewQueue, cohort_id)
    if enabled and queue is None:
        db.session.add(SharedReviewQueue(cohort_id=cohort_id, enabled_by=lead_id))
    elif not enabled and queue is not None:
        db.session.delete(queue)
    record_audit("writing.shared_queue_" + ("on" if enabled else "off"), "cohort", cohort_id, actor_id=lead_id)
    db.session.commit()
