"""Who reviews an engineer's written work: their active mentor, their cohorts' mentors through a shared queue, and
their cohorts' leads."""

from collections.abc import Iterable

from sqlalchemy import select

from pmcohort.accounts.models import User
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


def cohort_mentors(cohort_ids, *, except_ids: Iterable[int]) -> list[User]:
    """The mentors of any of these cohorts (ids, or a select of them) but `except_ids`, each once, by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(CohortMember, CohortMember.user_id == User.id)
            .where(
                CohortMember.role == MemberRole.MENTOR,
                CohortMember.cohort_id.in_(cohort_ids),
                User.id.not_in(list(except_ids)),
            )
            .distinct()
            .order_by(User.name)
        )
    )


def queue_mentors(document: Document, *, except_ids: Iterable[int] = ()) -> list[User]:
    """The mentors who can claim the document from its cohort's shared review queue."""
    if document.queue_cohort_id is None:
        return []
    return cohort_mentors([document.queue_cohort_id], except_ids=[document.author_id, *except_ids])
