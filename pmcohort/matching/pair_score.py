"""How well one PM mentor fits one engineer, and why, in words a person reads.

score = reliability × coverage × context, in [0, 1].

- coverage (0-1) is the mentor's strength in the engineer's gaps, weighted by the gap's rank:
  the largest gap counts most, and the two largest together outweigh everything else, so a
  mentor rated 5 in both of them always beats one rated 3 or lower there.
- context (1 to 1 + MAX_CONTEXT_BONUS) is shared path, domain, a former-engineer past and shared
  hours past the minimum: enough to separate near-equals, never enough to beat strength.
- reliability (0.7-1) is the mentor's record: answering, showing up, reviewing on time.

Hard constraints (a pair failing one is not a candidate, score 0): the mentor has capacity, and
the two share at least an hour a week.

Weekly availability is counted in whole 15-minute slots of a reference week (every time-zone
offset is a multiple of 15 minutes, so windows on a quarter-hour grid lose nothing); a
part-covered slot does not count.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from numbers import Integral

from pmcohort.domain.limits import GAP_THRESHOLD
from pmcohort.domain.times import format_duration
from pmcohort.domain.vocabulary import DOMAINS, PATHS, SKILL_PRIORITY_BY_PATH, SKILLS
from pmcohort.domain.wording import ENGINEER, ENGINEERS

# Coverage weight of the engineer's gaps by rank, largest first; they sum to 1. The two largest
# (0.75) at half strength plus the rest at full strength (0.625) stay below the two largest at full
# strength even with every context bonus: 0.625 × (1 + MAX_CONTEXT_BONUS) < 0.75.
GAP_RANK_WEIGHTS = (0.45, 0.30, 0.10, 0.08, 0.07)

# Context bonuses, each a fraction added to the context factor.
PATH_BONUS = 0.04  # a mentor who knows the engineer's route knows its traps
DOMAIN_BONUS = 0.03  # domain context helps, but PM craft transfers across domains
FORMER_ENGINEER_BONUS = 0.03  # has unlearned "still being the engineer" first-hand
AVAILABILITY_BONUS = 0.04  # past the hard minimum, more shared time is a mild plus
MAX_CONTEXT_BONUS = PATH_BONUS + DOMAIN_BONUS + FORMER_ENGINEER_BONUS + AVAILABILITY_BONUS

MIN_OVERLAP_MINUTES = 60  # under an hour a week leaves no room for a session
FULL_OVERLAP_MINUTES = 3 * 60  # a weekly 1:1 plus shadowing; more adds no value
STRONG_STRENGTH = 4  # the lowest strength (of 1-5) worth telling the engineer about
UNSPECIFIC_DOMAIN = "other"  # two people in "other" need not share anything

SKILL_KEYS = tuple(SKILLS)
PATH_KEYS = tuple(PATHS)
DOMAIN_KEYS = tuple(DOMAINS)
SLOT_MINUTES = 15
MINUTES_PER_WEEK = 7 * 24 * 60
SLOTS_PER_WEEK = MINUTES_PER_WEEK // SLOT_MINUTES
UNASSESSED_SKILL_SCORE = 0.0  # no assessment yet: treat the skill as a full gap
UNRATED_STRENGTH = 1  # a mentor who did not rate a skill is not strong in it

Week = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Mentee:
    """An engineer: skill scores 0-100 (higher = readier), chosen path and
    target domain (None if not chosen), and weekly availability as sorted,
    non-overlapping [start, end) minute offsets from Monday 00:00 UTC."""

    id: Hashable
    skills: Mapping[str, float]
    path: str | None = None
    domain: str | None = None
    week: Week = ()

    def __post_init__(self) -> None:
        for skill, score in self.skills.items():
            _require(skill in SKILLS, f"mentee {self.id!r}: unknown skill {skill!r}")
            _require(0 <= score <= 100, f"mentee {self.id!r}: {skill} score {score!r} is not in 0-100")
        _require(self.path is None or self.path in PATHS, f"mentee {self.id!r}: unknown path {self.path!r}")
        _require(self.domain is None or self.domain in DOMAINS, f"mentee {self.id!r}: unknown domain {self.domain!r}")
        _check_week(f"mentee {self.id!r}", self.week)


@dataclass(frozen=True)
class Mentor:
    """A PM mentor: strength 1-5 per skill, paths walked, domains known,
    capacity (most concurrent mentees), weekly availability as for Mentee, and
    a reliability factor in [0, 1] that is neutral until history feeds it."""

    id: Hashable
    strengths: Mapping[str, int]
    former_engineer: bool = False
    paths: frozenset[str] = field(default_factory=frozenset)
    domains: frozenset[str] = field(default_factory=frozenset)
    capacity: int = 0
    week: Week = ()
    reliability: float = 1.0

    def __post_init__(self) -> None:
        for skill, strength in self.strengths.items():
            _require(skill in SKILLS, f"mentor {self.id!r}: unknown skill {skill!r}")
            _require(1 <= strength <= 5, f"mentor {self.id!r}: {skill} strength {strength!r} is not in 1-5")
        _require(set(self.paths) <= PATHS.keys(), f"mentor {self.id!r}: unknown path in {set(self.paths)!r}")
        _require(set(self.domains) <= DOMAINS.keys(), f"mentor {self.id!r}: unknown domain in {set(self.domains)!r}")
        _require(
            isinstance(self.capacity, Integral) and not isinstance(self.capacity, bool) and self.capacity >= 0,
            f"mentor {self.id!r}: capacity {self.capacity!r} is not a non-negative integer",
        )
        _require(0 <= self.reliability <= 1, f"mentor {self.id!r}: reliability {self.reliability!r} is not in 0-1")
        _check_week(f"mentor {self.id!r}", self.week)


@dataclass(frozen=True)
class PairScore:
    """One mentee-mentor pair as the cohort lead and the engineer see it."""

    score: float  # in [0, 1]; 0 when not feasible
    feasible: bool
    blocker: str | None  # why the pair is not a candidate, in plain words
    overlap_hours: float
    reasons: tuple[str, ...]  # strongest first; they name the engineer with wording.ENGINEER tokens


def gap_order(mentee: Mentee) -> tuple[str, ...]:
    """The engineer's skills from largest gap to smallest; ties go to what matters more on their path."""
    priority = SKILL_PRIORITY_BY_PATH.get(mentee.path, SKILL_KEYS)
    return tuple(
        sorted(SKILL_KEYS, key=lambda skill: (mentee.skills.get(skill, UNASSESSED_SKILL_SCORE), priority.index(skill)))
    )


def score_pair(mentee: Mentee, mentor: Mentor) -> PairScore:
    overlap_minutes = SLOT_MINUTES * _shared_slots(mentee.week, mentor.week)
    order = gap_order(mentee)

    skill_scores = [mentee.skills.get(skill, UNASSESSED_SKILL_SCORE) for skill in order]
    coverage = 0.0
    gap_reasons = []  # largest gap first: the reason the pair exists comes first
    for skill, score, weight in zip(order, skill_scores, GAP_RANK_WEIGHTS, strict=True):
        strength = mentor.strengths.get(skill, UNRATED_STRENGTH)
        coverage += weight * (strength - 1) / 4
        if strength >= STRONG_STRENGTH and score < GAP_THRESHOLD:
            adverb = "Very strong" if strength == 5 else "Strong"
            # Equal gaps share a rank in words: two skills at 0 are both "your largest gap".
            rank = sum(other < score for other in skill_scores)
            gap_reasons.append(f"{adverb} in {_inline(SKILLS[skill])}, {_gap_rank_phrase(rank)}")

    # (bonus, sentence): the context reasons follow the gap reasons, largest bonus first.
    context: list[tuple[float, str]] = []
    if mentee.path is not None and mentee.path in mentor.paths:
        context.append((PATH_BONUS, f"Knows the {_inline(PATHS[mentee.path])} path {ENGINEER} chose well"))
    if mentee.domain not in (None, UNSPECIFIC_DOMAIN) and mentee.domain in mentor.domains:
        context.append((DOMAIN_BONUS, f"Knows {_inline(DOMAINS[mentee.domain])}"))
    if mentor.former_engineer:
        context.append((FORMER_ENGINEER_BONUS, "Also moved from engineering to PM"))
    if overlap_minutes:
        shared = AVAILABILITY_BONUS * min(overlap_minutes / FULL_OVERLAP_MINUTES, 1.0)
        context.append((shared, f"{format_duration(timedelta(minutes=overlap_minutes))} a week of shared availability"))

    if mentor.capacity <= 0:
        blocker = "not taking mentees right now"
    elif overlap_minutes == 0:
        blocker = "no shared weekly availability (needs at least 1 h)"
    elif overlap_minutes < MIN_OVERLAP_MINUTES:
        blocker = f"only {format_duration(timedelta(minutes=overlap_minutes))} of shared weekly availability (needs at least 1 h)"
    else:
        blocker = None

    context_factor = 1 + sum(bonus for bonus, _ in context)
    ranked_context = [reason for _, reason in sorted(context, key=lambda part: -part[0])]
    return PairScore(
        score=0.0 if blocker else min(1.0, mentor.reliability * coverage * context_factor / (1 + MAX_CONTEXT_BONUS)),
        feasible=blocker is None,
        blocker=blocker,
        overlap_hours=overlap_minutes / 60,
        reasons=(*gap_reasons, *ranked_context),
    )


def _slot_range(start: int, end: int) -> tuple[int, int]:
    """The whole 15-minute slots inside [start, end) minutes, as [first, stop)."""
    return -(-start // SLOT_MINUTES), end // SLOT_MINUTES


def _shared_slots(week_a: Week, week_b: Week) -> int:
    """Slots free in both weeks: a merge of two sorted interval lists."""
    a = [_slot_range(*interval) for interval in week_a]
    b = [_slot_range(*interval) for interval in week_b]
    shared = i = j = 0
    while i < len(a) and j < len(b):
        shared += max(0, min(a[i][1], b[j][1]) - max(a[i][0], b[j][0]))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return shared


def _check_week(owner: str, week: Week) -> None:
    previous_end = 0
    for start, end in week:
        _require(
            previous_end <= start < end <= MINUTES_PER_WEEK,
            f"{owner}: weekly availability must be sorted, non-overlapping intervals "
            f"within 0-{MINUTES_PER_WEEK}, got {week!r}",
        )
        previous_end = end


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def _inline(label: str) -> str:
    """A label as it reads mid-sentence: "Customer discovery" → "customer discovery", "APM program" kept."""
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def _gap_rank_phrase(rank: int) -> str:
    if rank >= 3:
        return f"one of {ENGINEERS} gaps"
    return f"{ENGINEERS} {('largest', 'second-largest', 'third-largest')[rank]} gap"
