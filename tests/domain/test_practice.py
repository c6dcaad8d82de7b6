import re
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcohort.domain.content import ContentError
from pmcohort.domain.practice import (
    INTERVIEW_KINDS,
    PERSONAS,
    QUESTIONS,
    RUBRIC_FOR,
    RUBRICS,
    load_practice_set,
    next_question,
    questions_of,
    rubric_key_for_session,
    validate_scores,
)
from pmcohort.domain.statuses import SessionKind
from pmcohort.domain.vocabulary import DOMAINS, SKILLS

KINDS = sorted(INTERVIEW_KINDS)


def _sentences(text: str) -> int:
    return len(re.findall(r"[.!?](?:\s|$)", text))


# --- the bank


def test_the_whole_interview_loop_with_at_least_ten_questions_per_kind():
    counts = Counter(q.kind for q in QUESTIONS)
    assert (
        set(counts)
        == set(INTERVIEW_KINDS)
        == {
            "consumer_product",
            "product_sense",
            "execution",
            "estimation",
            "strategy",
            "technical",
            "behavioral",
        }
    )
    assert all(counts[kind] >= 10 for kind in INTERVIEW_KINDS), counts
    assert any("deep-dive" in q.key.replace("_", "-") for q in questions_of("behavioral"))


def test_questions_name_real_domains_and_skills_and_every_domain_is_served():
    assert all(q.domain in (None, *DOMAINS) and q.skill in (None, *SKILLS) for q in QUESTIONS)
    assert {q.domain for q in QUESTIONS} >= {"infrastructure", "developer_tools", "ml_platforms", "fintech"}


def test_question_keys_are_unique_slugs():
    keys = [q.key for q in QUESTIONS]
    assert len(keys) == len(set(keys))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", key) and len(key) <= 64 for key in keys)


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.key)
def test_question_is_complete(question):
    assert question.prompt.strip()
    assert 2 <= len(question.follow_ups) <= 3
    assert all(f.strip() for f in question.follow_ups)
    assert len(set(question.follow_ups)) == len(question.follow_ups)
    assert 1 <= _sentences(question.strong_answer) <= 3


def test_prompts_are_not_repeated():
    prompts = [q.prompt for q in QUESTIONS]
    assert len(prompts) == len(set(prompts))


def test_at_least_five_personas_including_the_core_cast():
    assert len(PERSONAS) >= 5
    assert {
        "skeptical_vp",
        "eng_lead_hidden_constraint",
        "sales_lead_customer_promise",
        "compliance_reviewer",
        "bypassed_designer",
    } <= {p.key for p in PERSONAS}


def test_persona_keys_are_unique():
    keys = [p.key for p in PERSONAS]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.key)
def test_persona_is_complete(persona):
    for text in (persona.title, persona.situation, persona.wants, persona.hidden_constraint):
        assert text.strip()
    assert len(persona.pushback_lines) >= 2
    assert all(line.strip() for line in persona.pushback_lines)


def test_a_rubric_per_interview_kind_and_for_role_plays():
    assert set(RUBRICS) == set(INTERVIEW_KINDS) | {"influence", "discovery"}
    assert all(len(kind) <= 16 for kind in INTERVIEW_KINDS)  # mentoring_sessions.interview_kind


@pytest.mark.parametrize("key", sorted(RUBRICS))
def test_every_level_of_every_rubric_dimension_is_described(key):
    rubric = RUBRICS[key]
    assert rubric.missing_levels == []
    for dimension in rubric.dimensions:
        texts = [text for _, text in dimension.levels]
        assert [level for level, _ in dimension.levels] == [1, 2, 3, 4]
        assert all(text.strip() for text in texts), dimension.key
        assert len(set(texts)) == 4, f"{key}.{dimension.key}: two levels read the same"


def test_a_missing_level_description_stops_the_starter_set_from_loading(tmp_path):
    from importlib.resources import files

    source = files("pmcohort") / "data" / "practice"
    practice_dir = tmp_path / "practice"
    practice_dir.mkdir()
    for name in ("questions.toml", "personas.toml", "rubrics.toml"):
        (practice_dir / name).write_text(source.joinpath(name).read_text(encoding="utf-8"), encoding="utf-8")
    rubrics = (practice_dir / "rubrics.toml").read_text(encoding="utf-8")
    first = rubrics.index("\nwhat_2_looks_like = ") + 1
    line_end = rubrics.index("\n", first)
    (practice_dir / "rubrics.toml").write_text(rubrics[:first] + rubrics[line_end + 1 :], encoding="utf-8")
    with pytest.raises(ContentError, match="missing field 'what_2_looks_like'"):
        load_practice_set(tmp_path)


def test_discovery_transfer_and_the_rest_of_the_cast_have_their_cards():
    discovery = [p for p in PERSONAS if p.rubric == "discovery"]
    assert len(discovery) >= 4
    assert all(p.reveals for p in discovery)
    assert {dimension.key for dimension in RUBRICS["discovery"].dimensions} == {
        "open_questions",
        "past_behaviour",
        "follow_ups_first",
        "insight_statement",
    }
    transfer = [p for p in PERSONAS if p.key.startswith("transfer_")]
    assert len(transfer) >= 2 and all(p.would_convince and "Staffing pressure" in p.situation for p in transfer)
    assert {"data_analytics_lead", "rival_pm"} <= {p.key for p in PERSONAS}


@pytest.mark.parametrize("key", sorted(RUBRICS))
def test_rubric_is_complete(key):
    rubric = RUBRICS[key]
    assert rubric.key == key
    assert rubric.title.strip()
    assert 4 <= len(rubric.dimensions) <= 5
    keys = [d.key for d in rubric.dimensions]
    assert len(keys) == len(set(keys))
    assert rubric.dimension_keys == tuple(keys)
    for dimension in rubric.dimensions:
        assert dimension.label.strip()
        assert dimension.what_4_looks_like.strip()
        assert dimension.what_1_looks_like.strip()
        assert dimension.what_4_looks_like != dimension.what_1_looks_like


# --- questions_of and next_question


@pytest.mark.parametrize("kind", KINDS)
def test_questions_of_returns_that_kind_in_bank_order(kind):
    picked = questions_of(kind)
    assert picked == tuple(q for q in QUESTIONS if q.kind == kind)
    assert len(picked) >= 10


@pytest.mark.parametrize("kind", ["role_play", "Product_sense", ""])
def test_unknown_kind_is_refused(kind):
    with pytest.raises(ValueError, match="unknown interview kind"):
        questions_of(kind)
    with pytest.raises(ValueError, match="unknown interview kind"):
        next_question(kind, set(), seed=1)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", [0, 1, 42, -7, 2**40])
def test_next_question_walks_the_whole_kind_without_repeats(kind, seed):
    asked: list[str] = []
    while (question := next_question(kind, set(asked), seed)) is not None:
        assert question.kind == kind
        assert question.key not in asked
        asked.append(question.key)
    assert sorted(asked) == sorted(q.key for q in questions_of(kind))
    assert next_question(kind, set(asked), seed) is None


@pytest.mark.parametrize("kind", KINDS)
def test_next_question_is_deterministic_for_a_seed(kind):
    def walk(seed):
        asked: list[str] = []
        while (question := next_question(kind, set(asked), seed)) is not None:
            asked.append(question.key)
        return asked

    assert walk(7) == walk(7)
    # Different seeds give different orders, so pairs don't all get the same first question.
    assert len({tuple(walk(seed)) for seed in range(10)}) > 1
    assert len({next_question(kind, set(), seed).key for seed in range(30)}) > 1


def test_next_question_ignores_other_kinds_and_unknown_keys():
    other = {q.key for q in QUESTIONS if q.kind != "estimation"} | {"not_a_question"}
    assert next_question("estimation", other, seed=3) == next_question("estimation", set(), seed=3)


def test_next_question_accepts_any_collection_of_keys():
    asked = [q.key for q in questions_of("behavioral")[:4]]
    assert next_question("behavioral", asked, 5) == next_question("behavioral", set(asked), 5)
    assert next_question("behavioral", frozenset(asked), 5) == next_question("behavioral", set(asked), 5)


def test_next_question_can_pick_from_another_bank():
    first, second, *_ = questions_of("product_sense")
    bank = (second, first, *questions_of("estimation"))
    assert questions_of("product_sense", bank) == (second, first)
    picked = next_question("product_sense", {first.key}, 9, bank=bank)
    assert picked == second
    assert next_question("product_sense", {first.key, second.key}, 9, bank=bank) is None
    # The pick depends on the keys, not on their order in the bank.
    assert next_question("product_sense", set(), 9, bank=bank) == next_question(
        "product_sense", set(), 9, bank=(first, second)
    )


@given(
    kind=st.sampled_from(KINDS),
    seed=st.integers(),
    data=st.data(),
)
def test_next_question_is_never_one_already_asked(kind, seed, data):
    keys = [q.key for q in questions_of(kind)]
    asked = data.draw(st.sets(st.sampled_from(keys)))
    question = next_question(kind, asked, seed)
    if asked == set(keys):
        assert question is None
    else:
        assert question is not None
        assert question.kind == kind
        assert question.key not in asked
        # Asking about questions that were skipped over does not change the pick.
        skipped = data.draw(st.sets(st.sampled_from(keys))) - {question.key}
        assert next_question(kind, asked | skipped, seed) == question


# --- cross-references: every key one entry names exists


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.key)
def test_every_question_is_scored_by_a_rubric(question):
    assert RUBRICS[rubric_key_for_session(question.kind)].dimensions


def test_role_plays_are_scored_by_their_card_s_rubric_else_the_influence_rubric():
    assert RUBRICS[rubric_key_for_session(SessionKind.ROLE_PLAY)].key == "influence"
    for persona in PERSONAS:
        assert rubric_key_for_session(SessionKind.ROLE_PLAY, persona=persona) == (persona.rubric or "influence")


def test_the_draw_prefers_the_target_domain_then_the_largest_gap():
    fintech = {q.key for q in questions_of("execution") if q.domain == "fintech"}
    first = next_question("execution", set(), 3, domain="fintech")
    assert first.key in fintech
    walked = []
    while (question := next_question("execution", set(walked), 3, domain="fintech")) is not None:
        walked.append(question.key)
    assert set(walked[: len(fintech)]) == fintech  # every fintech question before any other
    no_domain = next_question("execution", set(), 3, domain="other", gaps=("writing", "discovery"))
    assert no_domain.skill == "writing"
    assert next_question("execution", fintech, 3, domain="fintech").key not in fintech


@pytest.mark.parametrize("kind", KINDS)
def test_interview_kinds_get_their_own_rubric(kind):
    assert rubric_key_for_session(kind) == kind


@pytest.mark.parametrize("kind", ["shadowing", "influence", "Behavioral", "", None])
def test_other_session_kinds_have_no_rubric(kind):
    assert rubric_key_for_session(kind) is None


def test_every_rubric_is_used_by_some_kind_of_session():
    used = set(RUBRIC_FOR.values()) | set(INTERVIEW_KINDS) | {p.rubric for p in PERSONAS if p.rubric}
    assert used == set(RUBRICS)


@pytest.mark.parametrize("key", sorted(RUBRICS))
def test_every_rubric_dimension_is_evidence_of_a_skill(key):
    assert all(dimension.skill in SKILLS for dimension in RUBRICS[key].dimensions)


def test_influence_role_plays_inform_the_influence_skill():
    assert {dimension.skill for dimension in RUBRICS["influence"].dimensions} == {"influence"}


# --- validate_scores


def _all(rubric, value):
    return dict.fromkeys(rubric.dimension_keys, value)


@pytest.mark.parametrize("key", sorted(RUBRICS))
@pytest.mark.parametrize("value", [1, 2, 3, 4])
def test_complete_scores_are_valid(key, value):
    assert validate_scores(RUBRICS[key], _all(RUBRICS[key], value)) == {}


def test_mixed_valid_scores_pass():
    rubric = RUBRICS["product_sense"]
    scores = dict(zip(rubric.dimension_keys, [1, 4, 2, 3, 4], strict=True))
    assert validate_scores(rubric, scores) == {}


def test_every_missing_dimension_is_reported():
    rubric = RUBRICS["influence"]
    assert validate_scores(rubric, {}) == dict.fromkeys(rubric.dimension_keys, "Give a score from 1 to 4.")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        *((value, "Scores are whole numbers from 1 to 4.") for value in (0, 5, -1, 100, "3", 3.0, True, False, [3])),
        (None, "Give a score from 1 to 4."),  # None counts as missing
    ],
)
def test_a_bad_or_missing_score_is_reported_at_its_dimension(value, message):
    rubric = RUBRICS["estimation"]
    scores = _all(rubric, 3)
    bad_key = rubric.dimension_keys[1]
    scores[bad_key] = value
    assert validate_scores(rubric, scores) == {bad_key: message}


def test_unknown_dimensions_are_reported_under_their_own_key():
    rubric = RUBRICS["behavioral"]
    scores = _all(rubric, 3) | {"charisma": 4, "problem_framing": 2}
    assert validate_scores(rubric, scores) == {
        "charisma": "The Behavioral and project deep-dive rubric has no dimension 'charisma'.",
        # a dimension of another rubric is still unknown here
        "problem_framing": "The Behavioral and project deep-dive rubric has no dimension 'problem_framing'.",
    }


def test_missing_bad_and_unknown_are_reported_together():
    rubric = RUBRICS["product_sense"]
    first, second, *rest = rubric.dimension_keys
    scores = {second: 9, "extra": 2} | dict.fromkeys(rest, 4)
    assert validate_scores(rubric, scores) == {
        first: "Give a score from 1 to 4.",
        second: "Scores are whole numbers from 1 to 4.",
        "extra": "The Product sense (B2B / technical) rubric has no dimension 'extra'.",
    }
