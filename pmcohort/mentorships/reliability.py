"""Mentors' reliability from their record of the last 90 days (rules in `domain.reliability`).

Each source of slips is one function `(mentor ids, since) -> [(mentor id, Slip)]` in
`SLIP_SOURCES`; overdue reviews and debriefs never published join as functions of the same shape
when those features land.
"""

from collections import defaultdict
from collections.abc import Callable, Collection
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select

from pmcohort.cohorts.models import Match
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain import reliability as rules
from pmcohort.domain.statuses import Attendance, MatchStatus, ParticipantRole
from pmcohort.mentoring.models import MentoringSession, SessionParticipant

SlipSource = Callable[[Collection[int], datetime], list[tuple[int, rules.Slip]]]


def late_cancellations(mentor_ids: Collection[int], since: datetime) -> list[tuple[int, rules.Slip]]:
    """Sessions the mentor hosted and cancelled themselves with under 24 hours' notice."""
    rows = db.session.execute(
        select(MentoringSession.host_id, MentoringSession.cancelled_at).where(
            MentoringSession.host_id.in_(list(mentor_ids)),
            MentoringSession.cancelled_by == MentoringSession.host_id,
            MentoringSession.cancelled_late.is_(True),
            MentoringSession.cancelled_at >= since,
        )
    )
    return [(host_id, rules.Slip(rules.LATE_CANCELLATION, at)) for host_id, at in rows]


def no_shows(mentor_ids: Collection[int], since: datetime) -> list[tuple[int, rules.Slip]]:
    """Sessions whose engineer reported that the hosting mentor did not come."""
    rows = db.session.execute(
        select(SessionParticipant.user_id, SessionParticipant.start_at).where(
            SessionParticipant.user_id.in_(list(mentor_ids)),
            SessionParticipant.role == ParticipantRole.HOST,
            SessionParticipant.attendance == Attendance.NO_SHOW,
            SessionParticipant.start_at >= since,
        )
    )
    return [(mentor_id, rules.Slip(rules.NO_SHOW, at)) for mentor_id, at in rows]


SLIP_SOURCES: list[SlipSource] = [late_cancellations, no_shows]


def answer_times(mentor_ids: Collection[int], since: datetime) -> dict[int, list[timedelta]]:
    """How long each mentor took to answer the match proposals made to them since `since`."""
    rows = db.session.execute(
        select(Match.mentor_id, Match.created_at, Match.mentor_accepted_at, Match.closed_at).where(
            Match.mentor_id.in_(list(mentor_ids)),
            Match.created_at >= since,
            or_(
                Match.mentor_accepted_at.is_not(None),
                and_(Match.status == MatchStatus.DECLINED, Match.closed_by == Match.mentor_id),
            ),
        )
    )
    found: dict[int, list[timedelta]] = defaultdict(list)
    for mentor_id, created, accepted, closed in rows:
        found[mentor_id].append((accepted or closed) - created)
    return found


def factors_for(mentor_ids: Collection[int], now: datetime | None = None) -> dict[int, rules.Reliability]:
    """Every mentor's reliability; a mentor without a record gets 1.0."""
    now = now or utcnow()
    ids = list(mentor_ids)
    since = now - rules.WINDOW
    slips: dict[int, list[rules.Slip]] = defaultdict(list)
    for source in SLIP_SOURCES:
        for mentor_id, slip in source(ids, since):
            slips[mentor_id].append(slip)
    answers = answer_times(ids, since)
    return {
        mentor_id: rules.reliability(answers.get(mentor_id, ()), slips.get(mentor_id, ()), now) for mentor_id in ids
    }


def of(mentor_id: int) -> rules.Reliability:
    return factors_for([mentor_id])[mentor_id]
