"""Cohort-wide mentor assignment as a min-cost max-flow.

Each mentee supplies one unit of flow; arcs run mentee → mentor (one per
allowed pair, capacity 1, cost falling as the pair's weight rises) and mentor
→ sink (capacity = the mentor's capacity left after pins). OR-Tools'
``solve_max_flow_with_min_cost`` routes the most flow (mentees matched) and,
among those flows, the least cost (the greatest total weight): exactly the
cardinality-first, then score objective.

Resolution: the solver needs integer costs, so each weight is scaled to an
integer out of ``COST_RESOLUTION`` relative to the largest weight. Each pair
then loses at most ``max_weight / (2 * COST_RESOLUTION)``, so the returned
total is within ``matched * max_weight / COST_RESOLUTION`` of the exact
optimum; the number matched is always exact.
"""

from __future__ import annotations

import numbers
from collections.abc import Collection, Hashable, Iterable, Mapping
from operator import itemgetter

import numpy as np
from ortools.graph.python import min_cost_flow

Pair = tuple[Hashable, Hashable]

# 1e6 steps of the largest weight: 100 times finer than the 4 decimals pair scores
# are stored and shown with, and the cost-scaling solver needs fewer phases than
# with 1e9 (10,000 x 2,000 solved 11-31 % faster, 100,000 x 20,000 no slower, same
# totals). On realistic scores the total stays within 2e-7 of scipy's exact
# optimum, and equals it for scores rounded to 4 decimals. cost x (nodes + 1),
# computed inside the solver, stays far inside int64.
COST_RESOLUTION = 1_000_000


def assign(
    weights: Mapping[Pair, float],
    capacity: Mapping[Hashable, int],
    *,
    pinned: Collection[Pair] = (),
    forbidden: Collection[Pair] = (),
) -> dict[Hashable, Hashable]:
    """Return the optimal ``{mentee: mentor}``.

    Most mentees matched first, then the greatest total weight. Only pairs in
    ``weights`` (and the pinned ones) are used; ``forbidden`` pairs never are.
    Pinned pairs are always in the result and use their mentor's capacity;
    listing the same pinned pair twice counts once.
    """
    _check_capacity(capacity)
    pins = _check_pins(pinned, capacity, forbidden)
    mentees, mentee_codes, mentors, mentor_codes, values = _index_pairs(weights, capacity)

    usable = np.ones(len(values), dtype=bool)
    if pins:
        usable[np.isin(mentee_codes, [mentees.index[e] for e in pins if e in mentees.index])] = False
    if forbidden:
        # Code a pair as one integer so a single isin finds every forbidden one.
        n_mentors = len(mentors.ids)
        forbidden_codes = [
            mentees.index[e] * n_mentors + mentors.index[r]
            for e, r in forbidden
            if e in mentees.index and r in mentors.index
        ]
        usable[np.isin(mentee_codes.astype(np.int64) * n_mentors + mentor_codes, forbidden_codes)] = False
    mentor_slots = np.fromiter(capacity.values(), np.int64, len(capacity))
    for mentor in pins.values():
        mentor_slots[mentors.index[mentor]] -= 1

    mentee_codes, mentor_codes = mentee_codes[usable], mentor_codes[usable]
    chosen = assign_indexed(mentee_codes, mentor_codes, values[usable], len(mentees.ids), mentor_slots)
    result = dict(pins)
    result.update(
        zip(
            map(mentees.ids.__getitem__, mentee_codes[chosen].tolist()),
            map(mentors.ids.__getitem__, mentor_codes[chosen].tolist()),
            strict=False,
        )
    )
    return result


def _check_capacity(capacity: Mapping[Hashable, int]) -> None:
    for mentor, slots in capacity.items():
        if isinstance(slots, bool) or not isinstance(slots, numbers.Integral):
            raise ValueError(f"capacity of mentor {mentor!r} must be an integer, got {slots!r}")
        if slots < 0:
            raise ValueError(f"capacity of mentor {mentor!r} is negative: {slots}")


def _check_pins(
    pinned: Collection[Pair], capacity: Mapping[Hashable, int], forbidden: Collection[Pair]
) -> dict[Hashable, Hashable]:
    pins: dict[Hashable, Hashable] = {}
    used: dict[Hashable, int] = {}
    forbidden_pairs = set(forbidden)
    for mentee, mentor in dict.fromkeys(pinned):
        if mentee in pins:
            raise ValueError(f"mentee {mentee!r} is pinned twice: to {pins[mentee]!r} and {mentor!r}")
        if mentor not in capacity:
            raise ValueError(f"mentor {mentor!r} is pinned but missing from capacity")
        if (mentee, mentor) in forbidden_pairs:
            raise ValueError(f"pair {(mentee, mentor)!r} is both pinned and forbidden")
        pins[mentee] = mentor
        used[mentor] = used.get(mentor, 0) + 1
        if used[mentor] > capacity[mentor]:
            raise ValueError(f"mentor {mentor!r} has more pinned mentees than capacity ({capacity[mentor]})")
    return pins


def _index_pairs(
    weights: Mapping[Pair, float], capacity: Mapping[Hashable, int]
) -> tuple[_Ids, np.ndarray, _Ids, np.ndarray, np.ndarray]:
    """Mentee ids and codes, mentor ids and codes, and weights, one entry per pair."""
    values = np.fromiter(weights.values(), dtype=np.float64, count=len(weights))
    bad = ~(np.isfinite(values) & (values >= 0))
    if bad.any():
        pair = list(weights)[int(np.argmax(bad))]
        raise ValueError(f"weight of pair {pair!r} must be finite and >= 0, got {weights[pair]!r}")
    # One C-level pass per column: map/itemgetter, not zip(*weights), which is
    # several times slower on hundreds of thousands of pairs.
    mentee_column = list(map(itemgetter(0), weights))
    mentees, mentors = _Ids(dict.fromkeys(mentee_column)), _Ids(capacity)
    try:
        mentor_codes = mentors.encode(map(itemgetter(1), weights), len(weights))
    except KeyError as error:
        raise ValueError(f"mentor {error.args[0]!r} appears in weights but is missing from capacity") from None
    return mentees, mentees.encode(mentee_column, len(weights)), mentors, mentor_codes, values


class _Ids:
    """Dense integer codes for hashable ids, in the order given."""

    def __init__(self, ids: Iterable[Hashable]) -> None:
        self.ids = list(ids)
        self.index = dict(zip(self.ids, range(len(self.ids)), strict=False))

    def encode(self, column: Iterable[Hashable], count: int) -> np.ndarray:
        return np.fromiter(map(self.index.__getitem__, column), np.int32, count)


def assign_indexed(
    mentee_codes: np.ndarray,
    mentor_codes: np.ndarray,
    values: np.ndarray,
    n_mentees: int,
    mentor_slots: np.ndarray,
) -> np.ndarray:
    """The same optimum as `assign`, on arrays: which pairs it uses, as a mask over the given pairs.

    For callers that already hold integer codes (mentees 0..n_mentees-1, mentors
    indexing `mentor_slots`) and finite, non-negative weights, such as a cohort's
    candidate arrays: it skips turning hashable ids into codes and back.
    """
    if not len(values):
        return np.zeros(0, dtype=bool)
    # Nodes: mentees 0..n_mentees-1, then mentors, then the sink. The supplies
    # need not balance: solve_max_flow_with_min_cost routes what it can.
    n_mentors = len(mentor_slots)
    first_mentor, sink = n_mentees, n_mentees + n_mentors
    top = values.max()
    scaled = np.rint(values / top * COST_RESOLUTION).astype(np.int64) if top > 0 else np.zeros(len(values), np.int64)

    flow = min_cost_flow.SimpleMinCostFlow()
    pair_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        mentee_codes, mentor_codes + first_mentor, np.ones(len(values), np.int64), COST_RESOLUTION - scaled
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        np.arange(first_mentor, sink, dtype=np.int32),
        np.full(n_mentors, sink, np.int32),
        mentor_slots,
        np.zeros(n_mentors, np.int64),
    )
    flow.set_nodes_supplies(
        np.arange(sink + 1, dtype=np.int32),
        np.concatenate([np.ones(n_mentees, np.int64), np.zeros(n_mentors, np.int64), [-n_mentees]]),
    )
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow solver failed: {status!r}")
    return flow.flows(pair_arcs) > 0
