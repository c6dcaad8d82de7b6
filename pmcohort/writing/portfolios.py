"""Approved work, for the portfolio and for evidence of skills; the portfolio an engineer chooses and shares."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from pmcohort.core.errors import ServiceError
from pmcohort.core.extensions import db
from pmcohort.domain import writing
from pmcohort.domain.statuses import ReviewDecision, ReviewRole
from pmcohort.ops.models import record_audit
from pmcohort.writing.models import (
    Document,
    DocumentReview,
    DocumentVersion,
    Portfolio,
    PortfolioItem,
    new_portfolio_token,
)
from pmcohort.writing.services import kinds, rubric_of


@dataclass(frozen=True)
class DimensionScore:
    key: str
    label: str
    skill: str  # the SKILLS key the score is evidence of
    score: int


@dataclass(frozen=True)
class ApprovedWork:
    document_id: int
    version_id: int
    kind_key: str
    kind_title: str
    title: str
    version_number: int
    approved_at: datetime
    reviewer_id: int
    summary: str
    scores: tuple[DimensionScore, ...]


def approved_work(user_id: int) -> list[ApprovedWork]:
    """A user's approved documents, newest first, each with the approving review's score per rubric dimension
    and the skill each dimension is evidence of (dimensions the kind no longer has are left out)."""
    rows = db.session.execute(
        select(Document, DocumentReview)
        .join(DocumentReview, DocumentReview.document_id == Document.id)
        .where(
            Document.author_id == user_id,
            DocumentReview.role == ReviewRole.PRIMARY,
            DocumentReview.decision == ReviewDecision.APPROVED,
        )
        .order_by(DocumentReview.submitted_at.desc())
    ).all()
    rubrics = {kind.key: rubric_of(kind) for kind in kinds()}
    found = []
    for document, review in rows:
        rubric = rubrics.get(document.kind_key, writing.WritingRubric(document.kind_key, ()))
        scores = tuple(
            DimensionScore(d.key, d.label, d.skill, review.scores[d.key])
            for d in rubric.dimensions
            if d.key in review.scores
        )
        found.append(
            ApprovedWork(
                document_id=document.id,
                version_id=review.version_id,
                kind_key=document.kind_key,
                kind_title=rubric.title,
                title=review.version.title,
                version_number=review.version.number,
                approved_at=review.submitted_at,
                reviewer_id=review.reviewer_id,
                summary=review.summary,
                scores=scores,
            )
        )
    return found


# --- the portfolio


def portfolio_of(user_id: int) -> Portfolio | None:
    return db.session.get(Portfolio, user_id)


def _portfolio(user_id: int) -> Portfolio:
    portfolio = db.session.get(Portfolio, user_id, with_for_update=True)
    if portfolio is None:
        portfolio = Portfolio(user_id=user_id)
        db.session.add(portfolio)
        db.session.flush()
    return portfolio


def chosen_version_ids(user_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(PortfolioItem.version_id).where(PortfolioItem.user_id == user_id).order_by(PortfolioItem.position)
        )
    )


def save_portfolio(user_id: int, *, version_ids: list[int], show_scores: bool) -> Portfolio:
    """Choose which approved versions the portfolio shows, and whether with their rubric scores."""
    approved = {work.version_id: work for work in approved_work(user_id)}
    unknown = [version_id for version_id in version_ids if version_id not in approved]
    if unknown:
        raise ServiceError("version_ids", "Only your approved documents can go into the portfolio.")
    portfolio = _portfolio(user_id)
    portfolio.show_scores = show_scores
    for item in db.session.scalars(select(PortfolioItem).where(PortfolioItem.user_id == user_id)):
        db.session.delete(item)
    db.session.flush()
    for position, version_id in enumerate(dict.fromkeys(version_ids)):
        db.session.add(
            PortfolioItem(
                user_id=user_id,
                document_id=approved[version_id].document_id,
                version_id=version_id,
                position=position,
            )
        )
    record_audit("writing.portfolio_saved", "portfolio", user_id, actor_id=user_id, versions=len(version_ids))
    db.session.commit()
    return portfolio


def share_portfolio(user_id: int) -> Portfolio:
    portfolio = _portfolio(user_id)
    if portfolio.token is None:
        portfolio.token = new_portfolio_token()
        record_audit("writing.portfolio_shared", "portfolio", user_id, actor_id=user_id)
    db.session.commit()
    return portfolio


def revoke_portfolio(user_id: int) -> Portfolio:
    """The link stops working at once; sharing again makes a new one."""
    portfolio = _portfolio(user_id)
    portfolio.token = None
    record_audit("writing.portfolio_revoked", "portfolio", user_id, actor_id=user_id)
    db.session.commit()
    return portfolio


def portfolio_entries(user_id: int) -> list[ApprovedWork]:
    """The chosen versions, in the engineer's order; a version no longer approved is left out."""
    return entries_among(approved_work(user_id), chosen_version_ids(user_id))


def entries_among(approved: list[ApprovedWork], chosen: list[int]) -> list[ApprovedWork]:
    """`portfolio_entries` from the approved work and the chosen version ids a page has read already."""
    by_version = {work.version_id: work for work in approved}
    return [by_version[version_id] for version_id in chosen if version_id in by_version]


def versions_by_id(version_ids: list[int]) -> list[DocumentVersion]:
    if not version_ids:
        return []
    return list(db.session.scalars(select(DocumentVersion).where(DocumentVersion.id.in_(version_ids))))


def shared_portfolio(token: str) -> Portfolio | None:
    if not token:
        return None
    return db.session.scalar(select(Portfolio).where(Portfolio.token == token))
