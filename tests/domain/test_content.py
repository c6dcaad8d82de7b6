"""A broken data file is refused as it loads, with a message naming the file, the entry and the field."""

import re
import shutil

import pytest

from pmcohort.domain.content import ContentError
from pmcohort.domain.plans import read_path_plan
from pmcohort.domain.practice import load_practice_set
from pmcohort.domain.readiness import load_versions
from pmcohort.domain.vocabulary import PATHS
from pmcohort.domain.writing import load_document_kinds
from tests.domain.content_files import edit

QUESTIONS = "practice/questions.toml"
PERSONAS = "practice/personas.toml"
RUBRICS = "practice/rubrics.toml"
V1 = "assessment/v1.toml"
PLAN = "plans/internal_transfer.toml"
KINDS = "writing/kinds.toml"
RELEASE_NOTES_DIMENSIONS = 'dimensions = ["customer_value", "plain_reader", "concise"]'

BROKEN = {
    # practice
    "missing field": (
        QUESTIONS,
        'prompt = "Design a product that helps',
        'promt = "Design a product that helps',
        "practice/questions.toml, question 'ps_flaky_tests': missing field 'prompt'",
    ),
    "misspelt extra field": (
        QUESTIONS,
        'key = "ps_flaky_tests"\n',
        'key = "ps_flaky_tests"\ndifficulty = "hard"\n',
        "practice/questions.toml, question 'ps_flaky_tests': unknown field 'difficulty'",
    ),
    "unknown interview kind": (
        QUESTIONS,
        'kind = "product_sense"',
        'kind = "system_design"',
        "practice/questions.toml, question 'ps_api_platform_onboarding': unknown interview kind 'system_design'",
    ),
    "duplicate question key": (
        QUESTIONS,
        'key = "ps_flaky_tests"',
        'key = "ps_api_platform_onboarding"',
        "practice/questions.toml, question 'ps_api_platform_onboarding': "
        "duplicate question key 'ps_api_platform_onboarding'",
    ),
    "too many follow-ups": (
        QUESTIONS,
        "follow_ups = [\n",
        'follow_ups = [\n    "One?",\n    "Two?",\n    "Three?",\n',
        "practice/questions.toml, question 'ps_api_platform_onboarding': 'follow_ups' needs 0 to 5 entries, has 6",
    ),
    "key longer than its column": (
        QUESTIONS,
        'key = "ps_flaky_tests"',
        f'key = "ps_flaky_tests{"_again" * 10}"',
        "practice/questions.toml, question 'ps_flaky_tests_again_again_again_again_again_again_again_again"
        "_again_again': key 'ps_flaky_tests_again_again_again_again_again_again_again_again_again_again' "
        "is longer than 64 characters",
    ),
    "rubric key longer than its column": (
        RUBRICS,
        "[rubric.influence]",
        f"[rubric.influence{'_mock' * 6}]",
        "practice/rubrics.toml, rubric 'influence_mock_mock_mock_mock_mock_mock': "
        "rubric key 'influence_mock_mock_mock_mock_mock_mock' is longer than 32 characters",
    ),
    "interview kind longer than its column": (
        RUBRICS,
        "[rubric.behavioral]",
        "[rubric.behavioral_and_deep_dive]",
        "practice/rubrics.toml, rubric 'behavioral_and_deep_dive': "
        "rubric key 'behavioral_and_deep_dive' is longer than 16 characters",
    ),
    "level left undescribed": (
        RUBRICS,
        'what_3_looks_like = "Picks a segment with a reason, though the alternatives are thin."\n',
        "",
        "practice/rubrics.toml, rubric 'product_sense', dimension 'user_segments': missing field 'what_3_looks_like'",
    ),
    "key that is no slug": (
        PERSONAS,
        'key = "skeptical_vp"',
        'key = "Skeptical VP"',
        "practice/personas.toml, persona 'Skeptical VP': "
        "key 'Skeptical VP' must be lowercase letters a-z, digits and underscores",
    ),
    "empty text": (
        PERSONAS,
        'wants = "To avoid committing',
        'wants = " "\nold_wants = "To avoid committing',
        "practice/personas.toml, persona 'eng_lead_hidden_constraint': 'wants' must be a non-empty string",
    ),
    "persona without pushback": (
        PERSONAS,
        "pushback_lines = [",
        "pushback_lines = []\nold_lines = [",
        "practice/personas.toml, persona 'skeptical_vp': 'pushback_lines' needs 1 to 6 entries, has 0",
    ),
    "not TOML": (PERSONAS, "\n[[persona]]\nkey", "\n[[persona]\nkey", "practice/personas.toml: not valid TOML"),
    "dimension of an unknown skill": (
        RUBRICS,
        'skill = "discovery"',
        'skill = "empathy"',
        "practice/rubrics.toml, rubric 'product_sense', dimension 'problem_framing': unknown skill 'empathy'",
    ),
    "duplicate dimension key": (
        RUBRICS,
        'key = "user_segments"',
        'key = "problem_framing"',
        "practice/rubrics.toml, rubric 'product_sense', dimension 'problem_framing': "
        "duplicate dimension key 'problem_framing'",
    ),
    "session kind scored by an unknown rubric": (
        RUBRICS,
        'role_play = "influence"',
        'role_play = "negotiation"',
        "practice/rubrics.toml, rubric_for: unknown rubric 'negotiation'",
    ),
    "question of a kind no rubric offers": (
        QUESTIONS,
        'key = "st_cloud_enter_observability"\nkind = "strategy"',
        'key = "st_cloud_enter_observability"\nkind = "negotiation"',
        "practice/questions.toml, question 'st_cloud_enter_observability': unknown interview kind 'negotiation'",
    ),
    "persona scored by no rubric": (
        PERSONAS,
        'rubric = "discovery"',
        'rubric = "charm"',
        "practice/personas.toml, persona 'discovery_devops_dashboards': unknown rubric 'charm'",
    ),
    "rubric for no kind of session": (
        RUBRICS,
        'role_play = "influence"',
        'role_play = "influence"\nworkshop = "influence"',
        "practice/rubrics.toml, rubric_for: unknown field 'workshop'",
    ),
    # assessment
    "question of an unknown skill": (
        V1,
        'skills = ["discovery"]',
        'skills = ["discovery", "empathy"]',
        "assessment/v1.toml, question 'discovery_self_rating': unknown skill 'empathy'",
    ),
    "unknown question kind": (
        V1,
        'kind = "evidence"',
        'kind = "opinion"',
        "assessment/v1.toml, question 'discovery_interviews_run': unknown question kind 'opinion'",
    ),
    "duplicate question": (
        V1,
        'key = "discovery_furthest"',
        'key = "discovery_interviews_run"',
        "assessment/v1.toml, question 'discovery_interviews_run': duplicate question key 'discovery_interviews_run'",
    ),
    "credit above full": (
        V1,
        "credit = 1.0",
        "credit = 1.5",
        "assessment/v1.toml, rating 5: 'credit' must be a number from 0.0 to 1.0, not 1.5",
    ),
    "full credit past the range": (
        V1,
        "full_credit_at = 5",
        "full_credit_at = 60",
        "assessment/v1.toml, question 'discovery_interviews_run': "
        "'full_credit_at' must be a whole number from 1 to 50, not 60",
    ),
    "empty range": (
        V1,
        "minimum = 0\nmaximum = 50",
        "minimum = 50\nmaximum = 50",
        "assessment/v1.toml, question 'discovery_interviews_run': "
        "'maximum' must be a whole number of at least 51, not 50",
    ),
    "gap threshold out of range": (
        V1,
        "gap_threshold = 70",
        "gap_threshold = 170",
        "assessment/v1.toml, rules: 'gap_threshold' must be a whole number from 0 to 100, not 170",
    ),
    "weight missing for a kind": (
        V1,
        "scenario = 1.5\n",
        "",
        "assessment/v1.toml, rules, kind_weights: missing field 'scenario'",
    ),
    "two choices with one value": (
        V1,
        'value = "joined"',
        'value = "none"',
        "assessment/v1.toml, question 'discovery_furthest': two choices share a value",
    ),
    "unknown pitfall": (
        V1,
        'pitfall = "solutioning_early"',
        'pitfall = "overbuilding"',
        "assessment/v1.toml, question 'discovery_scenario_feature_request', choice 'build': "
        "unknown pitfall 'overbuilding'",
    ),
    "pitfall on an evidence choice": (
        V1,
        'value = "none"\nlabel = "I haven\'t taken part in discovery yet"\ncredit = 0.0',
        'value = "none"\nlabel = "I haven\'t taken part in discovery yet"\ncredit = 0.0\npitfall = "solutioning_early"',
        "assessment/v1.toml, question 'discovery_furthest', choice 'none': "
        "only a scenario question's choices reveal pitfalls",
    ),
    "explanation of an unknown pitfall": (
        V1,
        "[pitfall.skipping_soft_skills]",
        "[pitfall.skipping_soft_skill]",
        "assessment/v1.toml: unknown pitfall 'skipping_soft_skill'",
    ),
    "pitfall without explanation": (
        V1,
        "[pitfall.skipping_soft_skills]\n",
        "[pitfall_notes]\n",
        "assessment/v1.toml: missing pitfall 'skipping_soft_skills'",
    ),
    "self-rating with its own choices": (
        V1,
        'before anyone designs a solution?"""\n',
        'before anyone designs a solution?"""\n\n[[question.choice]]\nvalue = "yes"\nlabel = "Yes"\ncredit = 1.0\n',
        "assessment/v1.toml, question 'discovery_self_rating': "
        "self-ratings are answered on the rating scale; give no choices",
    ),
    "scenario without choices": (
        V1,
        "# What a revealed pitfall means",
        '[[question]]\nkey = "orphan"\nkind = "scenario"\nskills = ["discovery"]\nprompt = "Why?"\n\n'
        "# What a revealed pitfall means",
        "assessment/v1.toml, question 'orphan': a scenario question needs choices",
    ),
    "next steps for an unknown skill": (
        V1,
        "[[next_step.writing]]",
        "[[next_step.wrting]]",
        "assessment/v1.toml: unknown skill with next steps 'wrting'",
    ),
    "next step after an unknown question": (
        V1,
        'done_when_full_credit_on = "discovery_interviews_run"',
        'done_when_full_credit_on = "discovery_interviews_held"',
        "assessment/v1.toml, discovery next step #1: unknown question 'discovery_interviews_held'",
    ),
    "version that contradicts its file name": (
        V1,
        "version = 1",
        "version = 2",
        "assessment/v1.toml: says version 2, but its name says version 1",
    ),
    # plans
    "unknown phase": (
        PLAN,
        'phase = "close_gaps"',
        'phase = "year_three"',
        "plans/internal_transfer.toml, milestone 'customer_interviews': unknown phase 'year_three'",
    ),
    "unknown milestone skill": (
        PLAN,
        'skill = "discovery"',
        'skill = "charisma"',
        "plans/internal_transfer.toml, milestone 'customer_interviews': unknown skill 'charisma'",
    ),
    "unknown session kind": (
        PLAN,
        'session_kind = "shadowing"',
        'session_kind = "lunch"',
        "plans/internal_transfer.toml, milestone 'shadow_pm': unknown session kind 'lunch'",
    ),
    "unknown document kind": (
        PLAN,
        'document_kind = "problem_statement"',
        'document_kind = "poem"',
        "plans/internal_transfer.toml, milestone 'problem_statement': unknown document kind 'poem'",
    ),
    "effort out of range": (
        PLAN,
        "effort_weeks = 2",
        "effort_weeks = 0",
        "plans/internal_transfer.toml, milestone 'problem_statement': "
        "'effort_weeks' must be a whole number from 1 to 26, not 0",
    ),
    "duplicate milestone key": (
        PLAN,
        'key = "problem_statement"',
        'key = "customer_interviews"',
        "plans/internal_transfer.toml, milestone 'customer_interviews': duplicate milestone key 'customer_interviews'",
    ),
    "unknown milestone field": (
        PLAN,
        "effort_weeks = 2\n",
        "effort_weeks = 2\ndeadline = 3\n",
        "plans/internal_transfer.toml, milestone 'problem_statement': unknown field 'deadline'",
    ),
    # writing
    "unknown dimension": (
        KINDS,
        RELEASE_NOTES_DIMENSIONS,
        'dimensions = ["customer_value", "nope", "concise"]',
        "writing/kinds.toml, kind 'release_notes': unknown dimension 'nope'",
    ),
    "too few dimensions": (
        KINDS,
        RELEASE_NOTES_DIMENSIONS,
        'dimensions = ["customer_value", "concise"]',
        "writing/kinds.toml, kind 'release_notes': 'dimensions' needs 3 to 7 entries, has 2",
    ),
    "dimension listed twice": (
        KINDS,
        RELEASE_NOTES_DIMENSIONS,
        'dimensions = ["concise", "plain_reader", "concise"]',
        "writing/kinds.toml, kind 'release_notes': a dimension is listed twice",
    ),
    "unknown dimension skill": (
        KINDS,
        'skill = "writing"\nwhat_1_looks_like = "Long',
        'skill = "typing"\nwhat_1_looks_like = "Long',
        "writing/kinds.toml, dimension 'concise': unknown skill 'typing'",
    ),
    "dimension missing a level": (
        KINDS,
        'what_2_looks_like = "The point is there',
        'what_5_looks_like = "The point is there',
        "writing/kinds.toml, dimension 'concise': missing field 'what_2_looks_like'",
    ),
    "duplicate kind key": (
        KINDS,
        'key = "release_notes"',
        'key = "problem_statement"',
        "writing/kinds.toml, kind 'problem_statement': duplicate kind key 'problem_statement'",
    ),
}


def _load_all(data):
    load_practice_set(data)
    load_versions(data)
    for path in PATHS:
        read_path_plan(path, data)
    load_document_kinds(data)


def test_the_shipped_files_load(data_copy):
    _load_all(data_copy)


@pytest.mark.parametrize(("path", "old", "new", "message"), BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_file_is_refused_with_where_and_what(data_copy, path, old, new, message):
    file = data_copy / path
    file.write_text(edit(file.read_text(), old, new))

    with pytest.raises(ContentError, match=re.escape(message)):
        _load_all(data_copy)


def test_a_missing_file_is_named(data_copy):
    (data_copy / RUBRICS).unlink()

    with pytest.raises(ContentError, match=re.escape("practice/rubrics.toml: file not found")):
        load_practice_set(data_copy)


def test_a_stray_file_among_the_versions_is_refused(data_copy):
    (data_copy / "assessment" / "v1-draft.toml").write_text((data_copy / V1).read_text())

    with pytest.raises(ContentError, match=re.escape("assessment/v1-draft.toml: not a version file")):
        load_versions(data_copy)


def test_a_file_that_is_not_text_is_named(data_copy):
    (data_copy / PERSONAS).write_bytes(b"\xff\xfe[[persona]]")

    with pytest.raises(ContentError, match=re.escape("practice/personas.toml: not valid TOML")):
        load_practice_set(data_copy)


def test_a_missing_assessment_folder_is_named(data_copy):
    shutil.rmtree(data_copy / "assessment")

    with pytest.raises(ContentError, match=re.escape("assessment/: folder not found")):
        load_versions(data_copy)
