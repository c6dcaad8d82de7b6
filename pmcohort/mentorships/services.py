"""The match lifecycle (accept, decline, end, expiry) and requests outside a cohort.

Cohort runs are in `runs.py`; what the engine is fed comes from `inputs.py`.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from pmcohort.accounts.models import User, UserRole
from pmcohort.cohorts.models import Match
from pmcohort.core.errors import NotFoundError, ServiceError
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain.limits import PROPOSAL_EXPIRES_AFTER
from pmcohort.domain.statuses import (
    MATCH_OPEN,
    MatchSource,
    MatchStatus,
    MemberRole,
    Role,
)
from pmcohort.evidence import services as evidence
from pmcohort.matching import PairScore, score_pair
from pmcohort.mentorships import reliability
from pmcohort.mentorships.inputs import (
    mentee_input,
    mentor_input,
    reference_week_start,
    weekly_minutes_of,
)
from pmcohort.notifications import reminders
from pmcohort.notifications.outbox import enqueue
from pmcohort.ops.models import record_audit
from pmcohort.profiles.models import MentorProfile

MAX_OPEN_REQUESTS = 3
SUGGESTION_COUNT = 5
MAX_REASON_LENGTH = 500


# --- the match lifecycle


def matches_for(user_id: int) -> list[Match]:
    return list(
        db.session.scalars(
            select(Match)
            .where(or_(Match.engineer_id == user_id, Match.mentor_id == user_id))
            .options(joinedload(Match.cohort))  # cohort proposals are named after their cohort
            .order_by(Match.created_at.desc(), Match.id.desc())
        )
    )


def _take_place(mentor_id: int) -> bool:
    """Count one more active mentee for the mentor, unless that would pass capacity.

    A single conditional UPDATE: concurrent accepts queue on the row lock and each
    re-checks the condition on the committed value, so capacity holds under any race.
    """
    result = db.session.execute(
        update(MentorProfile)
        .where(MentorProfile.user_id == mentor_id, MentorProfile.active_mentees < MentorProfile.capacity)
        .values(active_mentees=MentorProfile.active_mentees + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def free_place(mentor_id: int) -> None:
    db.session.execute(
        update(MentorProfile)
        .where(MentorProfile.user_id == mentor_id, MentorProfile.active_mentees > 0)
        .values(active_mentees=MentorProfile.active_mentees - 1)
        .execution_options(synchronize_session=False)
    )


def _open_match_for(match_id: int, user_id: int) -> tuple[Match, str]:
    match = db.session.get(Match, match_id, with_for_update={"of": Match})
    side = match.side_of(user_id) if match else None
    if side is None:
        raise NotFoundError("match", match_id)
    return match, side


def accept(match_id: int, *, user_id: int) -> Match:
    match, side = _open_match_for(match_id, user_id)
    if match.status != MatchStatus.PROPOSED:
        raise ServiceError(None, f"This match is {match.status}; it can no longer be accepted.")
    now = utcnow()
    if side == MemberRole.ENGINEER:
        match.engineer_accepted_at = match.engineer_accepted_at or now
    else:
        match.mentor_accepted_at = match.mentor_accepted_at or now
    record_audit("match.accepted_by", "match", match.id, actor_id=user_id, side=side)
    if match.engineer_accepted_at and match.mentor_accepted_at:
        _activate(match, now)
    db.session.commit()
    return match


def _activate(match: Match, now: datetime) -> None:
    if not _take_place(match.mentor_id):
        db.session.rollback()
        raise ServiceError(None, f"{match.mentor.name} has no free place left, so this match cannot start.")
    match.status, match.activated_at = MatchStatus.ACTIVE, now
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ServiceError(None, f"{match.engineer.name} already has an active mentor.") from None
    # A main match withdraws the engineer's other main proposals; a secondary one sits beside them.
    others = (
        db.session.scalars(
            select(Match).where(
                Match.engineer_id == match.engineer_id,
                Match.status == MatchStatus.PROPOSED,
                Match.id != match.id,
                Match.focus_skill.is_(None),
            )
        ).all()
        if match.focus_skill is None
        else []
    )
    for other in others:
        other.status, other.closed_at, other.close_reason = (
            MatchStatus.WITHDRAWN,
            now,
            "The engineer started another match.",
        )
        enqueue("match.withdrawn", match_id=other.id)
    record_audit("match.activated", "match", match.id, engineer_id=match.engineer_id, mentor_id=match.mentor_id)
    enqueue("match.accepted", match_id=match.id)


def decline(match_id: int, *, user_id: int, reason: str) -> Match:
    reason = reason.strip()
    if not reason:
        raise ServiceError("reason", "Say briefly why, so the lead can find a better match.")
    if len(reason) > MAX_REASON_LENGTH:
        raise ServiceError("reason", f"Keep the reason under {MAX_REASON_LENGTH} characters.")
    match, side = _open_match_for(match_id, user_id)
    if match.status != MatchStatus.PROPOSED:
        raise ServiceError(None, f"This match is {match.status}; it can no longer be declined.")
    match.status, match.closed_at, match.closed_by, match.close_reason = MatchStatus.DECLINED, utcnow(), user_id, reason
    record_audit("match.declined", "match", match.id, actor_id=user_id, side=side, reason=reason)
    enqueue("match.declined", match_id=match.id)
    db.session.commit()
    return match


def end_match(match_id: int, *, actor_id: int, reason: str, completed: bool = False) -> Match:
    """A lead ends a match early, or marks it completed; the mentor's place is freed."""
    match = db.session.get(Match, match_id, with_for_update={"of": Match})
    if match is None:
        raise NotFoundError("match", match_id)
    if match.status not in MATCH_OPEN:
        raise ServiceError(None, f"This match is already {match.status}.")
    if completed and match.status != MatchStatus.ACTIVE:
        raise ServiceError(None, "Only an active match can be completed.")
    if match.status == MatchStatus.ACTIVE:
        free_place(match.mentor_id)
    match.status = MatchStatus.COMPLETED if completed else MatchStatus.ENDED
    match.closed_at, match.closed_by, match.close_reason = utcnow(), actor_id, reason.strip() or None
    record_audit(f"match.{match.status}", "match", match.id, actor_id=actor_id, reason=reason)
    db.session.commit()
    return match


def end_open_matches_in_cohort(cohort_id: int, user_id: int, *, actor_id: int, reason: str) -> int:
    """End, in the caller's transaction, the proposed and active matches `user_id` has in `cohort_id`
    (they left the cohort); the mentors' places are freed. Returns how many were ended."""
    matches = db.session.scalars(
        select(Match)
        .where(
            Match.cohort_id == cohort_id,
            or_(Match.engineer_id == user_id, Match.mentor_id == user_id),
            Match.status.in_(MATCH_OPEN),
        )
        .with_for_update(of=Match)
    ).all()
    for match in matches:
        if match.status == MatchStatus.ACTIVE:
            free_place(match.mentor_id)
        match.status, match.closed_at, match.closed_by, match.close_reason = (
            MatchStatus.ENDED,
            utcnow(),
            actor_id,
            reason,
        )
        record_audit("match.ended", "match", match.id, actor_id=actor_id, reason=reason)
    return len(matches)


def expire_stale_proposals(now: datetime | None = None) -> int:
    cutoff = (now or utcnow()) - PROPOSAL_EXPIRES_AFTER
    stale = db.session.scalars(
        select(Match)
        .where(Match.status == MatchStatus.PROPOSED, Match.created_at < cutoff)
        .with_for_update(skip_locked=True, of=Match)
    ).all()
    for match in stale:
        match.status, match.closed_at, match.close_reason = (
            MatchStatus.EXPIRED,
            utcnow(),
            f"Not answered within {PROPOSAL_EXPIRES_AFTER.days} days.",
        )
        record_audit("match.expired", "match", match.id)
        enqueue("match.expired", match_id=match.id)
    db.session.commit()
    return len(stale)


# --- outside a cohort: suggestions and requests


@dataclass(frozen=True)
class Suggestion:
    mentor: User
    profile: MentorProfile
    pair: PairScore


@dataclass(frozen=True)
class MentorSearch:
    assessed: bool  # no suggestions without a readiness assessment to score against
    suggestions: list[Suggestion]


def mentor_rows(*conditions) -> list[tuple[MentorProfile, int]]:
    """Active mentors meeting `conditions`, with their user and strengths loaded and their pending proposals
    counted: (profile, pending), in one query."""
    pending = (
        select(func.count())
        .select_from(Match)
        .where(Match.mentor_id == MentorProfile.user_id, Match.status == MatchStatus.PROPOSED)
        .scalar_subquery()
    )
    query = (
        select(MentorProfile, pending)
        .join(User, User.id == MentorProfile.user_id)
        .options(contains_eager(MentorProfile.user), joinedload(MentorProfile.strengths))
        .where(User.active.is_(True), User.role_rows.any(UserRole.role == Role.MENTOR), *conditions)
    )
    return [tuple(row) for row in db.session.execute(query).unique().all()]


def _open_mentor_pairs(engineer_id: int, *, only_mentor: int | None = None) -> MentorSearch:
    """Mentors with a free place and no open match with the engineer, scored for them; feasible pairs only.

    Five queries whatever the number of mentors: the engineer's snapshot and profile, the mentors with
    their profiles, strengths and pending proposals, everyone's weekly windows and time away (one
    union), and the mentors' reliability records.
    """
    engineer = db.session.get(User, engineer_id)
    snapshot, engineer_profile = evidence.snapshot_and_profile(engineer_id)
    if snapshot is None:
        return MentorSearch(assessed=False, suggestions=[])
    open_with_engineer = (
        select(Match.id)
        .where(Match.mentor_id == MentorProfile.user_id, Match.engineer_id == engineer_id, Match.status.in_(MATCH_OPEN))
        .exists()
    )
    mentors = mentor_rows(
        User.id != engineer_id,
        MentorProfile.active_mentees < MentorProfile.capacity,
        ~open_with_engineer,
        *([User.id == only_mentor] if only_mentor is not None else []),
    )
    if not mentors:
        return MentorSearch(assessed=True, suggestions=[])
    weeks = weekly_minutes_of([engineer, *(profile.user for profile, _ in mentors)], reference_week_start())
    mentee = mentee_input(engineer, snapshot.effective, engineer_profile, weeks[engineer_id])
    factors = reliability.factors_for([profile.user_id for profile, _ in mentors])
    scored = (
        Suggestion(
            profile.user,
            profile,
            score_pair(
                mentee,
                mentor_input(profile, pending_count, weeks[profile.user_id], factors[profile.user_id].factor),
            ),
        )
        for profile, pending_count in mentors
    )
    return MentorSearch(assessed=True, suggestions=[suggestion for suggestion in scored if suggestion.pair.feasible])


def search_mentors(engineer_id: int, limit: int = SUGGESTION_COUNT) -> MentorSearch:
    """The engineer's best-fitting available mentors, best first."""
    found = _open_mentor_pairs(engineer_id)
    return MentorSearch(
        found.assessed, sorted(found.suggestions, key=lambda suggestion: -suggestion.pair.score)[:limit]
    )


def is_open_request(match: Match, engineer_id: int) -> bool:
    """A mentor the engineer asked who has not answered yet (`open_requests` counts these in the database)."""
    return (
        match.engineer_id == engineer_id
        and match.source == MatchSource.REQUEST
        and match.status == MatchStatus.PROPOSED
    )


def open_requests(engineer_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Match)
        .where(
            Match.engineer_id == engineer_id, Match.source == MatchSource.REQUEST, Match.status == MatchStatus.PROPOSED
        )
    )


def request_mentor(engineer_id: int, mentor_id: int) -> Match:
    # One request at a time per engineer, so two quick clicks cannot pass the open-request limit.
    db.session.get(User, engineer_id, with_for_update=True)
    if db.session.scalar(select(Match.id).where(Match.engineer_id == engineer_id, Match.status == MatchStatus.ACTIVE)):
        raise ServiceError(None, "You already have an active mentor. End that match before asking another.")
    if open_requests(engineer_id) >= MAX_OPEN_REQUESTS:
        raise ServiceError(
            None, f"You have {MAX_OPEN_REQUESTS} open requests. Wait for an answer or withdraw one first."
        )
    if db.session.scalar(
        select(Match.id).where(
            Match.engineer_id == engineer_id, Match.mentor_id == mentor_id, Match.status.in_(MATCH_OPEN)
        )
    ):
        raise ServiceError(None, "You already have an open request or match with this mentor.")
    offered = _open_mentor_pairs(engineer_id, only_mentor=mentor_id).suggestions
    if not offered:
        raise ServiceError(
            None, "This mentor is not available to you right now (no free place or no shared weekly time)."
        )
    pair = offered[0].pair
    match = Match(
        engineer_id=engineer_id,
        mentor_id=mentor_id,
        source=MatchSource.REQUEST,
        score=round(pair.score, 4),
        reasons=list(pair.reasons),
        engineer_accepted_at=utcnow(),
    )
    db.session.add(match)
    db.session.flush()
    record_audit("match.requested", "match", match.id, actor_id=engineer_id, mentor_id=mentor_id)
    enqueue("match.requested", match_id=match.id)
    reminders.plan_proposal(match, PROPOSAL_EXPIRES_AFTER)
    db.session.commit()
    return match
