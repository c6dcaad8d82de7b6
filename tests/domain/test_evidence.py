"""Observed skill scores from rubric evidence, and the blend matching uses."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcohort.domain.evidence import (
    MAX_OBSERVED_WEIGHT,
    Observation,
    ObservedSkill,
    confirmed_pitfalls,
    effective_scores,
    observed_scores,
    observed_weight,
)
from pmcohort.domain.vocabulary import SKILLS

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def seen(level, days_ago=0, source="session:1", skill="discovery", kind="mock interview"):
    return Observation(skill, level, NOW - timedelta(days=days_ago), source, kind)


@pytest.mark.parametrize(("level", "score"), [(1, 0), (2, 33), (3, 67), (4, 100)])
def test_a_level_lands_on_the_profiles_scale(level, score):
    assert observed_scores([seen(level)], NOW)["discovery"].score == score


def test_recent_evidence_counts_more_than_old():
    # A 4 today and a 1 from 180 days ago (two half-lives): the mean leans to the recent 4.
    result = observed_scores([seen(4), seen(1, days_ago=180, source="session:2")], NOW)["discovery"]
    assert result.score == round(100 * ((4 * 1 + 1 * 0.25) / 1.25 - 1) / 3)
    assert (result.observations, result.sources) == (2, 2)


def test_counts_observations_sources_and_kinds():
    result = observed_scores(
        [
            seen(3, source="session:1"),
            seen(3, source="session:1"),
            seen(2, source="document:9", kind="document review"),
        ],
        NOW,
    )["discovery"]
    assert (result.observations, result.sources, result.kinds) == (3, 2, ("document review", "mock interview"))


@pytest.mark.parametrize(
    ("observations", "sources", "dominates"),
    [(1, 1, False), (2, 1, False), (3, 1, False), (2, 2, True), (5, 3, True)],
)
def test_observation_dominates_from_two_observations_in_two_sources(observations, sources, dominates):
    weight = observed_weight(ObservedSkill(50, observations, sources, ("mock interview",)))
    assert (weight > 0.5) is dominates
    assert 0 < weight <= MAX_OBSERVED_WEIGHT


def test_the_blend_moves_the_self_report_toward_what_mentors_saw():
    observed = observed_scores([seen(1, source="session:1"), seen(1, source="session:2")], NOW)
    blended = effective_scores({"discovery": 90, "writing": 40}, observed)
    assert blended["discovery"].score < 50 < blended["discovery"].self_reported
    assert blended["writing"].score == 40 and blended["writing"].observed is None


def test_an_observed_skill_without_a_self_report_uses_the_observation():
    blended = effective_scores({}, observed_scores([seen(4)], NOW))
    assert blended["discovery"].score == 100 and set(blended) == {"discovery"}


@given(
    reported=st.integers(0, 100),
    levels=st.lists(st.integers(1, 4), min_size=1, max_size=8),
)
def test_the_effective_score_lies_between_self_report_and_observation(reported, levels):
    observations = [seen(level, days_ago=i * 10, source=f"session:{i}") for i, level in enumerate(levels)]
    observed = observed_scores(observations, NOW)["discovery"]
    effective = effective_scores({"discovery": reported}, {"discovery": observed})["discovery"].score
    assert min(reported, observed.score) <= effective <= max(reported, observed.score)


@pytest.mark.parametrize(("field", "value"), [("skill", "juggling"), ("level", 0), ("level", 5)])
def test_an_observation_of_an_unknown_skill_or_out_of_range_is_refused(field, value):
    fields = dict(skill="discovery", level=3, observed_at=NOW, source="session:1", kind="mock interview") | {
        field: value
    }
    with pytest.raises(ValueError):
        Observation(**fields)


def test_a_pitfall_seen_twice_is_confirmed():
    assert confirmed_pitfalls(["solutioning_early", "solutioning_early", "still_the_engineer"]) == {"solutioning_early"}
    with pytest.raises(ValueError):
        confirmed_pitfalls(["procrastination"])


def test_every_skill_can_be_observed():
    assert set(observed_scores([seen(2, skill=skill) for skill in SKILLS], NOW)) == set(SKILLS)
