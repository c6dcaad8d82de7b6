"""Scoring version 2: each way version 1 could be gamed, shown not to pay any more."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcohort.domain.content import ContentError
from pmcohort.domain.limits import GAP_THRESHOLD
from pmcohort.domain.readiness import (
    RELEASED,
    VERSIONS,
    Release,
    choices_in_display_order,
    explain_change,
    load_version,
    load_versions,
    question_credit,
    score,
    scoring_fingerprint,
    validate,
)
from pmcohort.domain.vocabulary import PITFALLS, SKILL_PRIORITY_BY_PATH, SKILLS
from tests.domain.content_files import edit

V1, V2 = VERSIONS[1], VERSIONS[2]
RULES = V2.rules
QUESTIONS = {question.key: question for question in V2.questions}
SCENARIOS = [question for question in V2.questions if question.kind == "scenario"]


def credit_of(key, value):
    return RULES.choice_credit[key][value]


def best(question):
    if question.kind == "context":
        return question.choices[0].value if question.choices else 5
    if question.is_numeric:
        return question.maximum
    return max(question.choices, key=lambda choice: credit_of(question.key, choice.value)).value


def worst(question):
    if question.kind == "context":
        return question.choices[0].value if question.choices else 5
    if question.is_numeric:
        return 0
    return min(question.choices, key=lambda choice: credit_of(question.key, choice.value)).value


BEST = {q.key: best(q) for q in V2.questions}
WORST = {q.key: worst(q) for q in V2.questions}
# Someone who knows the right answers and has done the least: every self-rating a 5, every keyed scenario
# answer, version 1's full-credit counts exactly, and nothing to say about what they did in them.
GAMER = (
    {q.key: best(q) for q in V2.questions if q.kind in ("context", "self_rating", "scenario")}
    | {
        "discovery_interviews_run": 5,
        "discovery_pm_meetings_shadowed": 4,
        "prioritization_frameworks_applied": 3,
        "influence_decisions_aligned": 3,
        "writing_docs_for_non_engineers": 4,
        "interviewing_mock_interviews": 4,
    }
    | {q.key: worst(q) for q in V2.questions if q.kind == "evidence" and not q.is_numeric}
)


def test_version_2_is_released_and_version_1_still_loads_as_pinned():
    assert set(VERSIONS) == {1, 2}
    assert scoring_fingerprint(V1) == RELEASED[1].fingerprint
    assert scoring_fingerprint(V2) == RELEASED[2].fingerprint
    assert validate(BEST, V2.questions) == {} and validate(GAMER, V2.questions) == {}


def test_the_best_answers_still_reach_100_and_the_worst_0():
    assert score(BEST).readiness == 100
    assert score(WORST).readiness == 0


# --- scenarios


GUIDE_WORDS = re.compile(
    r"\b(insights?|problem statement|stakeholders?|align\w*|business terms|customer value|discovery|influence|"
    r"one-pager|one-page|bet|mocks?|product sense|behaviou?ral|framework|RICE|strategy|trust|productive|"
    r"soft|solution\w*|follow-up)\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("question", SCENARIOS, ids=lambda q: q.key)
def test_scenario_options_avoid_the_guides_vocabulary(question):
    for choice in question.choices:
        assert not GUIDE_WORDS.search(choice.label), choice.label


@pytest.mark.parametrize("question", SCENARIOS, ids=lambda q: q.key)
def test_the_keyed_option_does_not_stand_out_by_length_or_as_the_only_sensible_one(question):
    keyed = best(question)
    words = {choice.value: len(choice.label.split()) for choice in question.choices}
    others = [count for value, count in words.items() if value != keyed]
    assert words[keyed] <= max(others) + 2  # not the one long, careful-sounding answer
    assert len(question.choices) >= 4
    # Plausible options earn something or reveal a habit worth naming; none is filler.
    credited = [credit_of(question.key, c.value) for c in question.choices if c.value != keyed]
    flagged = set(RULES.pitfall_answers.get(question.key, {})) | set(RULES.trust_flag_answers.get(question.key, {}))
    assert all(
        credit > 0 or value in flagged
        for value, credit in zip([c.value for c in question.choices if c.value != keyed], credited, strict=True)
    )


def test_options_are_shuffled_per_attempt_and_stable_within_one():
    question = QUESTIONS["prioritization_scenario_director_v2"]
    keyed = best(question)
    positions = {
        [c.value for c in choices_in_display_order(question, f"7:{attempt}")].index(keyed) for attempt in range(30)
    }
    assert len(positions) >= 3
    assert choices_in_display_order(question, "7:2") == choices_in_display_order(question, "7:2")
    assert sorted(c.value for c in choices_in_display_order(question, "7:2")) == sorted(
        c.value for c in question.choices
    )
    evidence = QUESTIONS["influence_how_aligned"]
    assert choices_in_display_order(evidence, "7:2") == evidence.choices  # least to most, as people read them


# --- pitfalls need two signals


PITFALL_SCENARIO_ANSWER = {
    pitfall: next(
        (key, value)
        for key, by_answer in RULES.pitfall_answers.items()
        for value, p in by_answer.items()
        if p == pitfall
    )
    for pitfall in PITFALLS
}


@pytest.mark.parametrize("pitfall", PITFALLS)
def test_one_click_never_flags_a_pitfall(pitfall):
    key, value = PITFALL_SCENARIO_ANSWER[pitfall]
    assert score(BEST | {key: value}).pitfalls == ()


@pytest.mark.parametrize("pitfall", PITFALLS)
def test_a_pitfall_is_flagged_when_the_scenario_and_the_evidence_agree(pitfall):
    key, value = PITFALL_SCENARIO_ANSWER[pitfall]
    confirmation = RULES.pitfall_confirmation[pitfall]
    assert QUESTIONS[confirmation.question].kind == "evidence"
    assert QUESTIONS[confirmation.question].skills != () and confirmation.question != key
    weak_evidence = {confirmation.question: worst(QUESTIONS[confirmation.question])}

    assert score(BEST | weak_evidence).pitfalls == ()  # the evidence alone is not enough either
    assert [flag.key for flag in score(BEST | weak_evidence | {key: value}).pitfalls] == [pitfall]


valid_answers = st.fixed_dictionaries(
    {
        q.key: st.integers(q.minimum, q.maximum) if q.is_numeric else st.sampled_from([c.value for c in q.choices])
        for q in V2.questions
    }
)


@given(valid_answers)
def test_every_flagged_pitfall_rests_on_two_signals(answers):
    for flag in score(answers).pitfalls:
        scenario_said_so = any(
            RULES.pitfall_answers[key].get(answers[key]) == flag.key for key in RULES.pitfall_answers
        )
        confirmation = RULES.pitfall_confirmation[flag.key]
        assert scenario_said_so
        assert (
            question_credit(RULES, confirmation.question, {confirmation.question: answers[confirmation.question]})
            < confirmation.below
        )


def test_quietly_reordering_scores_lowest_and_raises_a_trust_flag():
    question = QUESTIONS["prioritization_scenario_director_v2"]
    credits = {c.value: credit_of(question.key, c.value) for c in question.choices}
    assert credits["fix_first"] == min(credits.values()) < credits["as_asked"]
    quiet = score(BEST | {question.key: "fix_first"})
    as_asked = score(BEST | {question.key: "as_asked"})
    assert quiet.skill_scores["prioritization"] < as_asked.skill_scores["prioritization"]
    assert [flag.key for flag in quiet.trust_flags] == ["reordered_quietly"] and quiet.trust_flags[0].explanation
    assert as_asked.trust_flags == ()


# --- influence, weights and thresholds


def test_influence_is_measured_by_influence_questions_and_shadowing_counts_toward_discovery():
    for question in V2.questions:
        if "shadow" in question.key or "pm_meetings" in question.key:
            assert question.skills == ("discovery",)
    influence = [q for q in V2.questions if "influence" in q.skills and q.kind == "evidence"]
    assert {q.key for q in influence} >= {
        "influence_decisions_aligned",
        "influence_how_aligned",
        "influence_disagreements_resolved",
        "influence_stakeholder_won_over",
    }
    more_shadowing = score(GAMER | {"discovery_pm_meetings_shadowed": 50})
    assert more_shadowing.skill_scores["influence"] == score(GAMER).skill_scores["influence"]


@pytest.mark.parametrize("skill", SKILLS)
def test_no_skill_leans_on_scenarios_for_half_its_score(skill):
    weights = [(q.kind, RULES.weight(q)) for q in V2.questions if skill in q.skills]
    scenario_share = sum(w for kind, w in weights if kind == "scenario") / sum(w for _, w in weights)
    assert scenario_share < 0.5
    # Knowing every right scenario answer with nothing done leaves the skill a large gap.
    knows_only = WORST | {q.key: best(q) for q in SCENARIOS}
    assert score(knows_only).skill_scores[skill] < GAP_THRESHOLD / 2


def test_minimum_counts_and_top_self_ratings_no_longer_give_100():
    assert score(GAMER).readiness < 60
    # Even with the best answers on what they did, version 1's minimum counts fall short of full credit.
    with_depth = GAMER | {q.key: best(q) for q in V2.questions if q.kind == "evidence" and not q.is_numeric}
    assert score(with_depth).readiness < 95
    assert RULES.full_credit_count["interviewing_mock_interviews"] >= 10


@given(valid_answers)
def test_a_perfect_100_needs_evidence_in_every_skill(answers):
    result = score(answers)
    if result.readiness == 100:
        for question in V2.questions:
            if question.kind == "evidence":
                assert question_credit(RULES, question.key, answers) == 1.0


@pytest.mark.parametrize("count", list(RULES.count_depth))
def test_a_count_without_what_you_did_in_them_earns_little(count):
    depth = RULES.count_depth[count]
    alone = question_credit(RULES, count, {count: QUESTIONS[count].maximum, depth: worst(QUESTIONS[depth])})
    with_depth = question_credit(RULES, count, {count: QUESTIONS[count].maximum, depth: best(QUESTIONS[depth])})
    assert alone <= RULES.count_credit_without_depth < with_depth == 1.0


def test_knowing_the_right_preparation_earns_little_and_having_done_it_earns_the_credit():
    base = BEST | {
        "interviewing_scenario_prep_v2": "system_design",
        "interviewing_mock_interviews": 0,
        "interviewing_mock_feedback": "none",
    }
    knows = score(base | {"interviewing_scenario_prep_v2": "practice_out_loud"}).skill_scores["interviewing"]
    did = score(base | {"interviewing_mock_interviews": 12, "interviewing_mock_feedback": "scored_every_kind"})
    before = score(base).skill_scores["interviewing"]
    assert knows - before <= 5
    assert did.skill_scores["interviewing"] - before >= 40


@given(valid_answers, st.data())
def test_more_done_never_lowers_a_skill_score(answers, data):
    question = data.draw(st.sampled_from([q for q in V2.questions if q.kind == "evidence"]))
    if question.is_numeric:
        more = data.draw(st.integers(answers[question.key], question.maximum))
    else:
        values = [c.value for c in question.choices]
        more = data.draw(st.sampled_from(values[values.index(answers[question.key]) :]))
    before, after = score(answers), score(answers | {question.key: more})
    assert all(after.skill_scores[skill] >= before.skill_scores[skill] for skill in SKILLS)


# --- path and years


def test_path_changes_the_weights_the_next_steps_and_the_time_estimate():
    answers = BEST | {
        "interviewing_mock_interviews": 0,
        "interviewing_mock_feedback": "none",
        "interviewing_portfolio": "none",
        "influence_how_aligned": "presented",
        "context_years": 3,
    }
    by_path = {
        path: score(answers | {"context_path": path}) for path in ("internal_transfer", "apm_program", "external_hire")
    }

    # Interviewing is the gap; it weighs more for APM and external moves than for an internal transfer.
    assert (
        by_path["internal_transfer"].readiness > by_path["external_hire"].readiness > by_path["apm_program"].readiness
    )
    apm_steps = by_path["apm_program"].top_gaps[0].next_steps
    assert any("APM application calendar" in step for step in apm_steps)
    assert not any("APM" in step for step in by_path["internal_transfer"].top_gaps[0].next_steps)
    transfer, external = by_path["internal_transfer"].time_estimate, by_path["external_hire"].time_estimate
    assert (transfer.path_low, transfer.path_high) == (3, 6) and (external.path_low, external.path_high) == (6, 18)
    assert transfer.high <= 6 and external.low >= 6


def test_the_time_estimate_is_what_is_true_for_this_person():
    strong, weak = score(BEST | {"context_path": "external_hire"}), score(WORST | {"context_path": "external_hire"})
    assert (strong.time_estimate.low, strong.time_estimate.high) == (6, 12)
    assert weak.time_estimate.low >= 18  # the guide's range assumes the basics are in place


def test_years_change_the_weights_and_the_advice():
    strong_influence = WORST | {q.key: best(q) for q in V2.questions if "influence" in q.skills}
    junior = score(strong_influence | {"context_path": "apm_program", "context_years": 2})
    senior = score(strong_influence | {"context_path": "apm_program", "context_years": 8})
    assert junior.skill_scores == senior.skill_scores and junior.readiness != senior.readiness
    assert any("step back in seniority and pay" in advice for advice in senior.path_advice)
    assert not any("step back" in advice for advice in junior.path_advice)
    assert (
        score(strong_influence | {"context_path": "apm_program", "context_years": 4}).path_advice == senior.path_advice
    )


# --- ties


def test_ties_between_gaps_follow_the_path_and_three_or_more_are_named():
    flat = WORST | {"context_path": "internal_transfer"}
    result = score(flat)
    # Every skill but writing (whose least-credited scenario answer still earns a little) scores 0.
    assert result.skill_scores["writing"] > 0 and set(result.skill_scores.values()) - {
        result.skill_scores["writing"]
    } == {0}
    in_path_order = tuple(s for s in SKILL_PRIORITY_BY_PATH["internal_transfer"] if s != "writing")
    assert [gap.skill for gap in result.top_gaps] == list(in_path_order[:3])
    assert result.tied_skills == in_path_order
    apm = score(flat | {"context_path": "apm_program"})
    assert apm.top_gaps[0].skill == "interviewing"

    one_gap = score(BEST | {"interviewing_mock_interviews": 0, "interviewing_mock_feedback": "none"})
    assert [gap.skill for gap in one_gap.top_gaps] == ["interviewing"] and one_gap.tied_skills == ()


# --- what changed since the last attempt


def test_the_change_since_the_last_attempt_names_the_answers_that_moved_each_score():
    before = GAMER | {"context_path": "external_hire"}
    after = before | {
        "interviewing_mock_interviews": 12,
        "interviewing_mock_feedback": "scored",
        "writing_self_rating": 5,
    }

    change = explain_change(before, 2, after, 2)

    moved = {effect.question.key: effect.moved for effect in change.effects}
    assert set(moved) == {"interviewing_mock_interviews", "interviewing_mock_feedback"}
    assert (
        moved["interviewing_mock_interviews"]["interviewing"] > 0
        and "readiness" in moved["interviewing_mock_interviews"]
    )
    assert change.unmoving == 0  # writing_self_rating was already 5
    assert change.after.readiness > change.before.readiness


def test_a_version_1_attempt_compared_with_version_2_separates_the_new_scoring_from_the_answers():
    v1_answers = {
        q.key: q.maximum if q.is_numeric else max(q.choices, key=lambda c: V1.rules.choice_credit[q.key][c.value]).value
        for q in V1.questions
    }
    change = explain_change(v1_answers, 1, BEST, 2)

    assert change.before.version == 1 and change.before_rescored.version == 2
    assert change.before_rescored.readiness < change.before.readiness  # v2 asks what v1 never did
    assert change.after.readiness == 100


# --- the version file refuses rules that would let one click decide


def _load_v2(data):
    return load_versions(data, {**RELEASED, 2: Release(scoring_fingerprint(load_version(data, 2)), RELEASED[2].scorer)})


def test_a_pitfall_confirmed_by_another_scenario_does_not_load(data_copy):
    v2 = data_copy / "assessment" / "v2.toml"
    v2.write_text(
        edit(v2.read_text(), 'confirmed_by = "discovery_interview_role"', 'confirmed_by = "influence_scenario_week_v2"')
    )

    with pytest.raises(ContentError, match="confirmed by an evidence or behaviour question"):
        _load_v2(data_copy)


def test_a_count_whose_depth_is_another_count_does_not_load(data_copy):
    v2 = data_copy / "assessment" / "v2.toml"
    v2.write_text(
        edit(
            v2.read_text(),
            'discovery_interviews_run = "discovery_interview_role"',
            'discovery_interviews_run = "discovery_pm_meetings_shadowed"',
        )
    )

    with pytest.raises(ContentError, match="a count's depth is a choice question"):
        _load_v2(data_copy)


def test_a_wording_fix_in_version_2_keeps_its_fingerprint(data_copy):
    v2 = data_copy / "assessment" / "v2.toml"
    v2.write_text(edit(v2.read_text(), "What came out of those practice interviews?", "What came of them?"))

    assert _load_v2(data_copy)[2].score(BEST) == score(BEST)
    assert scoring_fingerprint(load_version(data_copy, 2)) == RELEASED[2].fingerprint
