"""What mentors observe, turned into a score per skill, and blended with what the engineer reported.

Every rubric dimension a mentor scores (mock interviews, role-plays, document reviews) names a skill
of the gap profile. Those scores are the evidence here: plain data in, plain data out, no database.

Rules, version 1 (stored with every snapshot that uses them):
- an observation's weight halves every 90 days, so the last 90 days count most;
- the observed score is the weighted mean level, 1-4, put on the 0-100 scale of the gap profile;
- the effective score, which matching and the top gaps use, blends the self-report with the
  observed score: observation counts for a little at first and dominates (70-90%) once a skill has
  at least 2 observations from at least 2 different sessions or documents;
- a pitfall observed by mentors twice counts as confirmed, whatever the questionnaire said.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from pmcohort.domain.limits import RUBRIC_LEVEL
from pmcohort.domain.vocabulary import PITFALLS, SKILLS

EVIDENCE_RULES_VERSION = 1
HALF_LIFE = timedelta(days=90)
# Below the threshold each observation moves the score a little; at it, observation dominates.
WEIGHT_PER_EARLY_OBSERVATION, MAX_EARLY_WEIGHT = 0.2, 0.4  # never more than the self-report before the threshold
DOMINANT_AT_OBSERVATIONS, DOMINANT_AT_SOURCES = 2, 2
DOMINANT_WEIGHT, WEIGHT_PER_LATER_OBSERVATION, MAX_OBSERVED_WEIGHT = 0.7, 0.05, 0.9
PITFALL_CONFIRMED_AT = 2


@dataclass(frozen=True)
class Observation:
    """One rubric dimension a mentor scored: which skill it evidences, how well, when and where."""

    skill: str
    level: int  # RUBRIC_LEVEL, 1-4
    observed_at: datetime
    source: str  # what it came from, e.g. "session:12" or "document:4": one session or document
    kind: str  # the kind of work: mock interview, role-play, document review...

    def __post_init__(self) -> None:
        if self.skill not in SKILLS:
            raise ValueError(f"unknown skill {self.skill!r}")
        if self.level not in RUBRIC_LEVEL:
            raise ValueError(f"level {self.level!r} is not in {RUBRIC_LEVEL.low}-{RUBRIC_LEVEL.high}")


@dataclass(frozen=True)
class ObservedSkill:
    score: int  # 0-100, like the self-reported score
    observations: int
    sources: int  # distinct sessions or documents
    kinds: tuple[str, ...]  # the kinds of work the observations came from, sorted


@dataclass(frozen=True)
class EffectiveSkill:
    score: int  # what matching and the top gaps use
    self_reported: int | None
    observed: ObservedSkill | None
    observed_weight: float  # 0 (self-report only) to MAX_OBSERVED_WEIGHT


def observed_scores(observations: Iterable[Observation], now: datetime) -> dict[str, ObservedSkill]:
    """Each observed skill's recency-weighted score; skills nobody observed are left out."""
    by_skill: dict[str, list[Observation]] = defaultdict(list)
    for observation in observations:
        by_skill[observation.skill].append(observation)
    result = {}
    for skill, seen in by_skill.items():
        weights = [0.5 ** (max(now - o.observed_at, timedelta(0)) / HALF_LIFE) for o in seen]
        level = sum(w * o.level for w, o in zip(weights, seen, strict=True)) / sum(weights)
        result[skill] = ObservedSkill(
            score=round(100 * (level - RUBRIC_LEVEL.low) / (RUBRIC_LEVEL.high - RUBRIC_LEVEL.low)),
            observations=len(seen),
            sources=len({o.source for o in seen}),
            kinds=tuple(sorted({o.kind for o in seen})),
        )
    return result


def observed_weight(observed: ObservedSkill | None) -> float:
    """How much the observed score counts in the blend."""
    if observed is None:
        return 0.0
    if observed.observations >= DOMINANT_AT_OBSERVATIONS and observed.sources >= DOMINANT_AT_SOURCES:
        extra = observed.observations - DOMINANT_AT_OBSERVATIONS
        return min(MAX_OBSERVED_WEIGHT, DOMINANT_WEIGHT + WEIGHT_PER_LATER_OBSERVATION * extra)
    return min(WEIGHT_PER_EARLY_OBSERVATION * observed.observations, MAX_EARLY_WEIGHT)


def effective_scores(
    self_reported: Mapping[str, int], observed: Mapping[str, ObservedSkill]
) -> dict[str, EffectiveSkill]:
    """Every skill with a self-report or an observation, blended; a skill with neither is left out."""
    result = {}
    for skill in SKILLS:
        reported, seen = self_reported.get(skill), observed.get(skill)
        if reported is None and seen is None:
            continue
        weight = observed_weight(seen) if reported is not None else 1.0
        score = (
            seen.score
            if reported is None
            else reported
            if seen is None
            else weight * seen.score + (1 - weight) * reported
        )
        result[skill] = EffectiveSkill(round(score), reported, seen, weight)
    return result


def confirmed_pitfalls(observed_pitfalls: Iterable[str]) -> set[str]:
    """Pitfalls mentors marked at least twice: confirmed, whatever the questionnaire said."""
    counts: dict[str, int] = defaultdict(int)
    for pitfall in observed_pitfalls:
        if pitfall not in PITFALLS:
            raise ValueError(f"unknown pitfall {pitfall!r}")
        counts[pitfall] += 1
    return {pitfall for pitfall, count in counts.items() if count >= PITFALL_CONFIRMED_AT}
