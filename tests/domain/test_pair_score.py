"""score_pair: ranking, hard constraints, bounds, reasons."""

from dataclasses import replace
from itertools import permutations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmcohort.domain.availability import merged
from pmcohort.domain.limits import GAP_THRESHOLD
from pmcohort.domain.vocabulary import DOMAINS, PATHS, SKILLS
from pmcohort.matching import Mentee, Mentor, score_pair
from pmcohort.matching.pair_score import gap_order

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
        strengths=dict.fromkeys(SKILLS, 5),
        former_engineer=True,
        paths=frozenset(PATHS),
        domains=frozenset(DOMAINS),
        week=((0, 600),),
    )
    result = score_pair(engineer, ideal)
    assert result.score == pytest.approx(1.0)
    assert result.overlap_hours == 10
    for reason in [
        "10 h a week of shared availability",
        "Also moved from engineering to PM",
        "Knows the internal transfer path {engineer} chose well",
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
    result = score_pair(
        mentee(path="apm_program", domain="ml_platforms"),
        mentor(paths=frozenset({"apm_program"}), domains=frozenset({"ml_platforms"})),
    )
    assert "Knows the APM program path {engineer} chose well" in result.reasons
    assert "Knows ML platforms" in result.reasons


def test_gap_reasons_come_first_then_context_by_how_much_it_adds():
    engineer = mentee(skills=dict.fromkeys(SKILLS, 90) | {"influence": 10}, path="external_hire")
    pm = mentor(
        strengths={"influence": 5},
        former_engineer=True,
        paths=frozenset({"external_hire"}),
        week=((18 * 60, 19 * 60 + 30),),
    )
    assert score_pair(engineer, pm).reasons == (
        "Very strong in influence without authority, {engineer's} largest gap",
        "Knows the external hire path {engineer} chose well",
        "Also moved from engineering to PM",
        "1 h 30 min a week of shared availability",
    )


def test_a_skill_at_the_gap_threshold_or_above_is_not_called_a_gap():
    engineer = mentee(skills=dict.fromkeys(SKILLS, GAP_THRESHOLD) | {"discovery": GAP_THRESHOLD - 1})
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
        lambda points: tuple(zip(sorted(points)[0::2], sorted(points)[1::2], strict=False))
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


@given(mentees, mentors, weeks(min_size=1))
def test_more_shared_time_never_lowers_the_score(engineer, pm, extra):
    wider = replace(pm, week=tuple(merged(pm.week + extra)))
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


# --- strength in the engineer's gaps decides; context only separates near-equals

skill_scores = st.fixed_dictionaries({skill: st.integers(0, 100) for skill in SKILLS})
contexts = st.fixed_dictionaries(
    {
        "former_engineer": st.booleans(),
        "paths": st.frozensets(st.sampled_from(list(PATHS))),
        "domains": st.frozensets(st.sampled_from(list(DOMAINS))),
        # Any shared time at or above the hard minimum of one hour, up to ten hours.
        "week": st.integers(60, 600).map(lambda minutes: ((0, minutes),)),
    }
)


@settings(max_examples=300)
@given(
    skills=skill_scores,
    path=st.none() | st.sampled_from(list(PATHS)),
    domain=st.none() | st.sampled_from(list(DOMAINS)),
    strong_rest=st.lists(st.integers(1, 5), min_size=3, max_size=3),
    weak_top=st.lists(st.integers(1, 3), min_size=2, max_size=2),
    weak_rest=st.lists(st.integers(1, 5), min_size=3, max_size=3),
    strong_context=contexts,
    weak_context=contexts,
)
def test_rated_5_in_the_two_largest_gaps_beats_3_or_lower_there_whatever_the_context(
    skills, path, domain, strong_rest, weak_top, weak_rest, strong_context, weak_context
):
    engineer = Mentee(id="sam", skills=skills, path=path, domain=domain, week=((0, 600),))
    first, second, *rest = gap_order(engineer)
    strong = Mentor(
        id="a",
        capacity=1,
        strengths={first: 5, second: 5} | dict(zip(rest, strong_rest, strict=False)),
        **strong_context,
    )
    weak = Mentor(
        id="b",
        capacity=1,
        strengths=dict(zip((first, second), weak_top, strict=False)) | dict(zip(rest, weak_rest, strict=False)),
        **weak_context,
    )
    assert score_pair(engineer, strong).score > score_pair(engineer, weak).score


@given(
    largest_gap=st.integers(0, 85),
    lead=st.integers(15, 100),
    others=st.lists(st.integers(0, 100), min_size=4, max_size=4),
    path=st.none() | st.sampled_from(list(PATHS)),
    specialist_context=contexts,
    generalist_context=contexts,
)
def test_a_specialist_in_a_clearly_largest_gap_beats_a_generalist(
    largest_gap, lead, others, path, specialist_context, generalist_context
):
    skill, *rest = SKILLS
    # The largest gap is at least 15 points ahead of the next: every other skill scores that much higher.
    skills = {skill: largest_gap} | {
        other: max(score, min(100, largest_gap + lead)) for other, score in zip(rest, others, strict=False)
    }
    engineer = Mentee(id="sam", skills=skills, path=path, week=((0, 600),))
    specialist = Mentor(id="a", capacity=1, strengths=dict.fromkeys(SKILLS, 2) | {skill: 5}, **specialist_context)
    generalist = Mentor(id="b", capacity=1, strengths=dict.fromkeys(SKILLS, 3), **generalist_context)
    assert score_pair(engineer, specialist).score > score_pair(engineer, generalist).score


@given(mentees, mentors)
def test_a_gap_reason_always_leads_when_there_is_one(engineer, pm):
    reasons = score_pair(engineer, pm).reasons
    gap_reasons = [reason for reason in reasons if "gap" in reason]
    assert reasons[: len(gap_reasons)] == tuple(gap_reasons)


FULL_CONTEXT = dict(former_engineer=True, paths=frozenset(PATHS), domains=frozenset(DOMAINS), week=((0, 600),))
NO_CONTEXT = dict(former_engineer=False, paths=frozenset(), domains=frozenset(), week=((0, 60),))


@pytest.mark.parametrize("path", [None, *PATHS])
@pytest.mark.parametrize(
    "skills",
    [
        dict.fromkeys(SKILLS, 40),
        dict(zip(SKILLS, (10, 20, 30, 40, 50), strict=True)),
        dict(zip(SKILLS, (90, 5, 60, 5, 100), strict=True)),
    ],
)
def test_the_extreme_case_of_the_rule_holds(path, skills):
    """The weakest mentor who must win (5 in the two largest gaps, 1 elsewhere, no context, the minimum
    shared hour) against the strongest who must lose (3 there, 5 elsewhere, every context bonus)."""
    engineer = Mentee(id="sam", skills=skills, path=path, domain="fintech", week=((0, 600),))
    first, second, *rest = gap_order(engineer)
    must_win = Mentor(id="a", capacity=1, strengths={first: 5, second: 5} | dict.fromkeys(rest, 1), **NO_CONTEXT)
    must_lose = Mentor(id="b", capacity=1, strengths={first: 3, second: 3} | dict.fromkeys(rest, 5), **FULL_CONTEXT)
    assert score_pair(engineer, must_win).score > score_pair(engineer, must_lose).score
    specialist = Mentor(id="c", capacity=1, strengths=dict.fromkeys(SKILLS, 2) | {first: 5}, **NO_CONTEXT)
    generalist = Mentor(id="d", capacity=1, strengths=dict.fromkeys(SKILLS, 3), **FULL_CONTEXT)
    assert score_pair(engineer, specialist).score > score_pair(engineer, generalist).score


def test_the_issue_example_now_ranks_strength_over_shared_context():
    """Filed: A (2 everywhere, same path, domain, ex-engineer) 0.625 beat B (5 in the three largest gaps) 0.52."""
    engineer = mentee(
        skills=dict.fromkeys(SKILLS, 60) | {"discovery": 10, "writing": 20, "influence": 30},
        path="internal_transfer",
        domain="developer_tools",
    )
    context_only = mentor(
        strengths=dict.fromkeys(SKILLS, 2),
        former_engineer=True,
        paths=frozenset({"internal_transfer"}),
        domains=frozenset({"developer_tools"}),
    )
    strength_only = mentor(strengths=dict.fromkeys(SKILLS, 1) | {"discovery": 5, "writing": 5, "influence": 5})
    assert score_pair(engineer, strength_only).score > 2 * score_pair(engineer, context_only).score


@pytest.mark.parametrize(
    ("path", "first"),
    [
        ("internal_transfer", "influence"),
        ("apm_program", "interviewing"),
        ("external_hire", "interviewing"),
        (None, "discovery"),
    ],
)
def test_equal_gaps_are_ordered_by_what_matters_more_on_the_path(path, first):
    assert gap_order(mentee(skills=dict.fromkeys(SKILLS, 40), path=path))[0] == first
