"""score_pair: ranking, hard constraints, bounds, reasons."""

from dataclasses import replace
from itertools import permutations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcohort.domain.vocabulary import DOMAINS, PATHS, SKILLS
from pmcohort.matching import Mentee, Mentor, score_pair

MONDAY_EVENING = ((18 * 60, 21 * 60),)  # Monday 18:00-21:00 UTC


def mentee(**fields) -> Mentee:
    defaults = dict(id="ann", skills=dict.fromkeys(SKILLS, 50), path=None, domain=None, week=MONDAY_EVENING)
    return Mentee(**defaults | fields)


def mentor(**fields) -> Mentor:
    defaults = dict(id="pm", strengths=dict.fromkeys(SKILLS, 3), capacity=2, week=MONDAY_EVENING)
    return Mentor(**defaults | fields)


@pytest.mark.parametrize(("gap_skill", "best_skill"), list(permutations(SKILLS, 2)))
def test_strength_in_the_top_gap_outranks_strength_in_the_best_skill(gap_skill, best_skill):
    engineer = mentee(skills=dict.fromkeys(SKILLS, 60) | {gap_skill: 15, best_skill: 95})
    covers_gap = mentor(strengths=dict.fromkeys(SKILLS, 2) | {gap_skill: 5})
    covers_strength = mentor(strengths=dict.fromkeys(SKILLS, 2) | {best_skill: 5})
    assert score_pair(engineer, covers_gap).score > score_pair(engineer, covers_strength).score


@pytest.mark.parametrize("skill", SKILLS)
def test_first_reason_names_the_largest_gap(skill):
    engineer = mentee(skills=dict.fromkeys(SKILLS, 70) | {skill: 10})
    result = score_pair(engineer, mentor(strengths=dict.fromkeys(SKILLS, 2) | {skill: 5}))
    assert result.reasons[0].startswith("Very strong in ")
    assert result.reasons[0].lower().endswith(f"{SKILLS[skill].lower()}, {{engineer's}} largest gap")


@pytest.mark.parametrize(
    ("mentee_week", "mentor_week", "blocker"),
    [
        (((0, 600),), ((600, 1200),), "no shared weekly availability (needs at least 1 h)"),
        (((0, 600),), ((2000, 2600),), "no shared weekly availability (needs at least 1 h)"),
        ((), MONDAY_EVENING, "no shared weekly availability (needs at least 1 h)"),
        (((0, 600),), ((555, 1200),), "only 45 min of shared weekly availability (needs at least 1 h)"),
        # Only whole 15-minute slots count: 65 shared minutes cover 3 whole slots.
        (((0, 70),), ((5, 80),), "only 45 min of shared weekly availability (needs at least 1 h)"),
    ],
)
def test_under_an_hour_of_shared_time_is_not_a_candidate(mentee_week, mentor_week, blocker):
    result = score_pair(mentee(week=mentee_week), mentor(week=mentor_week))
    assert (result.feasible, result.blocker, result.score) == (False, blocker, 0.0)


def test_exactly_one_hour_of_shared_time_is_enough():
    result = score_pair(mentee(week=((0, 600),)), mentor(week=((540, 1200),)))
    assert result.feasible and result.blocker is None and result.overlap_hours == 1


def test_a_mentor_without_capacity_is_not_a_candidate():
    result = score_pair(mentee(), mentor(capacity=0))
    assert (result.feasible, result.blocker, result.score) == (False, "not taking mentees right now", 0.0)


def test_a_perfect_fit_scores_one_and_gives_every_reason():
    engineer = mentee(
        skills=dict.fromkeys(SKILLS, 0) | {"discovery": 0, "writing": 40},
        path="internal_transfer",
        domain="developer_tools",
        week=((0, 600),),
    )
    ideal = mentor(
        strengths=dict.fromkeys(SKILLS, 5), former_engineer=True, paths=frozenset(PATHS),
        domains=frozenset(DOMAINS), week=((0, 600),),
    )
    result = score_pair(engineer, ideal)
    assert result.score == pytest.approx(1.0)
    assert result.overlap_hours == 10
    for reason in [
        "10 h a week of shared availability",
        "Also moved from engineering to PM",
        "Walked the internal transfer path {engineer} chose",
        "Knows developer tools",
        "Very strong in customer discovery, {engineer's} largest gap",
        "Very strong in writing for non-technical readers, one of {engineer's} gaps",
    ]:
        assert reason in result.reasons


@pytest.mark.parametrize(
    ("fields", "absent"),
    [
        (dict(path=None), "path {engineer} chose"),
        (dict(path="apm_program"), "path {engineer} chose"),
        (dict(domain="other"), "Knows"),
        (dict(domain=None), "Knows"),
    ],
)
def test_no_reason_without_a_real_match(fields, absent):
    result = score_pair(
        mentee(**fields),
        mentor(paths=frozenset({"internal_transfer"}), domains=frozenset({"other", "fintech"})),
    )
    assert not any(absent in reason for reason in result.reasons)


def test_labels_read_naturally_mid_sentence():
    result = score_pair(mentee(path="apm_program", domain="ml_platforms"),
                        mentor(paths=frozenset({"apm_program"}), domains=frozenset({"ml_platforms"})))
    assert "Walked the APM program path {engineer} chose" in result.reasons
    assert "Knows ML platforms" in result.reasons


def test_reasons_are_ranked_by_how_much_they_add():
    engineer = mentee(skills=dict.fromkeys(SKILLS, 90) | {"influence": 10}, path="external_hire")
    pm = mentor(
        strengths={"influence": 5}, former_engineer=True, paths=frozenset({"external_hire"}),
        week=((18 * 60, 19 * 60 + 30),),
    )
    assert score_pair(engineer, pm).reasons == (
        "Very strong in influence without authority, {engineer's} largest gap",
        "Walked the external hire path {engineer} chose",
        "Also moved from engineering to PM",
        "1 h 30 min a week of shared availability",
    )


def test_a_skill_scored_75_or_more_is_not_called_a_gap():
    engineer = mentee(skills=dict.fromkeys(SKILLS, 75) | {"discovery": 74})
    result = score_pair(engineer, mentor(strengths=dict.fromkeys(SKILLS, 5)))
    assert [reason for reason in result.reasons if "gap" in reason] == [
        "Very strong in customer discovery, {engineer's} largest gap"
    ]


def test_less_reliable_mentor_scores_proportionally_lower():
    full, half = score_pair(mentee(), mentor()), score_pair(mentee(), mentor(reliability=0.5))
    assert half.score == pytest.approx(full.score / 2)


@pytest.mark.parametrize(
    ("make", "fields"),
    [
        (mentee, dict(skills={"juggling": 50})),
        (mentee, dict(skills={"discovery": 101})),
        (mentee, dict(path="bootcamp")),
        (mentee, dict(domain="gaming")),
        (mentee, dict(week=((600, 100),))),
        (mentee, dict(week=((0, 100), (50, 200)))),
        (mentee, dict(week=((10000, 10081),))),
        (mentor, dict(strengths={"writing": 0})),
        (mentor, dict(paths=frozenset({"bootcamp"}))),
        (mentor, dict(capacity=-1)),
        (mentor, dict(capacity=2.5)),
        (mentor, dict(capacity=True)),
        (mentor, dict(reliability=1.5)),
    ],
)
def test_invalid_profiles_are_rejected(make, fields):
    with pytest.raises(ValueError):
        make(**fields)


def weeks(min_size: int = 0) -> st.SearchStrategy[tuple[tuple[int, int], ...]]:
    """Sorted, non-overlapping intervals: pairs of distinct sorted minute offsets."""
    return st.lists(st.integers(0, 7 * 24 * 60), min_size=2 * min_size, max_size=8, unique=True).map(
        lambda points: tuple(zip(sorted(points)[0::2], sorted(points)[1::2]))
    )


mentees = st.builds(
    Mentee,
    id=st.just("ann"),
    skills=st.dictionaries(st.sampled_from(list(SKILLS)), st.floats(0, 100)),
    path=st.none() | st.sampled_from(list(PATHS)),
    domain=st.none() | st.sampled_from(list(DOMAINS)),
    week=weeks(),
)
mentors = st.builds(
    Mentor,
    id=st.just("pm"),
    strengths=st.dictionaries(st.sampled_from(list(SKILLS)), st.integers(1, 5)),
    former_engineer=st.booleans(),
    paths=st.frozensets(st.sampled_from(list(PATHS))),
    domains=st.frozensets(st.sampled_from(list(DOMAINS))),
    capacity=st.integers(0, 5),
    week=weeks(),
    reliability=st.floats(0, 1),
)


@given(mentees, mentors)
def test_score_stays_within_zero_and_one(engineer, pm):
    result = score_pair(engineer, pm)
    assert 0 <= result.score <= 1
    assert result.feasible == (result.blocker is None)


def merged(intervals):
    result = []
    for start, end in sorted(intervals):
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], end))
        else:
            result.append((start, end))
    return tuple(result)


@given(mentees, mentors, weeks(min_size=1))
def test_more_shared_time_never_lowers_the_score(engineer, pm, extra):
    wider = replace(pm, week=merged(pm.week + extra))
    before, after = score_pair(engineer, pm), score_pair(engineer, wider)
    assert after.overlap_hours >= before.overlap_hours
    assert after.score >= before.score


@pytest.mark.parametrize("hours", [1, 1.5, 2, 3, 4, 8])
def test_score_grows_with_overlap_until_it_saturates(hours):
    engineer = mentee(week=((0, 600),))
    shorter = score_pair(engineer, mentor(week=((0, int(hours * 60)),)))
    longer = score_pair(engineer, mentor(week=((0, int(hours * 60) + 30),)))
    assert longer.score >= shorter.score
    assert (longer.score > shorter.score) == (hours < 3)
