"""Cohort matching runs: start one on the worker, solve the whole cohort at once, publish the proposals.

The rules themselves (pair scores, the optimal assignment) live in `pmcohort.matching`.
"""

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from pmcohort.accounts.models import User
from pmcohort.cohorts.models import Cohort, CohortMember, Match, MatchingRun, PairRule
from pmcohort.core import jobs
from pmcohort.core.errors import ServiceError
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain.limits import PROPOSAL_EXPIRES_AFTER
from pmcohort.domain.statuses import (
    MATCH_OPEN,
    RUN_IN_PROGRESS,
    MatchSource,
    MatchStatus,
    MemberRole,
    PairRuleKind,
    RunStatus,
)
from pmcohort.domain.wording import counted
from pmcohort.matching import assign, candidate_weights, no_candidate_reasons, score_pair
from pmcohort.mentorships.inputs import (
    build_inputs,
    reference_week_start,
)
from pmcohort.notifications import reminders
from pmcohort.notifications.outbox import enqueue
from pmcohort.ops.models import record_audit

CANDIDATES_PER_ENGINEER = 50
RUN_STALE_AFTER = timedelta(minutes=15)  # a run this old and still in progress lost its worker


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


RUN_JOB = jobs.JobKind(MatchingRun, "Failed", (ValueError, ServiceError), "The run failed unexpectedly; try again.")


def execute_run(run_id: int) -> bool:
    """Solve a queued run and store its preview. Returns False if it was not queued (already done elsewhere)."""
    if not jobs.claim(RUN_JOB, run_id, progress=5, stage="Loading profiles"):
        return False
    run = db.session.get(MatchingRun, run_id)
    try:
        run.result = _solve(run)
        run.status, run.progress, run.stage, run.finished_at = RunStatus.DONE, 100, "Ready to review", utcnow()
        db.session.commit()
    except Exception as error:
        if not jobs.record_failure(RUN_JOB, run_id, error):
            raise
    return True


def _solve(run: MatchingRun) -> dict:
    cohort = db.session.get(Cohort, run.cohort_id)
    engineers, mentors = _members(cohort.id, MemberRole.ENGINEER), _members(cohort.id, MemberRole.MENTOR)
    names = {user.id: user.name for user in engineers + mentors}
    kept = {
        match.engineer_id: match
        for match in db.session.scalars(
            select(Match).where(
                Match.engineer_id.in_([u.id for u in engineers]),
                Match.status.in_(MATCH_OPEN),
                Match.focus_skill.is_(None),  # a secondary mentor is not the engineer's match
            )
        )
        if match.status == MatchStatus.ACTIVE or match.cohort_id == cohort.id
    }
    to_match = [user for user in engineers if user.id not in kept]
    week_start = reference_week_start(cohort.start_date)
    inputs = build_inputs(to_match, mentors, week_start)
    jobs.show_progress(
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
    jobs.show_progress(run, 60, f"Finding the best assignment over {counted(len(weights), 'candidate pair')}")
    capacity = {mentor.id: mentor.capacity for mentor in inputs.mentors}
    assignment = assign(weights, capacity, pinned=pinned, forbidden=forbidden)
    jobs.show_progress(run, 85, "Explaining each pair")

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
