"""A mentor's reliability from their record of the last 90 days, in plain words.

The pair score multiplies by this factor (`matching.Mentor.reliability`), so a mentor who keeps
engineers waiting or does not turn up is proposed less often. Plain data in, plain data out.

Rules, version 1:
- a new mentor, or one with a clean record, is 1.0;
- each slip in the window costs a fixed amount (`SLIP_COST`), fading linearly to nothing as it
  ages out of the 90 days, so the factor recovers as the record improves without anyone resetting it;
- a slow median answer to match proposals costs `SLOW_ANSWER_COST` past `SLOW_ANSWER`, twice that
  past `VERY_SLOW_ANSWER`;
- the factor never goes under `FLOOR`: a weak record tilts matching, it never excludes a mentor.

Slips are keyed by kind, so a new source of them (overdue reviews, debriefs never published) is
one entry in `SLIP_COST` and `SLIP_WORDS` plus the query that finds them.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

RELIABILITY_RULES_VERSION = 1
WINDOW = timedelta(days=90)
FLOOR, CEILING = 0.7, 1.0
SLOW_ANSWER, VERY_SLOW_ANSWER = timedelta(hours=48), timedelta(hours=96)
SLOW_ANSWER_COST = 0.05

# Under this factor a mentor's record is a pattern, not a bad week (two fresh no-shows, four late
# cancellations, a no-show and very slow answers): the cohort console lists them at risk.
LOW_RELIABILITY = 0.85

NO_SHOW, LATE_CANCELLATION = "no_show", "late_cancellation"
OVERDUE_REVIEW, UNPUBLISHED_DEBRIEF = "overdue_review", "unpublished_debrief"
# What one fresh slip costs. A no-show wastes an engineer's prepared hour; a late cancellation less.
SLIP_COST = {NO_SHOW: 0.08, LATE_CANCELLATION: 0.04, OVERDUE_REVIEW: 0.03, UNPUBLISHED_DEBRIEF: 0.03}
# (one, many): how a count reads.
SLIP_WORDS = {
    NO_SHOW: ("no-show", "no-shows"),
    LATE_CANCELLATION: (
        "session cancelled with under 24 hours' notice",
        "sessions cancelled with under 24 hours' notice",
    ),
    OVERDUE_REVIEW: ("review past its due date", "reviews past their due date"),
    UNPUBLISHED_DEBRIEF: ("debrief never published", "debriefs never published"),
}


@dataclass(frozen=True)
class Slip:
    kind: str  # a SLIP_COST key
    at: datetime

    def __post_init__(self) -> None:
        if self.kind not in SLIP_COST:
            raise ValueError(f"unknown kind of slip {self.kind!r}")


# A record row that is not a slip: an answer at `at` to a match proposal made at `asked_at`.
ANSWER = "answer"


@dataclass(frozen=True)
class Reliability:
    factor: float  # FLOOR to CEILING
    reasons: tuple[str, ...]  # plain words, what cost most first; one sentence when there is nothing to say
    concerns: tuple[str, ...] = ()  # the reasons that cost something, most first

    @property
    def low(self) -> bool:
        return self.factor < LOW_RELIABILITY

    def in_words(self) -> str:
        """The record as a lead reads it: "Low reliability (82/100): 2 no-shows in the last 90 days"."""
        concerns = "; ".join(concern[:1].lower() + concern[1:] for concern in self.concerns)
        return f"{'Low reliability' if self.low else 'Reliability'} ({round(self.factor * 100)}/100)" + (
            f": {concerns}" if concerns else ""
        )


def reliabilities(
    rows: Iterable[tuple[int, str, datetime, datetime | None]], mentor_ids: Iterable[int], now: datetime
) -> dict[int, Reliability]:
    """Every mentor's reliability from their record rows (mentor id, kind, at, asked at): a slip of `kind`
    at `at`, or an ANSWER at `at` to a proposal made at `asked at`. A mentor without rows gets CEILING."""
    slips: dict[int, list[Slip]] = {}
    answer_times: dict[int, list[timedelta]] = {}
    for mentor_id, kind, at, asked_at in rows:
        if kind == ANSWER:
            answer_times.setdefault(mentor_id, []).append(at - asked_at)
        else:
            slips.setdefault(mentor_id, []).append(Slip(kind, at))
    return {
        mentor_id: reliability(answer_times.get(mentor_id, ()), slips.get(mentor_id, ()), now)
        for mentor_id in mentor_ids
    }


def reliability(answer_times: Sequence[timedelta], slips: Iterable[Slip], now: datetime) -> Reliability:
    """The factor and its reasons from the answers to proposals and the slips of the last WINDOW."""
    costs: list[tuple[float, str]] = []
    counted: dict[str, list[Slip]] = {}
    for slip in slips:
        age = now - slip.at
        if timedelta(0) <= age < WINDOW:
            counted.setdefault(slip.kind, []).append(slip)
    for kind, seen in counted.items():
        cost = sum(SLIP_COST[kind] * (1 - (now - slip.at) / WINDOW) for slip in seen)
        one, many = SLIP_WORDS[kind]
        costs.append((cost, f"{len(seen)} {one if len(seen) == 1 else many} in the last 90 days"))
    if answer_times:
        median = statistics.median(answer_times)
        words = f"answers match proposals in {_duration(median)} (median of {len(answer_times)})"
        if median > VERY_SLOW_ANSWER:
            costs.append((2 * SLOW_ANSWER_COST, f"Slow to answer: {words}"))
        elif median > SLOW_ANSWER:
            costs.append((SLOW_ANSWER_COST, f"Slow to answer: {words}"))
        else:
            costs.append((0.0, words[:1].upper() + words[1:]))
    factor = max(FLOOR, min(CEILING, CEILING - sum(cost for cost, _ in costs)))
    ranked = sorted(costs, key=lambda part: -part[0])
    reasons = tuple(reason[:1].upper() + reason[1:] for _, reason in ranked)
    concerns = tuple(reason for (cost, _), reason in zip(ranked, reasons, strict=True) if cost)
    if not concerns:
        reasons = ("No missed sessions, late cancellations or slow answers in the last 90 days.", *reasons)
    return Reliability(round(factor, 3), reasons, concerns)


def _duration(span: timedelta) -> str:
    hours = span / timedelta(hours=1)
    if hours < 1:
        return "under an hour"
    if hours < 48:
        return f"{round(hours)} hour{'s' if round(hours) != 1 else ''}"
    return f"{round(hours / 24)} days"
