"""Who reviews an engineer's written work: their active mentor, their cohorts' mentors through a shared queue, and
their cohorts' leads."""

from sqlalchemy import select

from pmcohort.cohorts.models import CohortLead, CohortMember, Match
from pmcohort.core.extensions import db
from pmcohort.domain.statuses import MatchStatus, MemberRole
from pmcohort.writing.models import Document, SharedReviewQueue


def active_mentor_id(engineer_id: int) -> int | None:
    return db.session.scalar(
        select(Match.mentor_id).where(Match.engineer_id == engineer_id, Match.status == MatchStatus.ACTIVE)
    )


def shared_queue_cohort_id(engineer_id: int) -> int | None:
    """The first cohort the engineer belongs to whose lead turned on the shared review queue."""
    return db.session.scalar(
        select(CohortMember.cohort_id)
        .join(SharedReviewQueue, SharedReviewQueue.cohort_id == CohortMember.cohort_id)
        .where(CohortMember.user_id == engineer_id, CohortMember.role == MemberRole.ENGINEER)
        .order_by(CohortMember.cohort_id)
        .limit(1)
    )


def is_cohort_mentor(user_id: int, cohort_id: int) -> bool:
    return (
        db.session.scalar(
            select(CohortMember.id).where(
                CohortMember.cohort_id == cohort_id,
                CohortMember.user_id == user_id,
                CohortMember.role == MemberRole.MENTOR,
            )
        )
        is not None
    )


def author_cohort_ids(engineer_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(CohortMember.cohort_id).where(
                CohortMember.user_id == engineer_id, CohortMember.role == MemberRole.ENGINEER
            )
        )
    )


def lead_ids_for(document: Document) -> set[int]:
    """The leads of every cohort the author is an engineer in."""
    cohort_ids = author_cohort_ids(document.author_id)
    if not cohort_ids:
        return set()
    return set(db.session.scalars(select(CohortLead.user_id).where(CohortLead.cohort_id.in_(cohort_ids))))
