"""Every mentee × mentor score at once with NumPy, the same formula as
``score_pair``, keeping the best feasible pairs on both sides for ``assign``.

Scores are float32 (about 7 significant digits). Shared availability is a
matrix product of 0/1 slot matrices (672 quarter-hours a week), exact because
the counts are small integers.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import timedelta

import numpy as np

from pmcohort.domain.times import format_duration
from pmcohort.domain.vocabulary import SKILL_PRIORITY_BY_PATH
from pmcohort.matching.pair_score import (
    AVAILABILITY_BONUS,
    DOMAIN_BONUS,
    DOMAIN_KEYS,
    FORMER_ENGINEER_BONUS,
    FULL_OVERLAP_MINUTES,
    GAP_RANK_WEIGHTS,
    MAX_CONTEXT_BONUS,
    MIN_OVERLAP_MINUTES,
    PATH_BONUS,
    PATH_KEYS,
    SKILL_KEYS,
    SLOT_MINUTES,
    SLOTS_PER_WEEK,
    UNASSESSED_SKILL_SCORE,
    UNRATED_STRENGTH,
    UNSPECIFIC_DOMAIN,
    Mentee,
    Mentor,
    Week,
)

# Mentees scored per block: a block's matrices stay at a few MB instead of
# one mentees × mentors matrix per step.
BLOCK_ROWS = 1024
MIN_OVERLAP_SLOTS = MIN_OVERLAP_MINUTES // SLOT_MINUTES
FULL_OVERLAP_SLOTS = FULL_OVERLAP_MINUTES // SLOT_MINUTES


def candidate_weights(
    mentees: Sequence[Mentee], mentors: Sequence[Mentor], k: int = 50
) -> dict[tuple[Hashable, Hashable], float]:
    """``{(mentee id, mentor id): score}`` for each mentee's ``k`` best feasible
    mentors, plus each mentor's ``k`` best feasible mentees; infeasible pairs
    never appear, ties at the k-th place are broken arbitrarily.

    The mentor side matters: with mentee-side lists alone, everyone lists the
    same popular mentors and the rest go unused. On the benchmark's realistic
    10,000 x 2,000 cohort that left 1,170 of 5,745 places empty; with both
    sides all are filled, and the total is within 0.02% of the optimum over
    every feasible pair.
    """
    if not mentees or not mentors or k <= 0:
        return {}
    mentee_coverage, mentee_context, mentee_slots = _mentee_arrays(mentees)
    mentor_strength, mentor_context, mentor_slots = _mentor_arrays(mentors)
    reliability = np.array([m.reliability for m in mentors], np.float32) / np.float32(1 + MAX_CONTEXT_BONUS)
    is_open = np.array([m.capacity > 0 for m in mentors])
    n_mentors = len(mentors)

    rows, columns, kept_scores = [], [], []
    # Each mentor's best mentees so far, one row per mentor.
    mentor_best_scores = np.zeros((n_mentors, 0), np.float32)
    mentor_best_rows = np.zeros((n_mentors, 0), np.int64)
    for start in range(0, len(mentees), BLOCK_ROWS):
        block = slice(start, start + BLOCK_ROWS)
        overlap = mentee_slots[block] @ mentor_slots.T
        context = mentee_context[block] @ mentor_context.T
        context += AVAILABILITY_BONUS * np.minimum(overlap, FULL_OVERLAP_SLOTS) / FULL_OVERLAP_SLOTS
        scores = mentee_coverage[block] @ mentor_strength.T
        scores *= context
        scores *= reliability
        np.minimum(scores, 1, out=scores)  # as score_pair: float rounding must not pass 1
        # Push infeasible pairs below every real score (all >= 0) but keep them
        # distinct: argpartition slows down tenfold on long runs of equal values.
        np.subtract(scores, 2, out=scores, where=(overlap < MIN_OVERLAP_SLOTS) | ~is_open)
        block_rows = np.arange(start, start + len(scores))

        best = _top_columns(scores, k)
        rows.append(np.repeat(block_rows, best.shape[1]))
        columns.append(best.ravel())
        kept_scores.append(np.take_along_axis(scores, best, axis=1).ravel())

        # Mentor side: merge this block into the running best, one row per mentor.
        pooled_scores = np.hstack([mentor_best_scores, scores.T])
        pooled_rows = np.hstack([mentor_best_rows, np.broadcast_to(block_rows, (n_mentors, len(block_rows)))])
        best = _top_columns(pooled_scores, k)
        mentor_best_scores = np.take_along_axis(pooled_scores, best, axis=1)
        mentor_best_rows = np.take_along_axis(pooled_rows, best, axis=1)
    rows.append(mentor_best_rows.ravel())
    columns.append(np.repeat(np.arange(n_mentors), mentor_best_rows.shape[1]))
    kept_scores.append(mentor_best_scores.ravel())

    all_scores = np.concatenate(kept_scores)
    feasible = all_scores >= 0
    mentee_ids = [m.id for m in mentees]
    mentor_ids = [m.id for m in mentors]
    pairs = zip(
        map(mentee_ids.__getitem__, np.concatenate(rows)[feasible].tolist()),
        map(mentor_ids.__getitem__, np.concatenate(columns)[feasible].tolist()),
        strict=False,
    )
    return dict(zip(pairs, all_scores[feasible].tolist(), strict=False))


def no_candidate_reasons(mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> dict[Hashable, str]:
    """Why each mentee without a single feasible mentor has none, for the
    cohort lead; mentees with at least one candidate are left out."""
    open_mentors = [m for m in mentors if m.capacity > 0]
    if not open_mentors:
        return {m.id: "no mentor is taking mentees right now" for m in mentees}
    mentee_slots = _slot_matrix([m.week for m in mentees])
    mentor_slots = _slot_matrix([m.week for m in open_mentors])
    best_overlap = (
        np.concatenate(
            [
                (mentee_slots[start : start + BLOCK_ROWS] @ mentor_slots.T).max(axis=1)
                for start in range(0, len(mentees), BLOCK_ROWS)
            ]
        )
        if mentees
        else np.zeros(0)
    )

    reasons = {}
    for row in np.nonzero(best_overlap < MIN_OVERLAP_SLOTS)[0].tolist():
        if not mentees[row].week:
            reasons[mentees[row].id] = "no weekly availability set"
        elif best_overlap[row] == 0:
            reasons[mentees[row].id] = "no mentor with shared availability"
        else:
            most = format_duration(timedelta(minutes=int(best_overlap[row]) * SLOT_MINUTES))
            reasons[mentees[row].id] = f"no mentor with at least 1 h of shared weekly availability (the most is {most})"
    return reasons


def _mentee_arrays(mentees: Sequence[Mentee]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each mentee's gap-rank weight per skill, context features and free slots, laid out so that
    ``coverage @ strength.T`` and ``context @ mentor_context.T`` give every pair at once."""
    scores = np.array([[m.skills.get(s, UNASSESSED_SKILL_SCORE) for s in SKILL_KEYS] for m in mentees], np.float64)
    priority = np.array(
        [[SKILL_PRIORITY_BY_PATH.get(m.path, SKILL_KEYS).index(s) for s in SKILL_KEYS] for m in mentees], np.int64
    )
    # As gap_order: lowest score first, ties by what matters more on the mentee's path.
    order = np.lexsort((priority, scores), axis=1)
    coverage = np.zeros(scores.shape, np.float32)
    np.put_along_axis(coverage, order, np.array(GAP_RANK_WEIGHTS, np.float32)[None, :], axis=1)
    domains = [d if d != UNSPECIFIC_DOMAIN else None for d in (m.domain for m in mentees)]
    context = np.hstack(
        [
            PATH_BONUS * _one_hot([m.path for m in mentees], PATH_KEYS),
            DOMAIN_BONUS * _one_hot(domains, DOMAIN_KEYS),
            np.ones((len(mentees), 1), np.float32),
        ]
    )
    return coverage, context, _slot_matrix([m.week for m in mentees])


def _mentor_arrays(mentors: Sequence[Mentor]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Matching ``_mentee_arrays``: strength 0-1 per skill; [paths | domains | 1 + former-engineer bonus]."""
    strengths = np.array([[m.strengths.get(s, UNRATED_STRENGTH) for s in SKILL_KEYS] for m in mentors], np.float32)
    context = np.hstack(
        [
            np.array([[key in m.paths for key in PATH_KEYS] for m in mentors], np.float32),
            np.array([[key in m.domains for key in DOMAIN_KEYS] for m in mentors], np.float32),
            1 + FORMER_ENGINEER_BONUS * np.array([[m.former_engineer] for m in mentors], np.float32),
        ]
    )
    return (strengths - 1) / 4, context, _slot_matrix([m.week for m in mentors])


def _top_columns(scores: np.ndarray, count: int) -> np.ndarray:
    """Column indices of each row's ``count`` highest scores, in no particular order."""
    width = scores.shape[1]
    if count >= width:
        return np.broadcast_to(np.arange(width), scores.shape)
    return np.argpartition(scores, width - count, axis=1)[:, width - count :]


def _one_hot(values: list[str | None], keys: tuple[str, ...]) -> np.ndarray:
    position = {key: i for i, key in enumerate(keys)}
    matrix = np.zeros((len(values), len(keys)), np.float32)
    rows = [row for row, value in enumerate(values) if value is not None]
    matrix[rows, [position[values[row]] for row in rows]] = 1
    return matrix


def _slot_matrix(weeks: Sequence[Week]) -> np.ndarray:
    """0/1 matrix, one row per person, one column per whole free 15-minute slot."""
    intervals = np.array([(row, start, end) for row, week in enumerate(weeks) for start, end in week], np.int64)
    edges = np.zeros((len(weeks), SLOTS_PER_WEEK + 1), np.int8)
    if len(intervals):
        owners, starts, ends = intervals.T
        first, stop = -(-starts // SLOT_MINUTES), ends // SLOT_MINUTES  # only whole slots count
        whole = first < stop
        # +1 where a free run starts, -1 where it stops; intervals never overlap, so the running sum is 0/1.
        np.add.at(edges, (owners[whole], first[whole]), 1)
        np.add.at(edges, (owners[whole], stop[whole]), -1)
    return np.cumsum(edges[:, :-1], axis=1, dtype=np.int8).astype(np.float32)
