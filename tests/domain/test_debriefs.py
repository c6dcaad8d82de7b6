import pytest

from pmcohort.domain.debriefs import ActionItemDraft, DebriefDraft, validate_debrief
from pmcohort.domain.practice import RUBRICS

RUBRIC = RUBRICS["discovery"]
FULL = dict.fromkeys(RUBRIC.dimension_keys, 3)


def test_a_draft_may_be_partial_but_publishing_needs_every_score_and_the_signal():
    partial = DebriefDraft(scores={"open_questions": 2})
    assert validate_debrief(RUBRIC, partial, publishing=False) == {}
    errors = validate_debrief(RUBRIC, partial, publishing=True)
    assert set(errors) == {f"score_{key}" for key in RUBRIC.dimension_keys[1:]} | {"target_level", "overall_signal"}
    complete = DebriefDraft(scores=FULL, target_level="senior_pm", overall_signal="ready")
    assert validate_debrief(RUBRIC, complete, publishing=True) == {}


@pytest.mark.parametrize("level", [0, 5, -1, "3", True, 2.5])
def test_a_level_outside_1_to_4_is_refused_even_in_a_draft(level):
    errors = validate_debrief(RUBRIC, DebriefDraft(scores={"open_questions": level}), publishing=False)
    assert errors == {"score_open_questions": "Scores are whole numbers from 1 to 4."}


@pytest.mark.parametrize(
    ("text", "refused"),
    [("a" * 300, False), ("a" * 301, True), ("two\nlines", True), ("   ", True), ("Read the guide", False)],
)
def test_an_action_item_is_one_line_of_at_most_300_characters(text, refused):
    errors = validate_debrief(None, DebriefDraft(action_items=[ActionItemDraft(text)]), publishing=True)
    assert ("action_1" in errors) is refused


def test_pitfalls_are_known_and_each_keeps_a_one_line_note():
    assert validate_debrief(None, DebriefDraft(pitfalls={"solutioning_early": "Jumped to SDKs"}), publishing=True) == {}
    assert "pitfall_note_skipping_soft_skills" in validate_debrief(
        None, DebriefDraft(pitfalls={"skipping_soft_skills": ""}), publishing=True
    )
    assert "pitfalls" in validate_debrief(None, DebriefDraft(pitfalls={"arrogance": "x"}), publishing=True)


def test_a_session_without_a_rubric_needs_no_scores_or_signal():
    assert validate_debrief(None, DebriefDraft(overall_notes="Good questions."), publishing=True) == {}
