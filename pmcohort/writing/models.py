"""Written documents, their immutable versions, reviews with anchored comments, and portfolios."""

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pmcohort.accounts.models import User
from pmcohort.core.columns import InsertedAt, UpdatedAt
from pmcohort.core.extensions import db
from pmcohort.domain import writing
from pmcohort.domain.statuses import DOCUMENT_STATUS_LABELS, DocumentStatus, ReviewDecision, ReviewRole, sql_in


class WritingKind(db.Model):
    """A kind of document with its prompt, skeleton and rubric; admins edit them, seeded from
    pmcohort/data/writing/kinds.toml. `rubric` holds {"dimensions": [WritingDimension as a dict, ...]}."""

    __tablename__ = "writing_kinds"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(120))
    prompt: Mapped[str] = mapped_column(Text)
    skeleton: Mapped[str] = mapped_column(Text)
    rubric: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[UpdatedAt]

    def scoring_rubric(self) -> writing.WritingRubric:
        return writing.WritingRubric(
            self.title, tuple(writing.WritingDimension(**d) for d in self.rubric.get("dimensions", ()))
        )


class Document(db.Model):
    """An engineer's document. `body` is the working draft; what was submitted is in its versions.

    `reviewer_id` is the mentor who decides the current round: the engineer's active mentor, or
    the cohort mentor who claimed it from a shared queue (`queue_cohort_id`), until
    `claim_expires_at`. A blind second review a lead asks for is a DocumentReview of role "second".
    """

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind_key: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(160))
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=DocumentStatus.DRAFT)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    queue_cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"), index=True)
    claimed_at: Mapped[datetime | None]
    claim_expires_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]  # the current round's submission
    draft_saved_at: Mapped[datetime | None]
    created_at: Mapped[InsertedAt]

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined", innerjoin=True)
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id], lazy="joined")
    versions: Mapped[list["DocumentVersion"]] = relationship(
        back_populates="document",
        order_by="DocumentVersion.number",
        foreign_keys="DocumentVersion.document_id",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        CheckConstraint(sql_in("status", DocumentStatus), name="known_status"),
        Index("ix_documents_status_submitted", "status", "submitted_at"),
    )

    @property
    def status_label(self) -> str:
        return DOCUMENT_STATUS_LABELS[self.status]

    @property
    def latest_version(self) -> "DocumentVersion | None":
        return self.versions[-1] if self.versions else None

    def version(self, number: int) -> "DocumentVersion | None":
        return next((v for v in self.versions if v.number == number), None)


class DocumentVersion(db.Model):
    """What was submitted, as it was: never changed after it is written."""

    __tablename__ = "document_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(160))
    body: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[InsertedAt]

    document: Mapped[Document] = relationship(back_populates="versions", foreign_keys=[document_id])

    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_document_versions_document_number"),)


class DocumentReview(db.Model):
    """One reviewer's review of one version: rubric scores, summary, and (primary only) the decision.

    Open while `submitted_at` is empty: its comments are then seen by the reviewer alone.
    `turnaround_seconds` runs from the version's submission to the decision.
    """

    __tablename__ = "document_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=ReviewRole.PRIMARY)
    scores: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    summary: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[InsertedAt]
    submitted_at: Mapped[datetime | None]
    turnaround_seconds: Mapped[int | None] = mapped_column()

    reviewer: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    version: Mapped[DocumentVersion] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (
        UniqueConstraint("version_id", "reviewer_id", name="uq_document_reviews_version_reviewer"),
        CheckConstraint(sql_in("role", ReviewRole), name="known_role"),
        CheckConstraint(f"decision IS NULL OR {sql_in('decision', ReviewDecision)}", name="known_decision"),
    )


class ReviewComment(db.Model):
    """A reviewer's comment on one block (paragraph) of one version, or a reply to one (`parent_id`)."""

    __tablename__ = "review_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("document_reviews.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("review_comments.id", ondelete="CASCADE"), index=True)
    block: Mapped[int] = mapped_column()  # the block's index in the review's version
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[InsertedAt]
    resolved_at: Mapped[datetime | None]

    author: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (CheckConstraint("block >= 0", name="block_not_negative"),)


class DocumentEvent(db.Model):
    """A status change of a document: who moved it, when, from what to what."""

    __tablename__ = "document_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[InsertedAt]

    actor: Mapped[User | None] = relationship(lazy="joined")


class SharedReviewQueue(db.Model):
    """A cohort whose lead turned on the shared queue: its engineers' submissions go to any of its mentors."""

    __tablename__ = "shared_review_queues"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    enabled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    enabled_at: Mapped[InsertedAt]


def new_portfolio_token() -> str:
    return secrets.token_urlsafe(32)


class Portfolio(db.Model):
    """An engineer's portfolio page, open to anyone with its link while `token` is set.

    Revoking clears the token, so the link stops working at once; sharing again makes a new one.
    """

    __tablename__ = "portfolios"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str | None] = mapped_column(String(64), unique=True)
    show_scores: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[UpdatedAt]

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class PortfolioItem(db.Model):
    """One approved version chosen for the portfolio."""

    __tablename__ = "portfolio_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("portfolios.user_id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)

    __table_args__ = (UniqueConstraint("user_id", "document_id", name="uq_portfolio_items_user_document"),)
