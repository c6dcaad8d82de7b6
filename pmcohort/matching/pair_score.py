"""How well one PM mentor fits one engineer, and why, in words a person reads.

score = reliability × (weighted sum of the components below), in [0, 1].
Hard constraints (a pair failing one is not a candidate, score 0): the mentor
has capacity, and the two share at least an hour a week.

Weekly availability is counted in whole 15-minute slots of a reference week
(every time-zone offset is a multiple of 15 minutes, so windows on a quarter-hour
grid lose nothing); a part-covered slot does not count.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from numbers import Integral

from pmcohort.domain.vocabulary import DOMAINS, PATHS, SKILLS
from pmcohort.domain.wording import ENGINEER, ENGINEERS

# Component weights; they sum to 1 so the score stays in [0, 1].
GAP_COVERAGE_WEIGHT = 0.50  # closing the engineer's gaps is why the pairing exists
AVAILABILITY_WEIGHT = 0.15  # past the hard minimum, more shared time is a mild plus
PATH_WEIGHT = 0.15  # a mentor who took the same route knows its traps
DOMAIN_WEIGHT = 0.10  # domain context helps, but PM craft transfers across domains
FORMER_ENGINEER_WEIGHT = 0.10  # has unlearned "still being the engineer" first-hand

MIN_OVERLAP_MINUTES = 60  # under an hour a week leaves no room for a session
FULL_OVERLAP_MINUTES = 3 * 60  # a weekly 1:1 plus shadowing; more adds no value
STRONG_STRENGTH = 4  # the lowest strength (of 1-5) worth telling the engineer about
GAP_BELOW = 75  # a skill scored 75 or more is not called a gap in reasons
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
        _require(
            self.domain is None or self.domain in DOMAINS, f"mentee {self.id!r}: unknown domain {self.domain!r}"
        )
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
        _require(
            set(self.domains) <= DOMAINS.keys(), f"mentor {self.id!r}: unknown domain in {set(self.domains)!r}"
        )
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


def score_pair(mentee: Mentee, mentor: Mentor) -> PairScore:
    overlap_minutes = SLOT_MINUTES * _shared_slots(mentee.week, mentor.week)
    gaps = [(100 - mentee.skills.get(skill, UNASSESSED_SKILL_SCORE)) / 100 for skill in SKILL_KEYS]
    strengths = [mentor.strengths.get(skill, UNRATED_STRENGTH) for skill in SKILL_KEYS]
    total_gap = sum(gaps)
    # Each skill counts in proportion to the engineer's gap there; with no gap at
    # all, every skill counts the same.
    gap_shares = [gap / total_gap for gap in gaps] if total_gap > 0 else [1 / len(gaps)] * len(gaps)

    # (contribution to the score, sentence or None): the sentences are ranked by contribution.
    parts: list[tuple[float, str | None]] = []
    for skill, share, strength, gap in zip(SKILL_KEYS, gap_shares, strengths, gaps):
        contribution = GAP_COVERAGE_WEIGHT * share * (strength - 1) / 4
        reason = None
        if strength >= STRONG_STRENGTH and gap > 1 - GAP_BELOW / 100:
            rank = sum(other > gap for other in gaps)
            adverb = "Very strong" if strength == 5 else "Strong"
            reason = f"{adverb} in {_inline(SKILLS[skill])}, {_gap_rank_phrase(rank)}"
        parts.append((contribution, reason))

    availability = min(overlap_minutes / FULL_OVERLAP_MINUTES, 1.0)
    parts.append(
        (AVAILABILITY_WEIGHT * availability,
         f"{format_duration(overlap_minutes)} a week of shared availability" if overlap_minutes else None)
    )
    if mentor.former_engineer:
        parts.append((FORMER_ENGINEER_WEIGHT, "Also moved from engineering to PM"))
    if mentee.path is not None and mentee.path in mentor.paths:
        parts.append((PATH_WEIGHT, f"Walked the {_inline(PATHS[mentee.path])} path {ENGINEER} chose"))
    if mentee.domain not in (None, UNSPECIFIC_DOMAIN) and mentee.domain in mentor.domains:
        parts.append((DOMAIN_WEIGHT, f"Knows {_inline(DOMAINS[mentee.domain])}"))

    if mentor.capacity <= 0:
        blocker = "not taking mentees right now"
    elif overlap_minutes == 0:
        blocker = "no shared weekly availability (needs at least 1 h)"
    elif overlap_minutes < MIN_OVERLAP_MINUTES:
        blocker = f"only {format_duration(overlap_minutes)} of shared weekly availability (needs at least 1 h)"
    else:
        blocker = None

    ranked = sorted((part for part in parts if part[1] and part[0] > 0), key=lambda part: -part[0])
    return PairScore(
        score=0.0 if blocker else min(1.0, mentor.reliability * sum(c for c, _ in parts)),
        feasible=blocker is None,
        blocker=blocker,
        overlap_hours=overlap_minutes / 60,
        reasons=tuple(reason for _, reason in ranked),
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


def format_duration(minutes: int) -> str:
    """90 → "1 h 30 min", the way durations read in reasons."""
    hours, rest = divmod(minutes, 60)
    return " ".join(part for part in (f"{hours} h" if hours else "", f"{rest} min" if rest else "") if part)
