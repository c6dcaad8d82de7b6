"""Mentors' reliability from their record of the last 90 days (rules in `domain.reliability`).

Each source of slips is one function `(mentor ids, since) -> select(mentor_id, kind, at, NULL)` in
`SLIP_SOURCES`; overdue reviews (and review turnaround) and debriefs never published join as
functions of the same shape when those features land, with their kind's cost in `domain.reliability`.
"""

from collections import defaultdict
from collections.abc import Callable, Collection
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, cast, func, literal, null, or_, select, union_all

from pmcohort.cohorts.models import Match
from pmcohort.core.extensions import db
from pmcohort.core.types import UTCDateTime, utcnow
from pmcohort.domain import reliability as rules
from pmcohort.domain.statuses import Attendance, MatchStatus, ParticipantRole
from pmcohort.mentoring.models import MentoringSession, SessionParticipant

# A source selects (mentor_id, kind, at, asked_at) rows: a slip of `kind` at `at` (asked_at NULL), or,
# for kind ANSWER, an answer at `at` to a proposal made at `asked_at`. All of them run as one query.
SlipSource = Callable[[list[int], datetime], Select]
ANSWER = "answer"
_NO_TIME = cast(null(), UTCDateTime())


def late_cancellations(mentor_ids: list[int], since: datetime) -> Select:
    """Sessions the mentor hosted and cancelled themselves with under 24 hours' notice."""
    return select(
        MentoringSession.host_id, literal(rules.LATE_CANCELLATION), MentoringSession.cancelled_at, _NO_TIME
    ).where(
        MentoringSession.host_id.in_(mentor_ids),
        MentoringSession.cancelled_by == MentoringSession.host_id,
        MentoringSession.cancelled_late.is_(True),
        MentoringSession.cancelled_at >= since,
    )


def no_shows(mentor_ids: list[int], since: datetime) -> Select:
    """Sessions whose engineer reported that the hosting mentor did not come."""
    return select(SessionParticipant.user_id, literal(rules.NO_SHOW), SessionParticipant.start_at, _NO_TIME).where(
        SessionParticipant.user_id.in_(mentor_ids),
        SessionParticipant.role == ParticipantRole.HOST,
        SessionParticipant.attendance == Attendance.NO_SHOW,
        SessionParticipant.start_at >= since,
    )


def answers(mentor_ids: list[int], since: datetime) -> Select:
    """When the mentor answered each match proposal made to them since `since` (accepted, or declined themselves)."""
    declined_by_mentor = and_(Match.status == MatchStatus.DECLINED, Match.closed_by == Match.mentor_id)
    return select(
        Match.mentor_id,
        literal(ANSWER),
        func.coalesce(Match.mentor_accepted_at, Match.closed_at),
        Match.created_at,
    ).where(
        Match.mentor_id.in_(mentor_ids),
        Match.created_at >= since,
        or_(Match.mentor_accepted_at.is_not(None), declined_by_mentor),
    )


SLIP_SOURCES: list[SlipSource] = [late_cancellations, no_shows]


def factors_for(mentor_ids: Collection[int], now: datetime | None = None) -> dict[int, rules.Reliability]:
    """Every mentor's reliability, from one query; a mentor without a record gets 1.0."""
    now = now or utcnow()
    ids = list(mentor_ids)
    since = now - rules.WINDOW
    slips: dict[int, list[rules.Slip]] = defaultdict(list)
    answer_times: dict[int, list[timedelta]] = defaultdict(list)
    if ids:
        statement = union_all(*(source(ids, since) for source in (*SLIP_SOURCES, answers)))
        for mentor_id, kind, at, asked_at in db.session.execute(statement):
            if kind == ANSWER:
                answer_times[mentor_id].append(at - asked_at)
            else:
                slips[mentor_id].append(rules.Slip(kind, at))
    return {
        mentor_id: rules.reliability(answer_times.get(mentor_id, ()), slips.get(mentor_id, ()), now)
        for mentor_id in ids
    }


def of(mentor_id: int) -> rules.Reliability:
    return factors_for([mentor_id])[mentor_id]
