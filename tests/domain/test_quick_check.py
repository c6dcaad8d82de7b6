"""The two-minute check: its size, and what its estimate says."""

import pytest

from pmcohort.domain.content import ContentError
from pmcohort.domain.quick_check import MAX_QUESTIONS, QUICK_CHECK, estimate, load_quick_check
from pmcohort.domain.readiness import VERSIONS, validate
from pmcohort.domain.vocabulary import SKILLS
from tests.domain.content_files import edit

JUNIOR_TRANSFER = {
    "context_path": "internal_transfer",
    "context_years": 2,
    "discovery_interview_role": "changed_plans",
    "prioritization_rationale": "reviewed",
    "influence_how_aligned": "escalated",
    "writing_feedback": "non_engineer_regularly",
    "interviewing_mock_feedback": "none",
}


def test_the_check_is_at_most_eight_questions_in_about_250_words():
    print(f"quick check: {len(QUICK_CHECK.questions)} questions, {QUICK_CHECK.word_count} words")
    assert len(QUICK_CHECK.questions) <= MAX_QUESTIONS == 8
    assert 150 <= QUICK_CHECK.word_count <= 250


def test_its_questions_are_the_current_assessments_so_answers_carry_over():
    full = {question.key: question for question in VERSIONS[QUICK_CHECK.version].questions}
    for question in QUICK_CHECK.questions:
        assert [c.value for c in question.choices] == [c.value for c in full[question.key].choices]
        assert (question.kind, question.skills, question.minimum, question.maximum) == (
            full[question.key].kind,
            full[question.key].skills,
            full[question.key].minimum,
            full[question.key].maximum,
        )
    assert validate(JUNIOR_TRANSFER, QUICK_CHECK.questions) == {}


def test_the_estimate_names_the_two_largest_gaps_with_one_next_step_each():
    result = estimate(QUICK_CHECK, JUNIOR_TRANSFER)

    assert [gap.skill for gap in result.gaps] == ["interviewing", "influence"]
    assert all(gap.next_step for gap in result.gaps)
    assert set(result.skill_scores) == set(SKILLS)
    assert (result.time_estimate.path_low, result.time_estimate.path_high) == (3, 6)
    assert any("internal transfer" in advice for advice in result.path_advice)


def test_four_or_more_years_on_the_apm_path_hear_about_the_seniority_and_pay_reset():
    senior = estimate(QUICK_CHECK, JUNIOR_TRANSFER | {"context_path": "apm_program", "context_years": 4})
    junior = estimate(QUICK_CHECK, JUNIOR_TRANSFER | {"context_path": "apm_program", "context_years": 3})

    assert any("step back in seniority and pay" in advice for advice in senior.path_advice)
    assert not any("step back" in advice for advice in junior.path_advice)
    # Interviewing weighs more on the APM path, and it is this person's largest gap.
    assert senior.readiness < estimate(QUICK_CHECK, JUNIOR_TRANSFER).readiness


def test_a_check_that_drops_an_assessment_choice_does_not_load(data_copy):
    path = data_copy / "quick_check.toml"
    path.write_text(
        edit(
            path.read_text(),
            '[[question.choice]]\nvalue = "listened"\nlabel = "Listened while someone else asked"\n\n',
            "",
        )
    )

    with pytest.raises(ContentError, match="offer exactly the assessment's choices"):
        load_quick_check(data_copy)
