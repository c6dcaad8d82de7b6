import re
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcohort.domain.content import ContentError
from pmcohort.domain.limits import GAP_THRESHOLD
from pmcohort.domain.readiness import (
    PAGES,
    QUESTIONS,
    RELEASED,
    SCORING_VERSION,
    VERSIONS,
    Release,
    coerce_answers,
    load_version,
    load_versions,
    score,
    scoring_fingerprint,
    validate,
)
from pmcohort.domain.vocabulary import PITFALLS, SKILLS
from tests.domain.content_files import edit

V1 = VERSIONS[1]
V1_QUESTIONS = {question.key: question for question in V1.questions}

STRONG = {
    "discovery_self_rating": 4,
    "discovery_interviews_run": 8,
    "discovery_furthest": "problem_statement",
    "discovery_scenario_feature_request": "ask",
    "prioritization_self_rating": 4,
    "prioritization_rationale": "reviewed",
    "prioritization_frameworks_applied": 3,
    "prioritization_scenario_framework": "argue",
    "influence_self_rating": 4,
    "influence_pm_shadowed": 6,
    "influence_decisions_aligned": 4,
    "influence_scenario_engineering_approach": "trust",
    "influence_scenario_week": "productive",
    "writing_self_rating": 5,
    "writing_docs_for_non_engineers": 5,
    "writing_feedback": "non_engineer_regularly",
    "writing_scenario_vp_sales": "one_pager",
    "interviewing_self_rating": 3,
    "interviewing_mock_interviews": 4,
    "interviewing_portfolio": "one_piece",
    "interviewing_scenario_prep": "mocks",
}

# An engineer who has not started: no discovery, technical arguments, and every pitfall.
WEAK = {
    "discovery_self_rating": 2,
    "discovery_interviews_run": 0,
    "discovery_furthest": "none",
    "discovery_scenario_feature_request": "build",
    "prioritization_self_rating": 3,
    "prioritization_rationale": "technical",
    "prioritization_frameworks_applied": 0,
    "prioritization_scenario_framework": "follow",
    "influence_self_rating": 2,
    "influence_pm_shadowed": 1,
    "influence_decisions_aligned": 0,
    "influence_scenario_engineering_approach": "redesign",
    "influence_scenario_week": "wasted",
    "writing_self_rating": 2,
    "writing_docs_for_non_engineers": 0,
    "writing_scenario_vp_sales": "design_doc",
    "interviewing_self_rating": 1,
    "interviewing_mock_interviews": 0,
    "interviewing_portfolio": "none",
    "interviewing_scenario_prep": "system_design",
}


def _least_credited(question):
    return min(question.choices, key=lambda c: V1.rules.choice_credit[question.key][c.value]).value


LOWEST = {question.key: 0 if question.is_numeric else _least_credited(question) for question in V1.questions}

# Hand-computed with the v1 weights (self-rating 1, evidence 2, scenario 1.5).
# STRONG discovery: 1*0.75 + 2*1 + 2*1 + 1.5*1 = 6.25 of 6.5 -> 96.
# WEAK influence: 1*0.25 + 2*(1/4) + 0 + 0 + 0 + 1.5*0.2 (design doc to the VP) = 1.05 of 9.5 -> 11.
STRONG_SCORES = {"discovery": 96, "prioritization": 96, "influence": 97, "writing": 100, "interviewing": 80}
CASES = {
    "strong": (STRONG, 94, STRONG_SCORES, (), ()),
    "weak": (
        WEAK,
        9,
        {"discovery": 4, "prioritization": 22, "influence": 11, "writing": 8, "interviewing": 0},
        ("interviewing", "discovery", "writing"),
        ("solutioning_early", "still_the_engineer", "undervaluing_soft_deliverables", "skipping_soft_skills"),
    ),
    # Equal scores are ordered as in the guide: discovery, prioritization, influence.
    "ties_in_guide_order": (
        LOWEST,
        0,
        dict.fromkeys(SKILLS, 0),
        ("discovery", "prioritization", "influence"),
        tuple(PITFALLS),
    ),
    # Strong answers but for one skill: only that skill's score moves.
    "solutions_too_early": (
        STRONG | {"discovery_scenario_feature_request": "build"},
        89,
        STRONG_SCORES | {"discovery": 73},
        (),
        ("solutioning_early",),
    ),
    "strong_but_unprepared_for_interviews": (
        STRONG
        | {
            "interviewing_self_rating": 2,
            "interviewing_mock_interviews": 1,
            "interviewing_portfolio": "planned",
            "interviewing_scenario_prep": "reading",
        },
        83,
        STRONG_SCORES | {"interviewing": 27},
        ("interviewing",),
        (),
    ),
    "still_the_engineer": (
        STRONG | {"influence_scenario_engineering_approach": "review_closely"},
        91,
        STRONG_SCORES | {"influence": 82},
        (),
        ("still_the_engineer",),
    ),
}


@pytest.mark.parametrize(
    ("answers", "readiness", "skill_scores", "top_gaps", "pitfalls"), CASES.values(), ids=CASES.keys()
)
def test_pinned_answer_sets(answers, readiness, skill_scores, top_gaps, pitfalls):
    result = score(answers, version=1)

    assert result.version == 1
    assert result.readiness == readiness
    assert result.skill_scores == skill_scores
    assert tuple(gap.skill for gap in result.top_gaps) == top_gaps
    assert tuple(flag.key for flag in result.pitfalls) == pitfalls


def test_every_gap_comes_with_two_to_four_next_steps():
    for gap in score(WEAK, version=1).top_gaps:
        assert 2 <= len(gap.next_steps) <= 4


def test_next_steps_leave_out_what_the_person_already_did():
    answers = STRONG | {
        "interviewing_self_rating": 1,
        "interviewing_mock_interviews": 10,
        "interviewing_portfolio": "none",
        "interviewing_scenario_prep": "system_design",
    }

    (gap,) = score(answers, version=1).top_gaps

    assert gap.skill == "interviewing"
    assert not any("mock PM interviews" in step for step in gap.next_steps)
    assert any("portfolio" in step for step in gap.next_steps)


def test_pitfall_flags_explain_themselves():
    for flag in score(WEAK, version=1).pitfalls:
        assert flag.explanation


def test_the_newest_version_is_the_one_people_take():
    assert max(VERSIONS) == SCORING_VERSION
    assert score(STRONG).version == SCORING_VERSION
    assert VERSIONS[SCORING_VERSION].questions == QUESTIONS


def test_the_current_version_finds_gaps_below_the_threshold_every_page_draws():
    # One threshold defines a gap everywhere: charts and match reasons read GAP_THRESHOLD. A new threshold
    # comes with a new version; results of older versions keep the gaps they were scored with.
    assert VERSIONS[SCORING_VERSION].rules.gap_threshold == GAP_THRESHOLD


# --- versions pin what they scored


def _second_version(data, v2_text):
    """Release `v2_text` as version 2 next to the untouched v1.toml in `data`, and load both."""
    (data / "assessment" / "v2.toml").write_text(v2_text)
    released = {**RELEASED, 2: Release(scoring_fingerprint(load_version(data, 2)), RELEASED[1].scorer)}
    return load_versions(data, released)


def test_a_new_current_bank_leaves_version_1_results_alone(data_copy):
    v1_text = (data_copy / "assessment" / "v1.toml").read_text()
    # The bank people take next: a choice earns more, a count needs more, a question is gone.
    v2_text = edit(v1_text, "version = 1", "version = 2")
    v2_text = edit(
        v2_text,
        'value = "joined"\nlabel = "I\'ve sat in on discovery sessions someone else ran"\ncredit = 0.35',
        'value = "joined"\nlabel = "I\'ve sat in on discovery sessions someone else ran"\ncredit = 0.9',
    )
    v2_text = edit(v2_text, "maximum = 50\nfull_credit_at = 5", "maximum = 50\nfull_credit_at = 10")
    v2_text = re.sub(
        r'\[\[question\]\]\nkey = "influence_decisions_aligned"\n.*?\n\n', "", v2_text, count=1, flags=re.S
    )
    assert "influence_decisions_aligned" not in v2_text
    answers = STRONG | {"discovery_furthest": "joined", "discovery_interviews_run": 5, "influence_decisions_aligned": 0}

    versions = _second_version(data_copy, v2_text)

    assert list(versions) == [1, 2]
    v1_result, v2_result = versions[1].score(answers), versions[2].score(answers)
    assert v1_result == score(answers, version=1)  # what version 1 meant before version 2 existed
    # By hand: discovery 1*0.75 + 2*(5/5) + 2*0.35 + 1.5*1 = 4.95 of 6.5 in v1; 2*(5/10) + 2*0.9 in v2 give 5.05.
    assert (v1_result.skill_scores["discovery"], v2_result.skill_scores["discovery"]) == (76, 78)
    # The unanswered-for-credit question still counts in v1 (7.25 of 9.5), no longer in v2 (7.25 of 7.5).
    assert (v1_result.skill_scores["influence"], v2_result.skill_scores["influence"]) == (76, 97)


def test_a_released_version_refuses_a_change_to_what_it_scores(data_copy):
    v1 = data_copy / "assessment" / "v1.toml"
    v1.write_text(edit(v1.read_text(), "credit = 0.35", "credit = 0.4"))

    with pytest.raises(
        ContentError, match=r"assessment/v1\.toml: version 1 is released, and what it scores has changed"
    ):
        load_versions(data_copy)


def test_a_released_version_accepts_a_wording_fix(data_copy):
    v1 = data_copy / "assessment" / "v1.toml"
    v1.write_text(
        edit(
            v1.read_text(), "real user interviews did you run yourself?", "real user interviews have you run yourself?"
        )
    )

    versions = load_versions(data_copy)

    question = next(q for q in versions[1].questions if q.key == "discovery_interviews_run")
    assert question.prompt.endswith("have you run yourself?")
    assert versions[1].score(STRONG) == score(STRONG, version=1)


def test_an_unreleased_version_file_does_not_load(data_copy):
    v1_text = (data_copy / "assessment" / "v1.toml").read_text()
    (data_copy / "assessment" / "v3.toml").write_text(v1_text.replace("version = 1", "version = 3", 1))

    with pytest.raises(
        ContentError, match=r"assessment/v3\.toml: version 3 is not released; .* add 3: Release\('[0-9a-f]{16}'"
    ):
        load_versions(data_copy)


@pytest.mark.parametrize("version", [0, 3, 99])
def test_unknown_scoring_version_is_refused(version):
    with pytest.raises(ValueError, match="Unknown scoring version"):
        score(STRONG, version=version)


def test_missing_answers_earn_nothing_but_still_score():
    assert score({}).readiness == 0


def test_invalid_answers_are_not_scored():
    with pytest.raises(ValueError, match="discovery_interviews_run"):
        score(STRONG | {"discovery_interviews_run": 500})


# --- validation


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("discovery_interviews_run", 51, "Enter a whole number between 0 and 50."),
        ("discovery_interviews_run", -1, "Enter a whole number between 0 and 50."),
        ("discovery_interviews_run", "five", "Enter a whole number between 0 and 50."),
        ("discovery_interviews_run", 2.5, "Enter a whole number between 0 and 50."),
        ("discovery_interviews_run", True, "Enter a whole number between 0 and 50."),
        ("prioritization_frameworks_applied", 21, "Enter a whole number between 0 and 20."),
        ("discovery_furthest", "everything", "Choose one of the options."),
        ("discovery_self_rating", 6, "Choose one of the options."),
        ("discovery_self_rating", "3", "Choose one of the options."),
        ("discovery_self_rating", True, "Choose one of the options."),
    ],
)
def test_validate_names_the_wrong_field(key, value, message):
    assert validate(STRONG | {key: value}, V1.questions) == {key: message}


def test_validate_accepts_complete_answers_and_skipped_optional_ones():
    assert validate(STRONG, V1.questions) == {}
    assert validate(WEAK, V1.questions) == {}  # WEAK skips the optional writing_feedback


def test_validate_reports_every_missing_required_answer():
    errors = validate({}, V1.questions)

    assert set(errors) == {q.key for q in V1.questions if q.required}
    assert errors["discovery_furthest"] == "Choose one of the options."
    assert errors["influence_decisions_aligned"] == "Enter a whole number between 0 and 20."


def test_validate_one_page_at_a_time():
    discovery_page = V1.pages[0]
    answers = {k: v for k, v in STRONG.items() if k not in {"discovery_furthest", "writing_self_rating"}}

    assert validate(answers, discovery_page.questions) == {"discovery_furthest": "Choose one of the options."}


def test_coerce_answers_types_form_strings():
    form = {key: str(value) for key, value in STRONG.items()}
    assert coerce_answers(form, V1.questions) == STRONG


def test_coerce_answers_keeps_unreadable_input_for_validate_to_report():
    form = {
        "discovery_interviews_run": " 4 ",
        "prioritization_frameworks_applied": "three",
        "discovery_furthest": "nope",
        "writing_feedback": "",
        "csrf_token": "abc",
    }

    answers = coerce_answers(form, V1.questions)

    assert answers == {
        "discovery_interviews_run": 4,
        "prioritization_frameworks_applied": "three",
        "discovery_furthest": "nope",
    }
    errors = validate(answers, V1.questions)
    assert errors["prioritization_frameworks_applied"] == "Enter a whole number between 0 and 20."
    assert errors["discovery_furthest"] == "Choose one of the options."
    assert "writing_feedback" not in errors


# --- the bank itself


def test_bank_covers_every_skill_with_every_kind_of_question():
    assert 15 <= len(QUESTIONS) <= 30
    assert len({q.key for q in QUESTIONS}) == len(QUESTIONS)
    kinds_per_skill = {(skill, q.kind) for q in QUESTIONS for skill in q.skills}
    assert kinds_per_skill >= {(s, k) for s in SKILLS for k in ("self_rating", "evidence", "scenario")}
    assert all(set(q.skills) <= set(SKILLS) for q in QUESTIONS)


def test_pages_hold_every_question_once_in_skill_order():
    assert [page.key for page in PAGES] == ["context", *SKILLS]  # about you first: path and years set the weights
    on_pages = Counter(q.key for page in PAGES for q in page.questions)
    assert on_pages == Counter(q.key for q in QUESTIONS)


@pytest.mark.parametrize("question", V1.questions, ids=lambda q: q.key)
def test_every_answer_has_a_v1_rule(question):
    if question.is_numeric:
        assert question.minimum == 0 and question.maximum > 0
        assert question.key in V1.rules.full_credit_count
    else:
        values = [c.value for c in question.choices]
        assert len(set(values)) == len(values)
        assert set(V1.rules.choice_credit[question.key]) == set(values)


def test_evidence_choices_are_listed_from_least_to_most():
    for question in V1.questions:
        if question.kind == "evidence" and not question.is_numeric:
            credits = [V1.rules.choice_credit[question.key][c.value] for c in question.choices]
            assert credits == sorted(credits), question.key


def test_every_pitfall_can_be_revealed_by_a_scenario():
    revealed = {p for by_answer in V1.rules.pitfall_answers.values() for p in by_answer.values()}
    assert revealed == set(PITFALLS)
    for key, by_answer in V1.rules.pitfall_answers.items():
        assert V1_QUESTIONS[key].kind == "scenario"
        assert set(by_answer) <= {c.value for c in V1_QUESTIONS[key].choices}


def test_every_skill_has_at_least_two_unconditional_next_steps():
    for skill in SKILLS:
        steps = V1.next_steps[skill]
        assert len([s for s in steps if s.done_when_full_credit_on is None]) >= 2
        assert all(s.done_when_full_credit_on in (None, *V1_QUESTIONS) for s in steps)


@pytest.mark.parametrize("version", VERSIONS.values(), ids=lambda version: f"v{version.number}")
def test_every_key_a_version_names_exists(version):
    keys = {q.key for q in version.questions if q.kind != "context"}
    assert all(set(q.skills) <= set(SKILLS) for q in version.questions)
    assert set(version.rules.choice_credit) | set(version.rules.full_credit_count) == keys
    assert set(version.rules.pitfall_answers) <= keys
    assert {p for by_answer in version.rules.pitfall_answers.values() for p in by_answer.values()} <= set(PITFALLS)
    assert set(version.pitfall_explanations) == set(PITFALLS)
    assert set(version.next_steps) == set(SKILLS)
    assert all(
        step.done_when_full_credit_on in (None, *keys) for steps in version.next_steps.values() for step in steps
    )


# --- properties over random valid answer sets


def _answer_strategy(question):
    if question.is_numeric:
        return st.integers(question.minimum, question.maximum)
    return st.sampled_from([c.value for c in question.choices])


valid_answers = st.fixed_dictionaries(
    {q.key: _answer_strategy(q) for q in QUESTIONS if q.required},
    optional={q.key: _answer_strategy(q) for q in QUESTIONS if not q.required},
)


@given(valid_answers)
def test_scores_stay_in_range_and_are_deterministic(answers):
    assert validate(answers) == {}
    result = score(answers)

    assert result == score(dict(answers))
    assert 0 <= result.readiness <= 100
    assert set(result.skill_scores) == set(SKILLS)
    assert all(0 <= value <= 100 for value in result.skill_scores.values())
    gap_scores = [gap.score for gap in result.top_gaps]
    assert gap_scores == sorted(gap_scores)
    assert len(gap_scores) <= V1.rules.max_gaps
    assert all(value < V1.rules.gap_threshold for value in gap_scores)
    assert all(2 <= len(gap.next_steps) <= 4 for gap in result.top_gaps)


@given(valid_answers, st.data())
def test_more_evidence_never_lowers_a_skill_score(answers, data):
    question = data.draw(st.sampled_from([q for q in QUESTIONS if q.kind == "evidence"]))
    if question.is_numeric:
        at_least = answers.get(question.key, question.minimum)
        more = data.draw(st.integers(at_least, question.maximum))
    else:
        values = [c.value for c in question.choices]
        at_least = values.index(answers[question.key]) if question.key in answers else 0
        more = data.draw(st.sampled_from(values[at_least:]))

    before = score(answers)
    after = score(answers | {question.key: more})

    assert all(after.skill_scores[s] >= before.skill_scores[s] for s in SKILLS)
    assert after.readiness >= before.readiness


@given(valid_answers, st.data())
def test_an_answer_moves_only_the_skills_its_question_informs(answers, data):
    question = data.draw(st.sampled_from(QUESTIONS))
    other_answer = data.draw(_answer_strategy(question))

    before = score(answers)
    after = score(answers | {question.key: other_answer})

    for skill in set(SKILLS) - set(question.skills):
        assert after.skill_scores[skill] == before.skill_scores[skill]
