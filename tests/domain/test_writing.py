"""Written work on plain data: the kinds and rubrics, statuses, submissions, the diff and agreement figures."""

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcohort.domain import writing
from pmcohort.domain.limits import DOCUMENT_MAX_CHARS, RUBRIC_LEVEL, WRITING_RUBRIC_DIMENSIONS
from pmcohort.domain.practice import validate_scores
from pmcohort.domain.statuses import DocumentStatus
from pmcohort.domain.vocabulary import SKILLS

KINDS = {kind.key: kind for kind in writing.DOCUMENT_KINDS}
ALL_DIMENSIONS = [(kind.key, d) for kind in writing.DOCUMENT_KINDS for d in kind.rubric.dimensions]

# --- the starter set


def test_every_kind_the_guide_names_is_there():
    assert list(KINDS) == [
        "problem_statement",
        "insight_synthesis",
        "prioritization_rationale",
        "product_strategy",
        "executive_summary",
        "release_notes",
        "product_spec",
        "stakeholder_update",
    ]


@pytest.mark.parametrize("kind", writing.DOCUMENT_KINDS, ids=lambda kind: kind.key)
def test_a_kind_has_a_prompt_a_skeleton_and_a_rubric(kind):
    assert len(kind.prompt) > 60
    assert kind.skeleton.startswith("# ")
    assert len(kind.rubric.dimensions) in WRITING_RUBRIC_DIMENSIONS
    assert kind.rubric.title == kind.title


@pytest.mark.parametrize(("kind_key", "dimension"), ALL_DIMENSIONS, ids=lambda v: getattr(v, "key", v))
def test_every_level_of_every_dimension_is_described_and_names_a_skill(kind_key, dimension):
    assert dimension.skill in SKILLS
    texts = [text for _, text in dimension.levels]
    assert [level for level, _ in dimension.levels] == list(RUBRIC_LEVEL.values)
    assert all(len(text) > 30 for text in texts)
    assert len(set(texts)) == len(texts), "each level says something different"


def test_the_issue_dimensions_are_all_used():
    used = {d.key for _, d in ALL_DIMENSIONS}
    assert {
        "problem_first",
        "business_terms",
        "plain_reader",
        "assumptions",
        "evidence",
        "concise",
        "clear_ask",
    } <= used


def test_a_problem_statement_is_scored_on_problem_before_solution_first():
    assert KINDS["problem_statement"].rubric.dimension_keys[0] == "problem_first"


def test_practice_score_validation_applies_to_document_rubrics():
    rubric = KINDS["release_notes"].rubric
    assert validate_scores(rubric, dict.fromkeys(rubric.dimension_keys, 3)) == {}
    errors = validate_scores(rubric, {"customer_value": 5, "plain_reader": 0, "bogus": 2})
    assert set(errors) == {"customer_value", "plain_reader", "concise", "bogus"}


# --- statuses


@pytest.mark.parametrize(
    ("current", "to"),
    [
        ("draft", "submitted"),
        ("submitted", "in_review"),
        ("in_review", "changes_requested"),
        ("in_review", "approved"),
        ("in_review", "submitted"),  # a lapsed claim
        ("changes_requested", "submitted"),
        ("draft", "withdrawn"),
        ("changes_requested", "withdrawn"),
    ],
)
def test_allowed_moves(current, to):
    assert writing.can_move(current, to)


@pytest.mark.parametrize(
    ("current", "to"),
    [
        ("draft", "approved"),
        ("submitted", "approved"),
        ("approved", "withdrawn"),
        ("approved", "submitted"),
        ("withdrawn", "submitted"),
        ("changes_requested", "approved"),
    ],
)
def test_refused_moves(current, to):
    assert not writing.can_move(current, to)


def test_every_status_has_its_moves_written_down():
    assert set(writing.TRANSITIONS) == set(DocumentStatus)


# --- what may be submitted


@pytest.mark.parametrize(
    ("text", "previous", "problem"),
    [
        ("", None, "empty"),
        (" \n\t ", None, "empty"),
        ("x" * (DOCUMENT_MAX_CHARS + 1), None, "50,000 characters"),
        ("# Same\n\nText", "# Same\n\nText", "same as the version you last submitted"),
        ("# Same  \r\n\r\nText\n", "# Same\n\nText", "same as the version you last submitted"),
    ],
)
def test_a_submission_that_cannot_go(text, previous, problem):
    assert problem in writing.submission_problem(text, previous)


@pytest.mark.parametrize(("text", "previous"), [("x" * DOCUMENT_MAX_CHARS, None), ("# New\n\nText", "# Old\n\nText")])
def test_a_submission_that_can_go(text, previous):
    assert writing.submission_problem(text, previous) is None


# --- the diff


def test_a_changed_word_is_shown_removed_then_added():
    parts = writing.word_diff("the cat sat on the mat", "the dog sat on the mat")
    assert [(p.op, p.text) for p in parts] == [
        ("same", "the "),
        ("removed", "cat "),
        ("added", "dog "),
        ("same", "sat on the mat"),
    ]
    assert writing.words_changed(parts) == (1, 1)


def test_added_paragraphs_keep_their_line_breaks():
    parts = writing.word_diff("# Title\n\nOne.", "# Title\n\nOne.\n\nTwo more words.")
    assert parts[-1] == writing.DiffPart("added", "\n\nTwo more words.")
    assert writing.words_changed(parts) == (3, 0)


def test_a_rewritten_sentence_reads_as_one_change_and_paragraphs_stay_apart():
    parts = writing.word_diff("Teams wait.\n\nWe should build a portal.", "Teams wait.\n\nWe assume it is approvals.")
    assert parts == [
        writing.DiffPart("same", "Teams wait.\n\nWe "),
        writing.DiffPart("removed", "should build a portal."),
        writing.DiffPart("added", "assume it is approvals."),
    ]


def test_only_changed_spaces_show_as_a_change_of_spaces():
    assert writing.word_diff("a b", "a  b") == [
        writing.DiffPart("same", "a"),
        writing.DiffPart("removed", " "),
        writing.DiffPart("added", "  "),
        writing.DiffPart("same", "b"),
    ]
    assert writing.words_changed(writing.word_diff("a b", "a  b")) == (0, 0)


def test_one_word_changed_in_a_huge_paragraph_is_found_exactly():
    old = " ".join(f"word{n % 7}" for n in range(8000))
    new = old.replace("word3", "changed", 1)
    parts = writing.word_diff(old, new)
    assert [p.op for p in parts] == ["same", "removed", "added", "same"]
    assert (parts[1].text, parts[2].text) == ("word3 ", "changed ")


def test_a_passage_too_long_to_match_word_by_word_shows_as_replaced_whole():
    old = " ".join(f"word{n % 7}" for n in range(3 * writing.WORD_DIFF_MAX_TOKENS))
    new = " ".join("other" if n % 40 == 20 else word for n, word in enumerate(old.split(" ")))
    parts = writing.word_diff(old, new)
    assert [p.op for p in parts] == ["same", "removed", "added", "same"]
    assert "".join(p.text for p in parts if p.op != "added") == old
    assert "".join(p.text for p in parts if p.op != "removed") == new


def test_identical_texts_have_no_changes():
    assert writing.word_diff("same text", "same text") == [writing.DiffPart("same", "same text")]


@given(st.text(max_size=200), st.text(max_size=200))
def test_the_diff_rebuilds_both_versions(old, new):
    parts = writing.word_diff(old, new)
    assert "".join(p.text for p in parts if p.op != "added") == old
    assert "".join(p.text for p in parts if p.op != "removed") == new
    assert all(a.op != b.op for a, b in zip(parts, parts[1:], strict=False)), "neighbours of one kind are merged"


# --- score changes between rounds


def test_score_changes_per_dimension():
    rubric = KINDS["release_notes"].rubric
    changes = writing.score_changes(
        rubric, {"customer_value": 2, "plain_reader": 3}, {"customer_value": 4, "plain_reader": 3, "concise": 2}
    )
    assert [(c.dimension.key, c.before, c.after, c.change) for c in changes] == [
        ("customer_value", 2, 4, 2),
        ("plain_reader", 3, 3, 0),
        ("concise", None, 2, None),
    ]  # fmt: skip


# --- agreement


def test_perfect_agreement_has_kappa_one():
    assert writing.weighted_kappa([(1, 1), (2, 2), (3, 3), (4, 4)]) == pytest.approx(1.0)


def test_kappa_by_hand():
    # Observed disagreement: one pair two levels apart (weight 4/9) over 4 pairs.
    # Margins: first 1,2,3,3 -> counts (1,1,2,0); second 1,2,1,3 -> counts (2,1,1,0).
    pairs = [(1, 1), (2, 2), (3, 1), (3, 3)]
    observed = 4 / 9
    first, second = [1, 1, 2, 0], [2, 1, 1, 0]
    expected = sum((i - j) ** 2 / 9 * first[i] * second[j] / 4 for i in range(4) for j in range(4))
    assert writing.weighted_kappa(pairs) == pytest.approx(1 - observed / expected)


def test_kappa_is_the_same_whichever_reviewer_comes_first():
    pairs = [(1, 2), (2, 2), (4, 3), (3, 1), (2, 4)]
    assert writing.weighted_kappa(pairs) == pytest.approx(writing.weighted_kappa([(b, a) for a, b in pairs]))


def test_systematic_disagreement_is_below_zero():
    assert writing.weighted_kappa([(1, 4), (4, 1), (1, 4), (4, 1)]) < 0


@pytest.mark.parametrize("pairs", [[], [(3, 3), (3, 3)]])
def test_kappa_is_undefined_without_variation(pairs):
    assert writing.weighted_kappa(pairs) is None


def test_agreement_per_dimension_and_per_reviewer():
    pairs = writing.pairs_of(1, {"evidence": 3, "concise": 2}, 2, {"evidence": 3, "concise": 4})
    pairs += writing.pairs_of(1, {"evidence": 1, "concise": 2}, 3, {"evidence": 2, "concise": 2, "extra": 1})
    figures = writing.agreement(pairs)
    assert figures.per_dimension["evidence"].pairs == 2
    assert figures.per_dimension["evidence"].exact == 0.5
    assert figures.per_dimension["evidence"].within_one == 1.0
    assert figures.per_dimension["concise"].within_one == 0.5
    assert "extra" not in figures.per_dimension
    assert figures.overall.pairs == 4 and figures.overall.exact == 0.5
    assert figures.per_reviewer[1].pairs == 4
    assert figures.per_reviewer[2] == writing.ReviewerAgreement(2, 0.5, 0.5)
    assert figures.per_reviewer[3] == writing.ReviewerAgreement(2, 0.5, 1.0)


def test_no_pairs_no_figures():
    figures = writing.agreement([])
    assert figures.overall is None and figures.per_dimension == {} and figures.per_reviewer == {}


@pytest.mark.parametrize(
    ("age", "label"),
    [(timedelta(minutes=5), "5 min"), (timedelta(hours=5, minutes=59), "5 h"), (timedelta(days=3, hours=2), "3 days")],
)
def test_age_label(age, label):
    assert writing.age_label(age) == label
