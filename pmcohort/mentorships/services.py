"""Matching operations: cohort runs, publishing, the match lifecycle, and requests outside a cohort.

The rules themselves (pair scores, the optimal assignment) live in `pmcohort.matching`;
this module loads profiles into them, saves what they decide, and asks for notifications.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from pmcohort.accounts.models import User, UserRole
from pmcohort.cohorts.models import Cohort, CohortMember, Match, MatchingRun, PairRule
from pmcohort.core.errors import NotFoundError, ServiceError
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain.availability import weekly_minutes
from pmcohort.domain.limits import PROPOSAL_EXPIRES_AFTER
from pmcohort.domain.statuses import (
    MATCH_OPEN,
    RUN_IN_PROGRESS,
    MatchSide,
    MatchSource,
    MatchStatus,
    MemberRole,
    PairRuleKind,
    Role,
    RunStatus,
)
from pmcohort.domain.wording import counted
from pmcohort.matching import Mentee, Mentor, PairScore, assign, candidate_weights, no_candidate_reasons, score_pair
from pmcohort.notifications import reminders
from pmcohort.notifications.outbox import enqueue
from pmcohort.ops.models import record_audit
from pmcohort.profiles import services as profiles
from pmcohort.profiles.models import AssessmentAttempt, EngineerProfile, MentorProfile

CANDIDATES_PER_ENGINEER = 50
RUN_STALE_AFTER = timedelta(minutes=15)  # a run this old and still in progress lost its worker
MAX_OPEN_REQUESTS = 3
SUGGESTION_COUNT = 5
MAX_REASON_LENGTH = 500


# --- turning profiles into the matching engine's inputs


def reference_week_start(start_date: date | None = None, now: datetime | None = None) -> datetime:
    """Monday 00:00 UTC of the week matching plans for: the cohort's first week, or this week if it has begun."""
    today = (now or utcnow()).date()
    day = max(start_date or today, today)
    return datetime.combine(day - timedelta(days=day.weekday()), time(0), tzinfo=UTC)


def _latest_attempts(user_ids: Iterable[int]) -> dict[int, AssessmentAttempt]:
    ids = list(user_ids)
    latest = (
        select(AssessmentAttempt.user_id, func.max(AssessmentAttempt.completed_at).label("completed_at"))
        .where(AssessmentAttempt.user_id.in_(ids))
        .group_by(AssessmentAttempt.user_id)
        .subquery()
    )
    attempts = db.session.scalars(
        select(AssessmentAttempt).join(
            latest,
            (AssessmentAttempt.user_id == latest.c.user_id) & (AssessmentAttempt.completed_at == latest.c.completed_at),
        )
    )
    return {attempt.user_id: attempt for attempt in attempts}


def _weeks(users: list[User], week_start: datetime) -> dict[int, tuple[tuple[int, int], ...]]:
    return {
        user_id: weekly_minutes(availability, week_start)
        for user_id, availability in profiles.availabilities(users).items()
    }


def _pending_proposals(mentor_ids: Iterable[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(Match.mentor_id, func.count())
        .where(Match.mentor_id.in_(list(mentor_ids)), Match.status == MatchStatus.PROPOSED)
        .group_by(Match.mentor_id)
    )
    return dict(rows.all())


@dataclass
class Inputs:
    mentees: list[Mentee]
    mentors: list[Mentor]
    skipped: dict[int, str]  # engineer id -> why they could not be considered


def build_inputs(engineers: list[User], mentors: list[User], week_start: datetime) -> Inputs:
    attempts = _latest_attempts(user.id for user in engineers)
    engineer_profiles = {
        p.user_id: p
        for p in db.session.scalars(
            select(EngineerProfile).where(EngineerProfile.user_id.in_([u.id for u in engineers]))
        )
    }
    mentor_profiles = {
        p.user_id: p
        for p in db.session.scalars(
            select(MentorProfile)
            .options(selectinload(MentorProfile.strengths))
            .where(MentorProfile.user_id.in_([u.id for u in mentors]))
        )
    }
    pending = _pending_proposals(mentor_profiles)
    weeks = _weeks(engineers + mentors, week_start)

    skipped: dict[int, str] = {}
    mentees = []
    for user in engineers:
        attempt = attempts.get(user.id)
        if attempt is None:
            skipped[user.id] = "has not taken the readiness assessment yet"
            continue
        mentees.append(_mentee(user, attempt, engineer_profiles.get(user.id), weeks[user.id]))
    mentor_inputs = [
        _mentor(profile, pending.get(profile.user_id, 0), weeks[profile.user_id])
        for profile in mentor_profiles.values()
    ]
    return Inputs(mentees, mentor_inputs, skipped)


def _mentee(user: User, attempt: AssessmentAttempt, profile: EngineerProfile | None, week) -> Mentee:
    return Mentee(
        id=user.id,
        skills=attempt.skill_scores,
        path=profile.path if profile else None,
        domain=profile.target_domain if profile else None,
        week=week,
    )


def _mentor(profile: MentorProfile, pending: int, week) -> Mentor:
    return Mentor(
        id=profile.user_id,
        strengths=profile.strength_levels(),
        former_engineer=profile.former_engineer,
        paths=frozenset(profile.paths),
        domains=frozenset(profile.domains),
        capacity=max(0, profile.free_places - pending),
        week=week,
    )


# --- cohort runs


def _members(cohort_id: int, role: str) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(CohortMember, CohortMember.user_id == User.id)
            .where(CohortMember.cohort_id == cohort_id, CohortMember.role == role, User.active.is_(True))
            .order_by(User.name, User.id)
        )
    )


def latest_run(cohort_id: int) -> MatchingRun | None:
    return db.session.scalar(
        select(MatchingRun).where(MatchingRun.cohort_id == cohort_id).order_by(MatchingRun.id.desc()).limit(1)
    )


def start_run(cohort_id: int, *, actor_id: int) -> MatchingRun:
    if not _members(cohort_id, MemberRole.ENGINEER):
        raise ServiceError(None, "This cohort has no engineers yet. Enroll them first.")
    if not _members(cohort_id, MemberRole.MENTOR):
        raise ServiceError(None, "This cohort has no mentors yet. Enroll them first.")
    db.session.execute(
        update(MatchingRun)
        .where(
            MatchingRun.cohort_id == cohort_id,
            MatchingRun.status.in_(RUN_IN_PROGRESS),
            MatchingRun.created_at < utcnow() - RUN_STALE_AFTER,
        )
        .values(status=RunStatus.FAILED, error="No worker finished this run in time.", finished_at=utcnow())
    )
    run = MatchingRun(cohort_id=cohort_id, started_by=actor_id)
    db.session.add(run)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ServiceError(
            None, "A matching run is already in progress for this cohort. Wait for it to finish."
        ) from None
    enqueue("matching.run", run_id=run.id)
    record_audit("matching.run_started", "matching_run", run.id, actor_id=actor_id, cohort_id=cohort_id)
    db.session.commit()
    return run


def _progress(run: MatchingRun, percent: int, stage: str) -> None:
    run.progress, run.stage = percent, stage
    db.session.commit()


def execute_run(run_id: int) -> bool:
    """Solve a queued run and store its preview. Returns False if it was not queued (already done elsewhere)."""
    claimed = db.session.execute(
        update(MatchingRun)
        .where(MatchingRun.id == run_id, MatchingRun.status == RunStatus.QUEUED)
        .values(status=RunStatus.RUNNING, progress=5, stage="Loading profiles")
    ).rowcount
    db.session.commit()
    if not claimed:
        return False
    run = db.session.get(MatchingRun, run_id)
    try:
        run.result = _solve(run)
        run.status, run.progress, run.stage, run.finished_at = RunStatus.DONE, 100, "Ready to review", utcnow()
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        run = db.session.get(MatchingRun, run_id)
        run.status, run.stage, run.finished_at = RunStatus.FAILED, "Failed", utcnow()
        run.error = (
            str(error) if isinstance(error, (ValueError, ServiceError)) else "The run failed unexpectedly; try again."
        )
        db.session.commit()
        if not isinstance(error, (ValueError, ServiceError)):
            raise
    return True


def _solve(run: MatchingRun) -> dict:
    cohort = db.session.get(Cohort, run.cohort_id)
    engineers, mentors = _members(cohort.id, MemberRole.ENGINEER), _members(cohort.id, MemberRole.MENTOR)
    names = {user.id: user.name for user in engineers + mentors}
    kept = {
        match.engineer_id: match
        for match in db.session.scalars(
            select(Match).where(Match.engineer_id.in_([u.id for u in engineers]), Match.status.in_(MATCH_OPEN))
        )
        if match.status == MatchStatus.ACTIVE or match.cohort_id == cohort.id
    }
    to_match = [user for user in engineers if user.id not in kept]
    week_start = reference_week_start(cohort.start_date)
    inputs = build_inputs(to_match, mentors, week_start)
    _progress(
        run, 25, f"Scoring {counted(len(inputs.mentees), 'engineer')} against {counted(len(inputs.mentors), 'mentor')}"
    )

    rules = db.session.scalars(select(PairRule).where(PairRule.cohort_id == cohort.id)).all()
    considered = {mentee.id for mentee in inputs.mentees}
    mentor_ids = {mentor.id for mentor in inputs.mentors}
    pinned = [
        (r.engineer_id, r.mentor_id)
        for r in rules
        if r.kind == PairRuleKind.PINNED and r.engineer_id in considered and r.mentor_id in mentor_ids
    ]
    declined = db.session.execute(
        select(Match.engineer_id, Match.mentor_id).where(
            Match.cohort_id == cohort.id, Match.status == MatchStatus.DECLINED
        )
    ).all()
    forbidden = {(r.engineer_id, r.mentor_id) for r in rules if r.kind == PairRuleKind.FORBIDDEN} | {
        tuple(pair) for pair in declined
    }
    forbidden -= set(pinned)

    weights = candidate_weights(inputs.mentees, inputs.mentors, k=CANDIDATES_PER_ENGINEER)
    _progress(run, 60, f"Finding the best assignment over {counted(len(weights), 'candidate pair')}")
    capacity = {mentor.id: mentor.capacity for mentor in inputs.mentors}
    assignment = assign(weights, capacity, pinned=pinned, forbidden=forbidden)
    _progress(run, 85, "Explaining each pair")

    mentee_by_id = {mentee.id: mentee for mentee in inputs.mentees}
    mentor_by_id = {mentor.id: mentor for mentor in inputs.mentors}
    pinned_set = set(pinned)
    proposals = []
    for engineer_id, mentor_id in assignment.items():
        pair = score_pair(mentee_by_id[engineer_id], mentor_by_id[mentor_id])
        reasons = list(pair.reasons)
        if (engineer_id, mentor_id) in pinned_set:
            reasons.insert(0, "Pinned by the cohort lead")
            if pair.blocker:
                reasons.append(f"Note: {pair.blocker}")
        proposals.append(
            {
                "engineer_id": engineer_id,
                "engineer": names[engineer_id],
                "mentor_id": mentor_id,
                "mentor": names[mentor_id],
                "score": round(pair.score, 4),
                "reasons": reasons,
            }
        )
    proposals.sort(key=lambda p: (-p["score"], p["engineer"]))

    without_candidates = no_candidate_reasons([m for m in inputs.mentees if m.id not in assignment], inputs.mentors)
    unmatched = []
    for user in to_match:
        if user.id in assignment:
            continue
        reason = (
            inputs.skipped.get(user.id)
            or without_candidates.get(user.id)
            or "every mentor who shares enough time with them is full; add mentors or raise capacity"
        )
        unmatched.append({"engineer_id": user.id, "engineer": user.name, "reason": reason})
    kept_rows = [
        {
            "engineer_id": m.engineer_id,
            "engineer": m.engineer.name,
            "mentor_id": m.mentor_id,
            "mentor": m.mentor.name,
            "status": m.status,
        }
        for m in kept.values()
    ]
    return {
        "week_start": week_start.isoformat(),
        "proposals": proposals,
        "unmatched": unmatched,
        "kept": kept_rows,
        "total_score": round(sum(p["score"] for p in proposals), 4),
        "mentors_considered": len(inputs.mentors),
        "mentors_without_profile": [names[u.id] for u in mentors if u.id not in mentor_ids],
    }


def publish_run(run_id: int, *, actor_id: int) -> list[Match]:
    run = db.session.get(MatchingRun, run_id, with_for_update=True)  # a double click publishes once
    if run is None or run.status != RunStatus.DONE:
        raise ServiceError(None, "Only a finished run can be published.")
    if latest_run(run.cohort_id).id != run.id:
        raise ServiceError(None, "A newer run exists for this cohort; publish that one instead.")
    proposals = (run.result or {}).get("proposals", [])
    if not proposals:
        raise ServiceError(
            None, "This run found no pairs to publish. Check the unmatched engineers' reasons, then run again."
        )
    busy = set(
        db.session.scalars(
            select(Match.engineer_id).where(
                Match.engineer_id.in_([p["engineer_id"] for p in proposals]), Match.status.in_(MATCH_OPEN)
            )
        )
    )
    created = []
    for proposal in proposals:
        if proposal["engineer_id"] in busy:
            continue  # matched some other way since the run; their current match stands
        match = Match(
            cohort_id=run.cohort_id,
            run_id=run.id,
            engineer_id=proposal["engineer_id"],
            mentor_id=proposal["mentor_id"],
            source=MatchSource.COHORT,
            score=proposal["score"],
            reasons=proposal["reasons"],
        )
        db.session.add(match)
        created.append(match)
    db.session.flush()
    for match in created:
        enqueue("match.proposed", match_id=match.id)
        reminders.plan_proposal(match, PROPOSAL_EXPIRES_AFTER)
    db.session.execute(
        update(MatchingRun)
        .where(MatchingRun.cohort_id == run.cohort_id, MatchingRun.status == RunStatus.DONE, MatchingRun.id != run.id)
        .values(status=RunStatus.SUPERSEDED)
    )
    run.status, run.published_at = RunStatus.PUBLISHED, utcnow()
    record_audit("matching.run_published", "matching_run", run.id, actor_id=actor_id, proposals=len(created))
    db.session.commit()
    return created


# --- the match lifecycle


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


def _free_place(mentor_id: int) -> None:
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
    if side == MatchSide.ENGINEER:
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
    others = db.session.scalars(
        select(Match).where(
            Match.engineer_id == match.engineer_id, Match.status == MatchStatus.PROPOSED, Match.id != match.id
        )
    ).all()
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
        _free_place(match.mentor_id)
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
            _free_place(match.mentor_id)
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


def _latest_attempt_and_profile(engineer_id: int) -> tuple[AssessmentAttempt | None, EngineerProfile | None]:
    row = db.session.execute(
        select(AssessmentAttempt, EngineerProfile)
        .outerjoin(EngineerProfile, EngineerProfile.user_id == AssessmentAttempt.user_id)
        .where(AssessmentAttempt.user_id == engineer_id)
        .order_by(AssessmentAttempt.completed_at.desc(), AssessmentAttempt.id.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else (None, None)


def _open_mentor_pairs(engineer_id: int, *, only_mentor: int | None = None) -> MentorSearch:
    """Mentors with a free place and no open match with the engineer, scored for them; feasible pairs only.

    Five queries whatever the number of mentors: the engineer's attempt and profile, the mentors with
    their profiles, strengths and pending proposals, then everyone's weekly windows and time away.
    """
    engineer = db.session.get(User, engineer_id)
    attempt, engineer_profile = _latest_attempt_and_profile(engineer_id)
    if attempt is None:
        return MentorSearch(assessed=False, suggestions=[])
    pending = (
        select(func.count())
        .select_from(Match)
        .where(Match.mentor_id == MentorProfile.user_id, Match.status == MatchStatus.PROPOSED)
        .scalar_subquery()
    )
    open_with_engineer = (
        select(Match.id)
        .where(Match.mentor_id == MentorProfile.user_id, Match.engineer_id == engineer_id, Match.status.in_(MATCH_OPEN))
        .exists()
    )
    query = (
        select(MentorProfile, pending)
        .join(User, User.id == MentorProfile.user_id)
        .options(contains_eager(MentorProfile.user), joinedload(MentorProfile.strengths))
        .where(
            User.active.is_(True),
            User.id != engineer_id,
            MentorProfile.active_mentees < MentorProfile.capacity,
            User.role_rows.any(UserRole.role == Role.MENTOR),
            ~open_with_engineer,
        )
    )
    if only_mentor is not None:
        query = query.where(User.id == only_mentor)
    mentors = db.session.execute(query).unique().all()
    if not mentors:
        return MentorSearch(assessed=True, suggestions=[])
    weeks = _weeks([engineer, *(profile.user for profile, _ in mentors)], reference_week_start())
    mentee = _mentee(engineer, attempt, engineer_profile, weeks[engineer_id])
    scored = (
        Suggestion(profile.user, profile, score_pair(mentee, _mentor(profile, pending_count, weeks[profile.user_id])))
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


def board_matches(cohort_id: int) -> list[Match]:
    """The cohort's matches, and the active ones its engineers have from elsewhere (a request, an
    earlier cohort), which matching keeps: in one query."""
    engineers = select(CohortMember.user_id).where(
        CohortMember.cohort_id == cohort_id, CohortMember.role == MemberRole.ENGINEER
    )
    return list(
        db.session.scalars(
            select(Match)
            .where(
                or_(
                    Match.cohort_id == cohort_id,
                    (Match.status == MatchStatus.ACTIVE) & Match.engineer_id.in_(engineers),
                )
            )
            .order_by(Match.status, Match.id)
        )
    )


def matches_for(user_id: int) -> list[Match]:
    return list(
        db.session.scalars(
            select(Match)
            .where(or_(Match.engineer_id == user_id, Match.mentor_id == user_id))
            .order_by(Match.created_at.desc(), Match.id.desc())
        )
    )
