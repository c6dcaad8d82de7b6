"""candidate_weights and no_candidate_reasons agree with score_pair, pair by pair."""

import numpy as np
import pytest

from pmcohort.domain.vocabulary import DOMAINS, PATHS, SKILLS
from pmcohort.matching import Mentee, Mentor, candidate_weights, no_candidate_reasons, score_pair

MINUTES_PER_WEEK = 7 * 24 * 60


def random_week(rng: np.random.Generator, aligned: bool) -> tuple[tuple[int, int], ...]:
    """Up to four sorted, non-overlapping intervals, on the quarter-hour grid or anywhere."""
    grid = 15 if aligned else 1
    points = np.sort(rng.choice(MINUTES_PER_WEEK // grid + 1, size=2 * rng.integers(0, 5), replace=False)) * grid
    return tuple(zip(points[0::2].tolist(), points[1::2].tolist(), strict=False))


def random_subset(rng: np.random.Generator, keys) -> list[str]:
    return [key for key in keys if rng.random() < 0.6]


def random_cohort(seed: int, n_mentees: int = 40, n_mentors: int = 25, aligned: bool = True):
    """Profiles with every optional part sometimes missing; weeks drawn from a
    few shared templates so that many pairs overlap."""
    rng = np.random.default_rng(seed)
    templates = [random_week(rng, aligned) for _ in range(4)]

    def week():
        return templates[rng.integers(len(templates))] if rng.random() < 0.7 else random_week(rng, aligned)

    mentees = [
        Mentee(
            id=f"engineer-{i}",
            skills={skill: float(rng.uniform(0, 100)) for skill in random_subset(rng, SKILLS)},
            path=rng.choice([None, *PATHS]),
            domain=rng.choice([None, *DOMAINS]),
            week=week(),
        )
        for i in range(n_mentees)
    ]
    mentors = [
        Mentor(
            id=("pm", i),
            strengths={skill: int(rng.integers(1, 6)) for skill in random_subset(rng, SKILLS)},
            former_engineer=bool(rng.random() < 0.5),
            paths=frozenset(random_subset(rng, PATHS)),
            domains=frozenset(random_subset(rng, DOMAINS)),
            capacity=int(rng.integers(0, 4)),
            week=week(),
            reliability=float(rng.choice([1.0, rng.uniform(0, 1)])),
        )
        for i in range(n_mentors)
    ]
    return mentees, mentors


def feasible_scores(mentees, mentors):
    scores = {}
    for mentee in mentees:
        for mentor in mentors:
            result = score_pair(mentee, mentor)
            if result.feasible:
                scores[mentee.id, mentor.id] = result.score
    return scores


@pytest.mark.parametrize("aligned", [True, False], ids=["quarter-hour-grid", "any-minute"])
@pytest.mark.parametrize("seed", range(8))
def test_every_feasible_pair_scores_as_score_pair(seed, aligned):
    mentees, mentors = random_cohort(seed, aligned=aligned)
    expected = feasible_scores(mentees, mentors)
    weights = candidate_weights(mentees, mentors, k=len(mentors))
    assert expected, "the instance should have feasible pairs"
    assert weights.keys() == expected.keys()
    for pair, score in expected.items():
        assert weights[pair] == pytest.approx(score, abs=1e-6)


@pytest.mark.parametrize("k", [1, 3, 10])
@pytest.mark.parametrize("seed", range(4))
def test_keeps_each_mentees_and_each_mentors_k_best(seed, k):
    mentees, mentors = random_cohort(seed, n_mentees=60)
    expected = feasible_scores(mentees, mentors)
    weights = candidate_weights(mentees, mentors, k=k)
    assert weights.keys() <= expected.keys()

    for side in (0, 1):  # 0: each mentee's best mentors, 1: each mentor's best mentees
        by_person = {}
        for pair, score in expected.items():
            by_person.setdefault(pair[side], []).append((score, pair))
        for ranked in by_person.values():
            ranked.sort(reverse=True)
            kth_score = ranked[min(k, len(ranked)) - 1][0]
            # Everything clearly above the k-th score must be kept (ties may go either way).
            assert all(pair in weights for score, pair in ranked if score > kth_score + 1e-5)
            assert sum(pair in weights for _, pair in ranked) >= min(k, len(ranked))


@pytest.mark.parametrize("seed", range(4))
def test_reasons_cover_exactly_the_mentees_without_a_candidate(seed):
    mentees, mentors = random_cohort(seed)
    with_candidates = {mentee for mentee, _ in candidate_weights(mentees, mentors, k=5)}
    reasons = no_candidate_reasons(mentees, mentors)
    assert reasons.keys() == {m.id for m in mentees} - with_candidates


@pytest.mark.parametrize(
    ("mentee_week", "mentors", "reason"),
    [
        ((), [Mentor(id="pm", strengths={}, capacity=1, week=((0, 600),))], "no weekly availability set"),
        (
            ((0, 600),),
            [Mentor(id="pm", strengths={}, capacity=0, week=((0, 600),))],
            "no mentor is taking mentees right now",
        ),
        (((0, 600),), [], "no mentor is taking mentees right now"),
        (
            ((0, 600),),
            [
                Mentor(id="pm", strengths={}, capacity=2, week=((600, 900),)),
                Mentor(id="closed", strengths={}, capacity=0, week=((0, 600),)),
            ],
            "no mentor with shared availability",
        ),
        (
            ((0, 600),),
            [
                Mentor(id="pm", strengths={}, capacity=2, week=((555, 900),)),
                Mentor(id="pm2", strengths={}, capacity=2, week=((570, 900),)),
            ],
            "no mentor with at least 1 h of shared weekly availability (the most is 45 min)",
        ),
    ],
)
def test_says_why_a_mentee_has_no_candidate(mentee_week, mentors, reason):
    engineer = Mentee(id="ann", skills={}, week=mentee_week)
    assert no_candidate_reasons([engineer], mentors) == {"ann": reason}
    assert candidate_weights([engineer], mentors) == {}


def test_a_mentee_with_a_candidate_needs_no_reason():
    engineer = Mentee(id="ann", skills={}, week=((0, 600),))
    pm = Mentor(id="pm", strengths={}, capacity=1, week=((540, 900),))
    assert no_candidate_reasons([engineer], [pm]) == {}
    assert candidate_weights([engineer], [pm]).keys() == {("ann", "pm")}


@pytest.mark.parametrize(("mentees", "mentors", "k"), [([], [], 5), ([], None, 5), (None, [], 5), (None, None, 0)])
def test_empty_inputs(mentees, mentors, k):
    cohort_mentees, cohort_mentors = random_cohort(0)
    mentees = cohort_mentees if mentees is None else mentees
    mentors = cohort_mentors if mentors is None else mentors
    assert candidate_weights(mentees, mentors, k=k) == {}


def test_large_cohort_spanning_several_blocks_matches_score_pair_on_a_sample():
    mentees, mentors = random_cohort(99, n_mentees=2500, n_mentors=30)
    weights = candidate_weights(mentees, mentors, k=len(mentors))
    for mentee in mentees[::97]:
        for mentor in mentors:
            result = score_pair(mentee, mentor)
            assert ((mentee.id, mentor.id) in weights) == result.feasible
            if result.feasible:
                assert weights[mentee.id, mentor.id] == pytest.approx(result.score, abs=1e-6)
