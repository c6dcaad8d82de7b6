import pytest
from sqlalchemy import func, select

from pmcohort.core.errors import ServiceError
from pmcohort.core.extensions import db
from pmcohort.domain import practice
from pmcohort.mentoring import practice_bank
from pmcohort.mentoring.models import PracticeItem
from pmcohort.ops.models import AuditEvent

NEW_QUESTION = "/admin/practice/questions/new"
NEW_PERSONA = "/admin/practice/personas/new"
NEW_RUBRIC = "/admin/practice/rubrics/new"
QUESTION = {
    "key": "ps_status_page",
    "kind": "product_sense",
    "prompt": "Design a status page for a cloud database provider.",
    "follow_ups": "Who reads it during an outage?\n\nWhat do you leave out?",
    "strong_answer": "Starts from the customer's moment of doubt and names one metric.",
}
PERSONA = {
    "key": "anxious_cfo",
    "title": "Anxious CFO",
    "situation": "You ask for budget to move billing to a new provider.",
    "wants": "Proof that nothing breaks at quarter end.",
    "hidden_constraint": "An audit starts next month.",
    "pushback_lines": "Why now?\nWhat if it slips?",
}


DIMENSION_FIELDS = (
    "key",
    "label",
    "skill",
    "what_4_looks_like",
    "what_1_looks_like",
    "what_3_looks_like",
    "what_2_looks_like",
)


def _levels_between(row: tuple) -> tuple:
    """A row given as (key, label, skill, 4, 1) gets descriptions of levels 3 and 2 too; a blank row stays blank."""
    if len(row) == len(DIMENSION_FIELDS) or not any(row):
        return row + ("",) * (len(DIMENSION_FIELDS) - len(row))
    return (*row, f"Mostly: {row[3]}", f"Partly: {row[4]}")


def rubric_form(key: str | None, title: str, dimensions: list[tuple], interview_label: str = "") -> dict:
    """The rubric form as a browser posts it: one row per dimension, blank rows for the rest."""
    data = {"title": title} if key is None else {"key": key, "title": title}
    data["interview_label"] = interview_label
    for index in range(5):
        row = _levels_between(dimensions[index] if index < len(dimensions) else ())
        for name, value in zip(DIMENSION_FIELDS, row, strict=True):
            data[f"dimensions-{index}-{name}"] = value
    return data


THREE_DIMENSIONS = [
    ("framing", "Frames the problem", "discovery", "States the problem first.", "Jumps to features."),
    ("trade_offs", "Weighs trade-offs", "prioritization", "Compares options.", "One option only."),
    ("metrics", "Defines success", "prioritization", "An outcome metric with guardrails.", "No metric."),
]


@pytest.fixture
def admin(login, user_factory):
    return login(user_factory(roles=("admin",)))


def test_admin_creates_a_question_that_appears_in_the_list(client, admin, form_post):
    response = form_post(NEW_QUESTION, QUESTION)
    assert response.status_code == 303

    item = practice_bank.find("question", "ps_status_page")
    assert practice_bank.question(item).follow_ups == ("Who reads it during an outage?", "What do you leave out?")
    assert "Design a status page for a cloud database provider." in client.get("/admin/practice").get_data(as_text=True)
    audit = db.session.execute(select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.details)).one()
    assert audit == ("practice.question_saved", admin.id, {"key": "ps_status_page", "created": True})


def test_a_duplicate_key_is_refused_at_the_field(admin, form_post):
    form_post(NEW_QUESTION, QUESTION)
    response = form_post(NEW_QUESTION, {**QUESTION, "prompt": "Another prompt"})

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="key-error">Another question already has the key “ps_status_page”' in html
    assert 'aria-describedby="key-hint key-error"' in html
    assert practice_bank.find("question", "ps_status_page").title == QUESTION["prompt"]


@pytest.mark.parametrize(
    ("url", "data", "field", "message"),
    [
        (NEW_QUESTION, {**QUESTION, "prompt": "   "}, "prompt", "Write the question the mentor asks."),
        (
            NEW_QUESTION,
            {**QUESTION, "kind": "system_design"},
            "kind",
            "Choose the kind of interview this question is for",
        ),
        (NEW_QUESTION, {**QUESTION, "follow_ups": "1\n2\n3\n4\n5\n6"}, "follow_ups", "at most 5 follow-ups"),
        (NEW_QUESTION, {**QUESTION, "strong_answer": ""}, "strong_answer", "Describe what a strong answer shows"),
        (NEW_QUESTION, {**QUESTION, "key": "Status-Page"}, "key", "lowercase letters a–z, digits and underscores"),
        (NEW_QUESTION, {**QUESTION, "key": ""}, "key", "Give it a key."),
        (NEW_PERSONA, {**PERSONA, "hidden_constraint": ""}, "hidden_constraint", "Give the hidden constraint"),
        (NEW_PERSONA, {**PERSONA, "pushback_lines": "\n"}, "pushback_lines", "Give 1 to 6 pushback lines"),
        (NEW_RUBRIC, rubric_form("pitch", "Pitch", THREE_DIMENSIONS[:2]), "dimensions", "at least 3 dimensions"),
        (
            NEW_RUBRIC,
            rubric_form("pitch", "Pitch", [*THREE_DIMENSIONS[:2], ("clarity", "Clarity", "writing", "", "Rambles.")]),
            "dimensions-2-what_4_looks_like",
            "Describe what a 4 looks like.",
        ),
        (
            NEW_RUBRIC,
            rubric_form("pitch", "Pitch", [*THREE_DIMENSIONS[:2], ("clarity", "Clarity", "", "Crisp.", "Rambles.")]),
            "dimensions-2-skill",
            "Choose the skill this dimension is evidence of.",
        ),
        (
            NEW_RUBRIC,
            rubric_form(
                "pitch", "Pitch", [*THREE_DIMENSIONS[:2], ("clarity", "Clarity", "charisma", "Crisp.", "Rambles.")]
            ),
            "dimensions-2-skill",
            "Choose one of the skills.",
        ),
        (
            NEW_RUBRIC,
            rubric_form(
                "pitch", "Pitch", [*THREE_DIMENSIONS, ("Clarity!", "Clarity", "writing", "Crisp.", "Rambles.")]
            ),
            "dimensions-3-key",
            "Use only lowercase letters",
        ),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_saved(admin, form_post, url, data, field, message):
    response = form_post(url, data)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html
    assert db.session.scalar(select(func.count()).select_from(PracticeItem)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_a_key_cannot_change_on_edit(admin, form_post):
    form_post(NEW_PERSONA, PERSONA)
    persona = practice_bank.find("persona", "anxious_cfo")

    response = form_post(
        f"/admin/practice/personas/{persona.id}", {**PERSONA, "key": "renamed", "title": "Nervous CFO"}
    )

    assert response.status_code == 303
    db.session.expire_all()
    assert (persona.key, persona.title) == ("anxious_cfo", "Nervous CFO")
    assert practice_bank.find("persona", "renamed") is None


def test_retiring_hides_a_question_from_new_sessions_but_keeps_it_listed(client, admin, form_post):
    form_post(NEW_QUESTION, QUESTION)
    item = practice_bank.find("question", "ps_status_page")

    form_post(f"/admin/practice/{item.id}/retired", {"retired": "yes"}, page_url="/admin/practice")

    assert "ps_status_page" not in {each.key for each in practice_bank.items("question")}
    listed = client.get("/admin/practice").get_data(as_text=True)
    assert QUESTION["prompt"] in listed and '<span class="tag">retired</span>' in listed

    form_post(f"/admin/practice/{item.id}/retired", {"retired": "no"}, page_url="/admin/practice")
    assert "ps_status_page" in {each.key for each in practice_bank.items("question")}
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["practice.question_saved", "practice.question_retired", "practice.question_restored"]


def test_editing_a_rubric_changes_texts_but_keeps_dimension_keys(client, admin, form_post):
    practice_bank.seed_starter_set()
    rubric = practice_bank.rubric("estimation")
    item = practice_bank.find("rubric", "estimation")
    url = f"/admin/practice/rubrics/{item.id}"
    rows = [(d.key, d.label, d.skill, d.what_4_looks_like, d.what_1_looks_like) for d in rubric.dimensions]
    assert 'id="dimensions-0-key" maxlength="32" name="dimensions-0-key" readonly' in client.get(url).get_data(
        as_text=True
    )

    renamed = [("scope", "Clarifies scope", *rows[0][2:]), *rows[1:]]
    refused = form_post(url, rubric_form(None, rubric.title, renamed))
    assert refused.status_code == 400
    assert "The dimension “clarifies_scope” cannot be renamed or removed" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert practice_bank.rubric("estimation") == rubric

    relabelled = [(rows[0][0], "Pins down the question", *rows[0][2:]), *rows[1:]]
    assert form_post(url, rubric_form(None, rubric.title, relabelled)).status_code == 303

    db.session.expire_all()
    edited = practice_bank.rubric("estimation")
    assert edited.dimension_keys == rubric.dimension_keys
    assert edited.dimensions[0].label == "Pins down the question"
    assert [d.skill for d in edited.dimensions] == [d.skill for d in rubric.dimensions] != [None] * 5


def test_a_rubric_gains_a_dimension_and_keeps_the_others(admin, form_post):
    form_post(NEW_RUBRIC, rubric_form("pitch", "Pitch", THREE_DIMENSIONS))
    item = practice_bank.find("rubric", "pitch")

    added = ("clarity", "Speaks clearly", "interviewing", "Crisp and structured.", "Rambles.")
    response = form_post(f"/admin/practice/rubrics/{item.id}", rubric_form(None, "Pitch", [*THREE_DIMENSIONS, added]))

    assert response.status_code == 303
    db.session.expire_all()
    assert practice_bank.rubric("pitch").dimension_keys == ("framing", "trade_offs", "metrics", "clarity")


def _starter_forms():
    """Each starter item as its admin form posts it back: (item type, key, form)."""
    for question in practice.QUESTIONS:
        form = {name: getattr(question, name) for name in ("key", "kind", "prompt", "strong_answer")}
        yield "question", question.key, form | {"follow_ups": "\n".join(question.follow_ups)}
    for persona in practice.PERSONAS:
        form = {
            name: getattr(persona, name)
            for name in ("key", "title", "situation", "wants", "hidden_constraint", "reveals", "would_convince")
        }
        lines = "\n".join(persona.pushback_lines)
        yield "persona", persona.key, form | {"pushback_lines": lines, "rubric": persona.rubric or ""}
    for rubric in practice.RUBRICS.values():
        rows = [tuple(getattr(dimension, name) for name in DIMENSION_FIELDS) for dimension in rubric.dimensions]
        yield "rubric", rubric.key, rubric_form(None, rubric.title, rows, rubric.interview_label or "")


def test_every_starter_item_saves_unchanged_through_the_admin_forms(admin, form_post):
    """The starter files obey the editor's bounds, so an admin can always save a starter item back."""
    practice_bank.seed_starter_set()
    before = {
        (item.item_type, item.key): (item.kind, item.title, item.body)
        for item in db.session.scalars(select(PracticeItem))
    }

    for item_type, key, form in _starter_forms():
        item = practice_bank.find(item_type, key)
        assert form_post(f"/admin/practice/{item_type}s/{item.id}", form).status_code == 303, key

    db.session.expire_all()
    after = {
        (item.item_type, item.key): (item.kind, item.title, item.body)
        for item in db.session.scalars(select(PracticeItem))
    }
    assert after == before


def test_seeding_names_the_skills_of_a_rubric_stored_before_dimensions_had_one(app):
    practice_bank.seed_starter_set()
    item = practice_bank.find("rubric", "influence")
    without_skills = [{k: v for k, v in d.items() if k != "skill"} for d in item.body["dimensions"]]
    without_skills[0]["label"] = "An admin's label"
    item.body = {
        "dimensions": [
            *without_skills,
            {
                "key": "admins_own",
                "label": "Added by an admin",
                "what_4_looks_like": "Great.",
                "what_1_looks_like": "Poor.",
            },
        ]
    }
    db.session.commit()

    assert practice_bank.seed_starter_set() == 0

    db.session.expire_all()
    dimensions = practice_bank.rubric("influence").dimensions
    assert [d.skill for d in dimensions] == ["influence"] * 5 + [None]
    assert dimensions[0].label == "An admin's label"


@pytest.mark.parametrize("roles", [("engineer",), ("mentor",), ("lead",)])
def test_only_admins_manage_the_question_bank(client, login, user_factory, form_post, roles):
    practice_bank.seed_starter_set()
    question = practice_bank.find("question", "ps_flaky_tests")
    login(user_factory(roles=roles))

    for url in (
        "/admin/practice",
        NEW_QUESTION,
        f"/admin/practice/questions/{question.id}",
        NEW_PERSONA,
        NEW_RUBRIC,
    ):
        assert client.get(url).status_code == 403, url
    assert form_post(NEW_QUESTION, QUESTION, page_url="/dashboard").status_code == 403
    assert (
        form_post(f"/admin/practice/{question.id}/retired", {"retired": "yes"}, page_url="/dashboard").status_code
        == 403
    )
    assert practice_bank.find("question", "ps_status_page") is None and not question.retired


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/admin/practice")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_admins_find_the_question_bank_in_the_navigation(client, admin):
    assert '<a href="/admin/practice">Question bank</a>' in client.get("/dashboard").get_data(as_text=True)


def test_the_service_refuses_a_question_of_an_unknown_interview_kind(admin):
    before = db.session.scalar(select(func.count()).select_from(PracticeItem))
    with pytest.raises(ServiceError) as refused:
        practice_bank.save_question(
            None,
            key="estimation_bogus",
            kind="astrology",
            prompt="How many stars?",
            follow_ups=[],
            strong_answer="",
            actor_id=admin.id,
        )
    assert refused.value.field == "kind"
    assert db.session.scalar(select(func.count()).select_from(PracticeItem)) == before
