"""assign: the contract's errors, pins and forbids, and optimality against exhaustive search."""

import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmcohort.matching import COST_RESOLUTION, assign


@pytest.mark.parametrize(
    ("weights", "capacity", "pinned", "forbidden", "named"),
    [
        ({("ann", "pm1"): math.nan}, {"pm1": 1}, (), (), "('ann', 'pm1')"),
        ({("ann", "pm1"): math.inf}, {"pm1": 1}, (), (), "('ann', 'pm1')"),
        ({("ann", "pm1"): 1.0, ("bob", "pm1"): -0.5}, {"pm1": 1}, (), (), "('bob', 'pm1')"),
        ({}, {"pm1": -1}, (), (), "'pm1'"),
        ({}, {"pm1": 2.5}, (), (), "'pm1'"),
        ({}, {"pm1": 2.0}, (), (), "'pm1'"),
        ({}, {"pm1": "2"}, (), (), "'pm1'"),
        ({}, {"pm1": True}, (), (), "'pm1'"),
        ({("ann", "pm9"): 1.0}, {"pm1": 1}, (), (), "'pm9'"),
        ({}, {"pm1": 1}, [("ann", "pm9")], (), "'pm9'"),
        ({}, {"pm1": 1, "pm2": 1}, [("ann", "pm1"), ("ann", "pm2")], (), "'ann'"),
        ({}, {"pm1": 1}, [("ann", "pm1"), ("bob", "pm1")], (), "'pm1'"),
        ({}, {"pm1": 0}, [("ann", "pm1")], (), "'pm1'"),
        ({("ann", "pm1"): 1.0}, {"pm1": 1}, [("ann", "pm1")], [("ann", "pm1")], "('ann', 'pm1')"),
    ],
    ids=[
        "nan-weight",
        "infinite-weight",
        "negative-weight",
        "negative-capacity",
        "float-capacity",
        "integral-float-capacity",
        "string-capacity",
        "bool-capacity",
        "mentor-missing-from-capacity",
        "pinned-mentor-missing-from-capacity",
        "mentee-pinned-twice",
        "pins-over-capacity",
        "pin-on-zero-capacity",
        "pinned-and-forbidden",
    ],
)
def test_invalid_input_raises_naming_the_item(weights, capacity, pinned, forbidden, named):
    with pytest.raises(ValueError) as raised:
        assign(weights, capacity, pinned=pinned, forbidden=forbidden)
    assert named in str(raised.value)


def test_matches_as_many_mentees_as_possible_before_maximising_score():
    # Greedy on score gives ann the one strong pair and leaves bob with nothing.
    weights = {("ann", "pm1"): 10.0, ("ann", "pm2"): 1.0, ("bob", "pm1"): 1.0}
    assert assign(weights, {"pm1": 1, "pm2": 1}) == {"ann": "pm2", "bob": "pm1"}


def test_prefers_the_greater_total_among_full_matchings():
    weights = {("ann", "pm1"): 5.0, ("ann", "pm2"): 4.0, ("bob", "pm1"): 3.0, ("bob", "pm2"): 1.0}
    assert assign(weights, {"pm1": 1, "pm2": 1}) == {"ann": "pm2", "bob": "pm1"}


def test_respects_capacity_and_never_uses_a_closed_mentor():
    weights = {(mentee, mentor): 1.0 for mentee in range(5) for mentor in ("pm1", "pm2")}
    result = assign(weights, {"pm1": 2, "pm2": 0})
    assert len(result) == 2 and set(result.values()) == {"pm1"}


def test_zero_weight_pairs_still_count_as_matches():
    assert assign({("ann", "pm1"): 0.0, ("bob", "pm2"): 0.0}, {"pm1": 1, "pm2": 1}) == {"ann": "pm1", "bob": "pm2"}


def test_pinned_pair_stays_even_outside_weights_and_uses_capacity():
    weights = {("ann", "pm1"): 9.0, ("bob", "pm1"): 5.0, ("bob", "pm2"): 1.0}
    result = assign(weights, {"pm1": 1, "pm2": 1, "pm3": 1}, pinned=[("ann", "pm3"), ("bob", "pm2")])
    assert result == {"ann": "pm3", "bob": "pm2"}


def test_pin_takes_a_slot_from_the_optimisation():
    weights = {("ann", "pm1"): 9.0, ("bob", "pm1"): 1.0, ("bob", "pm2"): 1.0}
    assert assign(weights, {"pm1": 1, "pm2": 1}, pinned=[("bob", "pm1")]) == {"bob": "pm1"}


def test_the_same_pin_listed_twice_counts_once():
    assert assign({}, {"pm1": 1}, pinned=[("ann", "pm1"), ("ann", "pm1")]) == {"ann": "pm1"}


def test_forbidden_pair_is_never_used_even_when_best():
    weights = {("ann", "pm1"): 9.0, ("ann", "pm2"): 1.0}
    assert assign(weights, {"pm1": 1, "pm2": 1}, forbidden=[("ann", "pm1"), ("zoe", "pm7")]) == {"ann": "pm2"}


def test_any_hashable_ids_and_numpy_capacities():
    weights = {(1, ("team", 7)): 2.0, (2, ("team", 7)): 1.0, (2, frozenset({"x"})): 1.0}
    result = assign(weights, {("team", 7): np.int64(1), frozenset({"x"}): 1})
    assert result == {1: ("team", 7), 2: frozenset({"x"})}


def test_empty_input():
    assert assign({}, {}) == {}


def best_by_exhaustive_search(options, capacity):
    """(matched, total) maximised lexicographically, trying every mentor or none for each mentee."""
    mentees = list(options)

    def search(index, left):
        if index == len(mentees):
            return 0, 0.0
        best = search(index + 1, left)
        for mentor, weight in options[mentees[index]]:
            if left[mentor]:
                left[mentor] -= 1
                matched, total = search(index + 1, left)
                left[mentor] += 1
                best = max(best, (matched + 1, total + weight))
        return best

    return search(0, dict(capacity))


weight_values = st.one_of(st.sampled_from([0.0, 1.0, 2.0]), st.floats(0, 1000, allow_nan=False))


@st.composite
def instances(draw):
    mentees = range(draw(st.integers(0, 6)))
    mentors = [f"pm{i}" for i in range(draw(st.integers(1, 4)))]
    capacity = {mentor: draw(st.integers(0, 3)) for mentor in mentors}
    all_pairs = [(e, r) for e in mentees for r in mentors]
    weights = (
        {pair: draw(weight_values) for pair in draw(st.lists(st.sampled_from(all_pairs), unique=True))}
        if all_pairs
        else {}
    )
    pinned, used = [], Counter()
    for mentee in mentees:
        mentor = draw(st.one_of(st.none(), st.sampled_from(mentors)))
        if mentor is not None and used[mentor] < capacity[mentor] and draw(st.booleans()):
            pinned.append((mentee, mentor))
            used[mentor] += 1
    unpinned_pairs = [pair for pair in all_pairs if pair not in pinned]
    forbidden = draw(st.lists(st.sampled_from(unpinned_pairs), unique=True)) if unpinned_pairs else []
    return weights, capacity, pinned, forbidden


@settings(max_examples=300, deadline=None)
@given(instances())
def test_optimum_matches_exhaustive_search(instance):
    weights, capacity, pinned, forbidden = instance
    result = assign(weights, capacity, pinned=pinned, forbidden=forbidden)

    assert set(pinned) <= set(result.items())
    assert not set(forbidden) & set(result.items())
    assert all(pair in weights for pair in result.items() if pair not in pinned)
    assert all(count <= capacity[mentor] for mentor, count in Counter(result.values()).items())

    pinned_mentees = {mentee for mentee, _ in pinned}
    left = dict(capacity) | {m: capacity[m] - n for m, n in Counter(r for _, r in pinned).items()}
    options = {}
    for (mentee, mentor), weight in weights.items():
        if mentee not in pinned_mentees and (mentee, mentor) not in forbidden:
            options.setdefault(mentee, []).append((mentor, weight))
    best_matched, best_total = best_by_exhaustive_search(options, left)

    solved = {mentee: mentor for mentee, mentor in result.items() if mentee not in pinned_mentees}
    total = sum(weights[pair] for pair in solved.items())
    tolerance = len(solved) * max(weights.values(), default=0) / COST_RESOLUTION + 1e-9 * best_total
    assert len(solved) == best_matched
    assert best_total - tolerance <= total <= best_total + 1e-9 * best_total
