"""Re-matching when an engineer's largest gap moves.

When new evidence moves the engineer's largest effective gap to a skill their mentor is rated
WEAK_STRENGTH or lower in, the cohort's leads (the engineer, outside a cohort) get a proposal
naming the best available mentors for that skill. They choose a short secondary match for the
skill, a re-match, or neither; nothing changes until they do.
"""

from dataclasses import replace

from sqlalchemy import select

from pmcohort.accounts.models import User
from pmcohort.cohorts.models import CohortMember, Match
from pmcohort.core.errors import NotFoundError, ServiceError
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain.limits import PROPOSAL_EXPIRES_AFTER
from pmcohort.domain.statuses import MATCH_OPEN, MatchSource, MatchStatus, MemberRole, RematchChoice, RematchStatus
from pmcohort.domain.vocabulary import SKILLS
from pmcohort.evidence import services as evidence
from pmcohort.evidence.models import SkillSnapshot
from pmcohort.matching import score_pair
from pmcohort.matching.pair_score import STRONG_STRENGTH, UNRATED_STRENGTH
from pmcohort.mentorships import reliability
from pmcohort.mentorships.inputs import mentee_input, mentor_input, reference_week_start, weekly_minutes_of
from pmcohort.mentorships.models import RematchProposal
from pmcohort.mentorships.services import free_place, mentor_rows
from pmcohort.notifications import reminders
from pmcohort.notifications.outbox import enqueue
from pmcohort.ops.models import record_audit
from pmcohort.profiles.models import EngineerProfile, MentorProfile, MentorStrength

WEAK_STRENGTH = 2  # a mentor rated this or lower (of 5) in the new largest gap prompts a proposal
CANDIDATE_COUNT = 3


def after_profile_change(engineer_id: int) -> RematchProposal | None:
    """Recompute the engineer's effective profile in the caller's transaction; propose if the top gap moved.

    Call it wherever evidence lands (session rubric scores today; document reviews and debriefs
    next) and when a new assessment does. It flushes and leaves the commit to the caller.
    """
    before = db.session.get(SkillSnapshot, engineer_id)
    previous = before.largest_gap if before else _self_reported_largest_gap(engineer_id)
    snapshot = evidence.refresh([engineer_id]).get(engineer_id)
    if snapshot is None or snapshot.largest_gap is None or snapshot.largest_gap == previous:
        return None
    return _consider(engineer_id, snapshot, previous)


def _self_reported_largest_gap(engineer_id: int) -> str | None:
    """Before any snapshot, the profile was the assessment alone."""
    attempt = evidence.latest_attempt(engineer_id)
    profile = db.session.get(EngineerProfile, engineer_id)
    return evidence.largest_gap(attempt.skill_scores, profile.path if profile else None) if attempt else None


def _consider(engineer_id: int, snapshot: SkillSnapshot, previous: str | None) -> RematchProposal | None:
    skill = snapshot.largest_gap
    match = db.session.scalar(
        select(Match).where(
            Match.engineer_id == engineer_id, Match.status == MatchStatus.ACTIVE, Match.focus_skill.is_(None)
        )
    )
    if match is None:
        return None
    strength = (
        db.session.scalar(
            select(MentorStrength.level).where(
                MentorStrength.mentor_id == match.mentor_id, MentorStrength.skill == skill
            )
        )
        or UNRATED_STRENGTH
    )
    if strength > WEAK_STRENGTH:
        return None
    if db.session.scalar(
        select(Match.id).where(
            Match.engineer_id == engineer_id, Match.focus_skill == skill, Match.status.in_(MATCH_OPEN)
        )
    ):
        return None  # a second mentor for this skill is already proposed or at work
    current = open_proposal_of(engineer_id)
    if current is not None:
        if current.skill == skill:
            return current
        current.status, current.decided_at = RematchStatus.SUPERSEDED, utcnow()
        db.session.flush()  # the one-open-proposal index must see it closed before the new row
    proposal = RematchProposal(
        engineer_id=engineer_id,
        cohort_id=match.cohort_id,
        match_id=match.id,
        mentor_id=match.mentor_id,
        skill=skill,
        previous_skill=previous,
        skill_score=snapshot.effective[skill],
        mentor_strength=strength,
        candidates=best_mentors_for(engineer_id, snapshot, skill, exclude=match.mentor_id, cohort_id=match.cohort_id),
    )
    db.session.add(proposal)
    db.session.flush()
    _audit("rematch.proposed", proposal, "engineer_id", "skill", "previous_skill", "mentor_id", "mentor_strength")
    enqueue("rematch.proposed", proposal_id=proposal.id)
    return proposal


def best_mentors_for(
    engineer_id: int, snapshot: SkillSnapshot, skill: str, *, exclude: int, cohort_id: int | None
) -> list[dict]:
    """Mentors strong in `skill` who share enough time with the engineer, strongest then best-fitting first;
    in a cohort, its mentors only (the lead's pool, as in a matching run).

    Full mentors are kept, with their capacity, so the lead sees who would fit if a place opened.
    """
    in_cohort = (
        [
            User.id.in_(
                select(CohortMember.user_id).where(
                    CohortMember.cohort_id == cohort_id, CohortMember.role == MemberRole.MENTOR
                )
            )
        ]
        if cohort_id is not None
        else []
    )
    rows = mentor_rows(
        User.id.not_in([engineer_id, exclude]),
        MentorProfile.strengths.any((MentorStrength.skill == skill) & (MentorStrength.level >= STRONG_STRENGTH)),
        *in_cohort,
    )
    if not rows:
        return []
    engineer = db.session.get(User, engineer_id)
    weeks = weekly_minutes_of([engineer, *(profile.user for profile, _ in rows)], reference_week_start())
    mentee = mentee_input(
        engineer, snapshot.effective, db.session.get(EngineerProfile, engineer_id), weeks[engineer_id]
    )
    factors = reliability.factors_for([profile.user_id for profile, _ in rows])
    found = []
    for profile, pending_count in rows:
        mentor = mentor_input(profile, pending_count, weeks[profile.user_id], factors[profile.user_id].factor)
        pair = score_pair(mentee, replace(mentor, capacity=max(mentor.capacity, 1)))  # fit, whatever the capacity
        if not pair.feasible:
            continue
        found.append(
            {
                "mentor_id": profile.user_id,
                "name": profile.user.name,
                "strength": profile.strength_levels()[skill],
                "score": round(pair.score, 4),
                "reasons": list(pair.reasons),
                "free_places": mentor.capacity,
                "capacity": profile.capacity,
                "reliability": factors[profile.user_id].factor,
                "reliability_reasons": list(factors[profile.user_id].reasons),
            }
        )
    found.sort(key=lambda c: (-c["strength"], -c["score"], c["name"]))
    return found[:CANDIDATE_COUNT]


def open_proposal_of(engineer_id: int) -> RematchProposal | None:
    return db.session.scalar(
        select(RematchProposal).where(
            RematchProposal.engineer_id == engineer_id, RematchProposal.status == RematchStatus.OPEN
        )
    )


def _audit(action: str, proposal: RematchProposal, *columns: str, actor_id: int | None = None, **details) -> None:
    """Record `action` with the named columns of the proposal as they now stand, and `details`."""
    details |= {column: getattr(proposal, column) for column in columns}
    record_audit(action, "rematch_proposal", proposal.id, actor_id=actor_id, **details)


def _open_for_decision(proposal_id: int) -> RematchProposal:
    proposal = db.session.get(RematchProposal, proposal_id, with_for_update={"of": RematchProposal})
    if proposal is None:
        raise NotFoundError("rematch proposal", proposal_id)
    if proposal.status != RematchStatus.OPEN:
        raise ServiceError(None, f"This proposal is already {proposal.status}.")
    return proposal


def approve(proposal_id: int, *, actor_id: int, choice: str, mentor_id: int | None) -> Match:
    """Start what the decider chose: a secondary match for the skill, or a re-match (which ends the current one)."""
    proposal = _open_for_decision(proposal_id)
    if choice not in tuple(RematchChoice):
        raise ServiceError("choice", "Choose a second mentor for this skill or a new mentor.")
    candidate = next((c for c in proposal.candidates if c["mentor_id"] == mentor_id), None)
    if candidate is None:
        raise ServiceError("mentor_id", "Choose one of the mentors proposed here.")
    profile = db.session.get(MentorProfile, mentor_id, with_for_update=True)
    if profile is None or profile.free_places <= 0:
        taken, capacity = (profile.active_mentees, profile.capacity) if profile else (0, 0)
        raise ServiceError(
            "mentor_id",
            f"{candidate['name']} is full: {taken} of {capacity} places taken. "
            "Choose another mentor, or ask them to raise their capacity first.",
        )
    now = utcnow()
    skill_label = SKILLS[proposal.skill]
    current = db.session.get(Match, proposal.match_id, with_for_update={"of": Match}) if proposal.match_id else None
    if choice == RematchChoice.REMATCH and current is not None and current.status == MatchStatus.ACTIVE:
        free_place(current.mentor_id)
        current.status, current.closed_at, current.closed_by = MatchStatus.ENDED, now, actor_id
        current.close_reason = f"Re-matched: {skill_label.lower()} became the largest gap."
        record_audit("match.ended", "match", current.id, actor_id=actor_id, reason=current.close_reason)
    in_cohort = proposal.cohort_id is not None
    match = Match(
        cohort_id=proposal.cohort_id,
        engineer_id=proposal.engineer_id,
        mentor_id=mentor_id,
        source=MatchSource.COHORT if in_cohort else MatchSource.REQUEST,
        score=candidate["score"],
        reasons=candidate["reasons"],
        focus_skill=proposal.skill if choice == RematchChoice.SECONDARY else None,
        # The engineer chose it themselves outside a cohort: their side is accepted.
        engineer_accepted_at=now if actor_id == proposal.engineer_id else None,
    )
    db.session.add(match)
    db.session.flush()
    reminders.plan_proposal(match, PROPOSAL_EXPIRES_AFTER)
    enqueue("match.proposed" if in_cohort else "match.requested", match_id=match.id)
    proposal.status, proposal.choice, proposal.chosen_mentor_id = RematchStatus.APPROVED, choice, mentor_id
    proposal.new_match_id, proposal.decided_by, proposal.decided_at = match.id, actor_id, now
    # The chosen mentor under the key earlier audit rows use.
    _audit("rematch.approved", proposal, "choice", "new_match_id", actor_id=actor_id, mentor_id=mentor_id)
    enqueue("rematch.approved", proposal_id=proposal.id)
    db.session.commit()
    return match


def dismiss(proposal_id: int, *, actor_id: int) -> None:
    proposal = _open_for_decision(proposal_id)
    proposal.status, proposal.decided_by, proposal.decided_at = RematchStatus.DISMISSED, actor_id, utcnow()
    _audit("rematch.dismissed", proposal, actor_id=actor_id)
    db.session.commit()
