"""The effective gap profile: collecting observations, blending them with the self-report, snapshots.

`refresh` recomputes engineers' snapshots (call it when evidence lands); `snapshots_for` is what
matching reads, refreshing only rows that are missing or were made from an older assessment or
older rules.
"""

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain import evidence as rules
from pmcohort.domain.limits import GAP_THRESHOLD
from pmcohort.domain.vocabulary import SKILLS
from pmcohort.evidence.models import SkillSnapshot
from pmcohort.evidence.sources import OBSERVATION_SOURCES, PITFALL_SOURCES, Evidence, PitfallEvidence
from pmcohort.matching import Mentee
from pmcohort.matching.pair_score import gap_order
from pmcohort.profiles.models import AssessmentAttempt, EngineerProfile

# Observations lose weight as they age (half-life 90 days): after a week a snapshot with observations is
# recomputed when read (in memory on a page, saved by a matching run).
OBSERVED_SCORES_KEEP = timedelta(days=7)


def latest_attempt(user_id: int) -> AssessmentAttempt | None:
    """The user's latest finished assessment: the last completed, the later row on a tie."""
    return db.session.scalar(
        select(AssessmentAttempt)
        .where(AssessmentAttempt.user_id == user_id)
        .order_by(AssessmentAttempt.completed_at.desc(), AssessmentAttempt.id.desc())
        .limit(1)
    )


def latest_attempts(user_ids: Iterable[int]) -> dict[int, AssessmentAttempt]:
    """`latest_attempt` for many users at once, picking the same row."""
    ids = list(user_ids)
    latest = (
        select(AssessmentAttempt.user_id, func.max(AssessmentAttempt.completed_at).label("completed_at"))
        .where(AssessmentAttempt.user_id.in_(ids))
        .group_by(AssessmentAttempt.user_id)
        .subquery()
    )
    attempts = db.session.scalars(
        select(AssessmentAttempt)
        .join(
            latest,
            (AssessmentAttempt.user_id == latest.c.user_id) & (AssessmentAttempt.completed_at == latest.c.completed_at),
        )
        .order_by(AssessmentAttempt.id)  # on a tie the later row is put last, and so kept
    )
    return {attempt.user_id: attempt for attempt in attempts}


_Found = TypeVar("_Found", Evidence, PitfallEvidence)


def _per_engineer(
    sources: Iterable[Callable[[Collection[int]], Iterable[_Found]]],
    engineer_ids: Collection[int],
    observed_at: Callable[[_Found], datetime],
) -> dict[int, list[_Found]]:
    """What every source found about each engineer, oldest first."""
    found: dict[int, list[_Found]] = defaultdict(list)
    for source in sources:
        for item in source(engineer_ids):
            found[item.engineer_id].append(item)
    for items in found.values():
        items.sort(key=observed_at)
    return found


def evidence_of(engineer_ids: Collection[int]) -> dict[int, list[Evidence]]:
    """Every observation of the engineers' skills, from every source, oldest first."""
    return _per_engineer(OBSERVATION_SOURCES, engineer_ids, lambda item: item.observation.observed_at)


def pitfalls_of(engineer_ids: Collection[int]) -> dict[int, list[PitfallEvidence]]:
    return _per_engineer(PITFALL_SOURCES, engineer_ids, lambda item: item.observed_at)


def largest_gap(scores: dict[str, int], path: str | None) -> str | None:
    """The skill furthest below the gap threshold (ties by what matters on the path); None without a gap."""
    measured = [skill for skill in gap_order(Mentee(id=0, skills=scores, path=path)) if skill in scores]
    return measured[0] if measured and scores[measured[0]] < GAP_THRESHOLD else None


def refresh(
    engineer_ids: Collection[int], now: datetime | None = None, *, persist: bool = True
) -> dict[int, SkillSnapshot]:
    """Recompute the engineers' snapshots from their latest assessment and every observation.

    With `persist` the rows are saved (flushed; the caller commits); without it they are computed
    in memory only, for a page that must not write. An engineer with neither an assessment nor an
    observation gets no snapshot.
    """
    now = now or utcnow()
    ids = list(engineer_ids)
    attempts = latest_attempts(ids)
    evidence, pitfalls = evidence_of(ids), pitfalls_of(ids)
    paths = dict(
        db.session.execute(
            select(EngineerProfile.user_id, EngineerProfile.path).where(EngineerProfile.user_id.in_(ids))
        ).all()
    )
    existing = {s.user_id: s for s in db.session.scalars(select(SkillSnapshot).where(SkillSnapshot.user_id.in_(ids)))}
    result = {}
    for user_id in ids:
        attempt = attempts.get(user_id)
        self_reported = dict(attempt.skill_scores) if attempt else {}
        observed = rules.observed_scores((item.observation for item in evidence.get(user_id, ())), now)
        if not self_reported and not observed:
            continue
        effective = rules.effective_scores(self_reported, observed)
        snapshot = (existing.get(user_id) if persist else None) or SkillSnapshot(user_id=user_id)
        snapshot.rules_version = rules.EVIDENCE_RULES_VERSION
        snapshot.attempt_id = attempt.id if attempt else None
        snapshot.self_reported = self_reported
        snapshot.effective = {skill: blend.score for skill, blend in effective.items()}
        snapshot.observed = {
            skill: {
                "score": seen.score,
                "observations": seen.observations,
                "sources": seen.sources,
                "kinds": list(seen.kinds),
                "weight": effective[skill].observed_weight,
            }
            for skill, seen in observed.items()
        }
        snapshot.confirmed_pitfalls = sorted(
            rules.confirmed_pitfalls(item.pitfall for item in pitfalls.get(user_id, ()))
        )
        snapshot.largest_gap = largest_gap(snapshot.effective, paths.get(user_id))
        snapshot.computed_at = now
        if persist:
            db.session.add(snapshot)
        result[user_id] = snapshot
    if persist:
        db.session.flush()
    return result


def _latest_attempt_id(user_id_column):
    """The id of the engineer's latest attempt, as `latest_attempts` picks it, for one row of a query."""
    # Aliased, so it still finds the attempt inside a query that selects attempts itself.
    attempt = aliased(AssessmentAttempt)
    return (
        select(attempt.id)
        .where(attempt.user_id == user_id_column)
        .order_by(attempt.completed_at.desc(), attempt.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _current(snapshot: SkillSnapshot, latest_attempt_id: int | None) -> bool:
    """Made by today's rules from the latest assessment, and, when it holds observations, recently
    enough that their recency weights still hold."""
    return (
        snapshot.rules_version == rules.EVIDENCE_RULES_VERSION
        and snapshot.attempt_id == latest_attempt_id
        and (not snapshot.observed or snapshot.computed_at >= utcnow() - OBSERVED_SCORES_KEEP)
    )


def snapshots_for(engineer_ids: Collection[int], *, persist: bool = False) -> dict[int, SkillSnapshot]:
    """Each engineer's current snapshot, one row each, in one query; missing or outdated ones are recomputed
    first (and saved with `persist`: a page reads, a matching run on the worker saves)."""
    ids = list(engineer_ids)
    rows = db.session.execute(
        select(SkillSnapshot, _latest_attempt_id(SkillSnapshot.user_id)).where(SkillSnapshot.user_id.in_(ids))
    ).all()
    snapshots = {snapshot.user_id: snapshot for snapshot, latest in rows if _current(snapshot, latest)}
    outdated = [user_id for user_id in ids if user_id not in snapshots]
    if outdated:
        snapshots.update(refresh(outdated, persist=persist))
    return snapshots


def snapshot_and_profile(engineer_id: int) -> tuple[SkillSnapshot | None, EngineerProfile | None]:
    """One engineer's current snapshot and profile, in one query when the snapshot is current."""
    row = db.session.execute(
        select(EngineerProfile, SkillSnapshot, _latest_attempt_id(SkillSnapshot.user_id))
        .select_from(SkillSnapshot)
        .outerjoin(EngineerProfile, EngineerProfile.user_id == SkillSnapshot.user_id)
        .where(SkillSnapshot.user_id == engineer_id)
    ).first()
    if row is None:
        return current_snapshot(engineer_id, None, None), db.session.get(EngineerProfile, engineer_id)
    profile, stored, latest_attempt_id = row
    return current_snapshot(engineer_id, latest_attempt_id, stored), profile


def with_assessment_and_snapshot(query: Select, user_id_column) -> Select:
    """`query` with two more columns for the user in `user_id_column`: their latest assessment attempt
    and their stored snapshot (either may be None), for `current_snapshot`."""
    return (
        query.add_columns(AssessmentAttempt, SkillSnapshot)
        .outerjoin(AssessmentAttempt, AssessmentAttempt.id == _latest_attempt_id(user_id_column))
        .outerjoin(SkillSnapshot, SkillSnapshot.user_id == user_id_column)
    )


def current_snapshot(user_id: int, latest_attempt_id: int | None, stored: SkillSnapshot | None) -> SkillSnapshot | None:
    """The stored snapshot when it is current; otherwise one recomputed in memory, as `snapshots_for` does."""
    if stored is not None and _current(stored, latest_attempt_id):
        return stored
    return refresh([user_id], persist=False).get(user_id)


@dataclass(frozen=True)
class SkillRow:
    """One skill of the gap profile page: the two sources side by side, and the blend."""

    skill: str
    self_reported: int | None
    observed: int | None
    observations: int
    kinds: tuple[str, ...]
    observed_weight: float
    effective: int | None


def profile_rows(snapshot: SkillSnapshot | None) -> list[SkillRow]:
    rows = []
    for skill in SKILLS:
        seen = (snapshot.observed if snapshot else {}).get(skill)
        rows.append(
            SkillRow(
                skill=skill,
                self_reported=(snapshot.self_reported if snapshot else {}).get(skill),
                observed=seen["score"] if seen else None,
                observations=seen["observations"] if seen else 0,
                kinds=tuple(seen["kinds"]) if seen else (),
                observed_weight=seen["weight"] if seen else 0.0,
                effective=(snapshot.effective if snapshot else {}).get(skill),
            )
        )
    return rows


def top_gaps(snapshot: SkillSnapshot | None, path: str | None, count: int = 3) -> list[tuple[str, int]]:
    """Up to `count` effective gaps, largest first: (skill, effective score)."""
    if snapshot is None or not snapshot.effective:
        return []
    order = gap_order(Mentee(id=0, skills=snapshot.effective, path=path))
    scores = snapshot.effective
    return [(skill, scores[skill]) for skill in order if skill in scores and scores[skill] < GAP_THRESHOLD][:count]
