"""Mentors' reliability from their record of the last 90 days (rules in `domain.reliability`).

Each source of slips is one function `(mentor ids, since) -> select(mentor_id, kind, at, NULL)` in
`SLIP_SOURCES`, with its kind's cost in `domain.reliability`: late cancellations, no-shows, reviews
decided or still waiting past their due time, and debriefs of held sessions never published.
"""

from collections.abc import Callable, Collection
from datetime import datetime

from sqlalchemy import CompoundSelect, Select, and_, cast, func, literal, null, or_, select, union_all

from pmcohort.cohorts.models import Match
from pmcohort.core.extensions import db
from pmcohort.core.types import UTCDateTime, utcnow
from pmcohort.domain import reliability as rules
from pmcohort.domain.limits import DEBRIEF_DUE_WITHIN, REVIEW_DUE_WITHIN
from pmcohort.domain.statuses import (
    DEBRIEF_SESSION_KINDS,
    DOCUMENT_AWAITING_REVIEW,
    Attendance,
    DebriefStatus,
    MatchStatus,
    ParticipantRole,
    ReviewRole,
    SessionStatus,
)
from pmcohort.mentoring.models import MentoringSession, SessionDebrief, SessionParticipant
from pmcohort.writing.models import Document, DocumentReview

# A source selects (mentor_id, kind, at, asked_at) rows: a slip of `kind` at `at` (asked_at NULL), or,
# for kind ANSWER, an answer at `at` to a proposal made at `asked_at`. All of them run as one query.
# The mentors are ids, or a select of them (the cohort console's mentors, inside its own statement).
Mentors = Collection[int] | Select
SlipSource = Callable[[Mentors, datetime], Select]
_NO_TIME = cast(null(), UTCDateTime())


def late_cancellations(mentor_ids: Mentors, since: datetime) -> Select:
    """Sessions the mentor hosted and cancelled themselves with under 24 hours' notice."""
    return select(
        MentoringSession.host_id, literal(rules.LATE_CANCELLATION), MentoringSession.cancelled_at, _NO_TIME
    ).where(
        MentoringSession.host_id.in_(mentor_ids),
        MentoringSession.cancelled_by == MentoringSession.host_id,
        MentoringSession.cancelled_late.is_(True),
        MentoringSession.cancelled_at >= since,
    )


def no_shows(mentor_ids: Mentors, since: datetime) -> Select:
    """Sessions whose engineer reported that the hosting mentor did not come."""
    return select(SessionParticipant.user_id, literal(rules.NO_SHOW), SessionParticipant.start_at, _NO_TIME).where(
        SessionParticipant.user_id.in_(mentor_ids),
        SessionParticipant.role == ParticipantRole.HOST,
        SessionParticipant.attendance == Attendance.NO_SHOW,
        SessionParticipant.start_at >= since,
    )


def answers(mentor_ids: Mentors, since: datetime) -> Select:
    """When the mentor answered each match proposal made to them since `since` (accepted, or declined themselves)."""
    declined_by_mentor = and_(Match.status == MatchStatus.DECLINED, Match.closed_by == Match.mentor_id)
    return select(
        Match.mentor_id,
        literal(rules.ANSWER),
        func.coalesce(Match.mentor_accepted_at, Match.closed_at),
        Match.created_at,
    ).where(
        Match.mentor_id.in_(mentor_ids),
        Match.created_at >= since,
        or_(Match.mentor_accepted_at.is_not(None), declined_by_mentor),
    )


def late_reviews(mentor_ids: Mentors, since: datetime) -> Select:
    """Decisions the mentor gave more than REVIEW_DUE_WITHIN after the submission they were asked to review.

    Only their own mentees' documents: in a shared queue the wait before a claim is nobody's slip.
    """
    return (
        select(DocumentReview.reviewer_id, literal(rules.OVERDUE_REVIEW), DocumentReview.submitted_at, _NO_TIME)
        .join(Document, Document.id == DocumentReview.document_id)
        .where(
            DocumentReview.reviewer_id.in_(mentor_ids),
            DocumentReview.role == ReviewRole.PRIMARY,
            Document.queue_cohort_id.is_(None),
            DocumentReview.submitted_at >= since,
            DocumentReview.turnaround_seconds > REVIEW_DUE_WITHIN.total_seconds(),
        )
    )


def waiting_reviews(mentor_ids: Mentors, since: datetime) -> Select:
    """Submissions waiting on the mentor for longer than REVIEW_DUE_WITHIN (a claim lapses on its own)."""
    return select(Document.reviewer_id, literal(rules.OVERDUE_REVIEW), Document.submitted_at, _NO_TIME).where(
        Document.reviewer_id.in_(mentor_ids),
        Document.queue_cohort_id.is_(None),
        Document.status.in_(DOCUMENT_AWAITING_REVIEW),
        Document.submitted_at >= since,
        Document.submitted_at <= since + rules.WINDOW - REVIEW_DUE_WITHIN,
    )


def unpublished_debriefs(mentor_ids: Mentors, since: datetime) -> Select:
    """Practice and shadowing sessions held more than DEBRIEF_DUE_WITHIN ago without a published debrief."""
    published = select(SessionDebrief.session_id).where(SessionDebrief.status == DebriefStatus.PUBLISHED)
    return select(
        MentoringSession.host_id, literal(rules.UNPUBLISHED_DEBRIEF), MentoringSession.start_at, _NO_TIME
    ).where(
        MentoringSession.host_id.in_(mentor_ids),
        MentoringSession.kind.in_(DEBRIEF_SESSION_KINDS),
        MentoringSession.status == SessionStatus.COMPLETED,
        MentoringSession.start_at >= since,
        MentoringSession.start_at <= since + rules.WINDOW - DEBRIEF_DUE_WITHIN,
        MentoringSession.id.not_in(published),
    )


SLIP_SOURCES: list[SlipSource] = [late_cancellations, no_shows, late_reviews, waiting_reviews, unpublished_debriefs]


def record(mentor_ids: Mentors, since: datetime) -> CompoundSelect:
    """Every slip and answer of the mentors since `since`: one statement of (mentor_id, kind, at, asked_at)
    rows, which `domain.reliability.reliabilities` reads."""
    return union_all(*(source(mentor_ids, since) for source in (*SLIP_SOURCES, answers)))


def factors_for(mentor_ids: Collection[int], now: datetime | None = None) -> dict[int, rules.Reliability]:
    """Every mentor's reliability, from one query; a mentor without a record gets 1.0."""
    now = now or utcnow()
    ids = list(mentor_ids)
    rows = db.session.execute(record(ids, now - rules.WINDOW)).all() if ids else []
    return rules.reliabilities(rows, ids, now)


def of(mentor_id: int) -> rules.Reliability:
    return factors_for([mentor_id])[mentor_id]
