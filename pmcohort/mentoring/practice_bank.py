"""The question bank, persona cards and rubrics as stored (admins edit them), seeded from the starter set."""

from collections.abc import Iterable
from dataclasses import asdict

from sqlalchemy import select

from pmcohort.core.errors import NotFoundError, ServiceError
from pmcohort.core.extensions import db
from pmcohort.domain import practice
from pmcohort.domain.content import KEY_PATTERN
from pmcohort.mentoring.models import PracticeItem
from pmcohort.ops.models import record_audit

_KEY_EXAMPLE = {"question": "ps_flaky_tests", "persona": "skeptical_vp", "rubric": "product_sense"}
# Rubrics are chosen by the session's kind, so a retired rubric would still be used; only these retire.
RETIRABLE_TYPES = ("question", "persona")


def _starter_items() -> list[PracticeItem]:
    """The starter set as items to store (not added to the session)."""
    return [
        *(
            PracticeItem(item_type="question", key=q.key, kind=q.kind, title=q.prompt, body=_question_body(q))
            for q in practice.QUESTIONS
        ),
        *(
            PracticeItem(item_type="persona", key=p.key, title=p.title, body=_persona_body(p))
            for p in practice.PERSONAS
        ),
        *(
            PracticeItem(item_type="rubric", key=r.key, kind=r.key, title=r.title, body=_rubric_body(r))
            for r in practice.RUBRICS.values()
        ),
    ]


def seed_starter_set() -> int:
    """Add every starter item that is missing; never overwrites an admin's edit. Returns how many were added."""
    existing = {(item.item_type, item.key): item for item in db.session.scalars(select(PracticeItem))}
    added = 0
    for starter in _starter_items():
        stored = existing.get((starter.item_type, starter.key))
        if stored is None:
            db.session.add(starter)
            added += 1
        elif starter.item_type == "rubric":
            _complete_stored_rubric(stored, starter.body)
        else:
            _fill_missing_fields(stored, starter.body)
    db.session.commit()
    return added


def _question_body(question: practice.PracticeQuestion) -> dict:
    return {
        "follow_ups": list(question.follow_ups),
        "strong_answer": question.strong_answer,
        "domain": question.domain,
        "skill": question.skill,
    }


def _persona_body(persona: practice.PersonaCard) -> dict:
    body = asdict(persona)
    del body["key"], body["title"]  # columns of their own
    return body


def _rubric_body(rubric: practice.Rubric) -> dict:
    return {"dimensions": [asdict(d) for d in rubric.dimensions], "interview_label": rubric.interview_label}


def _fill_missing_fields(item: PracticeItem, starter_body: dict) -> None:
    """Fields an item was stored without (it predates them) come from the starter set; present ones keep the admin's edit."""
    missing = {name: value for name, value in starter_body.items() if name not in item.body}
    if missing:
        item.body = {**item.body, **missing}  # a new dict, so the JSON column sees the change


def _complete_stored_rubric(item: PracticeItem, starter_body: dict) -> None:
    """Rubrics stored before dimensions named a skill, before every level was described, or before kinds were
    rubrics get the starter set's; every other field keeps the admin's edit."""
    _fill_missing_fields(item, {"interview_label": starter_body["interview_label"]})
    starter_of = {dimension["key"]: dimension for dimension in starter_body["dimensions"]}
    stored = item.body.get("dimensions", [])
    completed = [
        {**d, **{name: value for name, value in starter_of.get(d["key"], {}).items() if not d.get(name)}}
        for d in stored
    ]
    if completed != stored:
        item.body = {**item.body, "dimensions": completed}


def items(item_type: str, *, include_retired: bool = False) -> list[PracticeItem]:
    statement = (
        select(PracticeItem).where(PracticeItem.item_type == item_type).order_by(PracticeItem.kind, PracticeItem.key)
    )
    if not include_retired:
        statement = statement.where(PracticeItem.retired.is_(False))
    return list(db.session.scalars(statement))


def question(item: PracticeItem) -> practice.PracticeQuestion:
    body = item.body
    return practice.PracticeQuestion(
        item.key,
        item.kind,
        item.title,
        tuple(body.get("follow_ups", ())),
        body.get("strong_answer", ""),
        domain=body.get("domain"),
        skill=body.get("skill"),
    )


def persona(item: PracticeItem) -> practice.PersonaCard:
    body = item.body
    return practice.PersonaCard(
        item.key,
        item.title,
        body.get("situation", ""),
        body.get("wants", ""),
        body.get("hidden_constraint", ""),
        tuple(body.get("pushback_lines", ())),
        reveals=body.get("reveals", ""),
        would_convince=body.get("would_convince", ""),
        rubric=body.get("rubric"),
    )


def _as_rubric(item: PracticeItem) -> practice.Rubric:
    return practice.Rubric(
        item.key,
        item.title,
        tuple(practice.RubricDimension(**d) for d in item.body.get("dimensions", ())),
        item.body.get("interview_label"),
    )


def interview_kinds() -> dict[str, str]:
    """The kinds of mock interview as the admins keep them, {key: label}: the rubrics with an interview label;
    the starter set's until the bank is seeded (`flask seed-practice`)."""
    stored = items("rubric")
    return practice.interview_kinds(_as_rubric(item) for item in stored) if stored else dict(practice.INTERVIEW_KINDS)


def questions() -> list[practice.PracticeQuestion]:
    """The question bank in use (retired questions left out)."""
    return [question(item) for item in items("question")]


def rubric(key: str) -> practice.Rubric | None:
    item = db.session.scalar(select(PracticeItem).where(PracticeItem.item_type == "rubric", PracticeItem.key == key))
    return _as_rubric(item) if item else None


def rubrics(keys: Iterable[str]) -> dict[str, practice.Rubric]:
    """The rubrics with these keys, in one query; keys without a rubric are left out."""
    items = db.session.scalars(
        select(PracticeItem).where(PracticeItem.item_type == "rubric", PracticeItem.key.in_(list(keys)))
    )
    return {item.key: _as_rubric(item) for item in items}


def find(item_type: str, key: str | None) -> PracticeItem | None:
    if key is None:
        return None
    return db.session.scalar(select(PracticeItem).where(PracticeItem.item_type == item_type, PracticeItem.key == key))


def key_rule(item_type: str) -> str:
    return (
        f"Use up to {practice.KEY_MAX_LENGTH[item_type]} lowercase letters a–z, digits and underscores, "
        f"e.g. {_KEY_EXAMPLE[item_type]}."
    )


def _item_to_save(item_type: str, item_id: int | None, key: str) -> tuple[PracticeItem, bool]:
    """The stored item to update, or a new one under `key`; also whether it is new.

    Sessions and feedback store keys, so a key is checked once, when the item is created,
    and can never change afterwards.
    """
    if item_id is not None:
        item = db.session.get(PracticeItem, item_id)
        if item is None or item.item_type != item_type:
            raise NotFoundError(item_type, item_id)
        if key != item.key:
            raise ServiceError("key", f"The key “{item.key}” cannot change: sessions and scores store it.")
        return item, False
    if not KEY_PATTERN.match(key) or len(key) > practice.KEY_MAX_LENGTH[item_type]:
        raise ServiceError("key", key_rule(item_type))
    if find(item_type, key) is not None:
        raise ServiceError("key", f"Another {item_type} already has the key “{key}”. Choose a different key.")
    return PracticeItem(item_type=item_type, key=key, body={}), True


def _saved(item: PracticeItem, created: bool, actor_id: int) -> PracticeItem:
    db.session.add(item)
    db.session.flush()
    record_audit(
        f"practice.{item.item_type}_saved", "practice_item", item.id, actor_id=actor_id, key=item.key, created=created
    )
    db.session.commit()
    return item


def save_question(
    item_id: int | None, *, key: str, kind: str, prompt: str, follow_ups: list[str], strong_answer: str, actor_id: int
) -> PracticeItem:
    if kind not in interview_kinds():
        raise ServiceError("kind", "Choose the kind of interview this question is for.")
    item, created = _item_to_save("question", item_id, key)
    item.kind, item.title = kind, prompt.strip()
    item.body = {
        **item.body,  # keeps the domain and skill the starter set gave it
        "follow_ups": [line.strip() for line in follow_ups if line.strip()],
        "strong_answer": strong_answer.strip(),
    }
    return _saved(item, created, actor_id)


def save_persona(
    item_id: int | None,
    *,
    key: str,
    title: str,
    situation: str,
    wants: str,
    hidden_constraint: str,
    pushback_lines: list[str],
    actor_id: int,
    reveals: str = "",
    would_convince: str = "",
    rubric_key: str | None = None,
) -> PracticeItem:
    if rubric_key and rubric(rubric_key) is None:
        raise ServiceError("rubric", "Choose one of the rubrics.")
    item, created = _item_to_save("persona", item_id, key)
    item.title = title.strip()
    item.body = {
        "situation": situation.strip(),
        "wants": wants.strip(),
        "hidden_constraint": hidden_constraint.strip(),
        "pushback_lines": [line.strip() for line in pushback_lines if line.strip()],
        "reveals": reveals.strip(),
        "would_convince": would_convince.strip(),
        "rubric": rubric_key or None,
    }
    return _saved(item, created, actor_id)


def save_rubric(
    item_id: int | None,
    *,
    key: str,
    title: str,
    dimensions: list[practice.RubricDimension],
    actor_id: int,
    interview_label: str = "",
) -> PracticeItem:
    """Dimensions may gain texts and new members, but every stored dimension key stays: past scores use them.

    With an interview label the rubric is a kind of mock interview: mentors can offer it and questions can belong
    to it, without a code change."""
    if interview_label.strip() and len(key) > practice.KEY_MAX_LENGTH["kind"]:
        raise ServiceError(
            "interview_label",
            f"A kind of interview needs a key of at most {practice.KEY_MAX_LENGTH['kind']} characters; "
            "this rubric's is longer.",
        )
    item, created = _item_to_save("rubric", item_id, key)
    given_keys = [dimension.key for dimension in dimensions]
    dropped = [stored["key"] for stored in item.body.get("dimensions", ()) if stored["key"] not in given_keys]
    if dropped:
        raise ServiceError(
            "dimensions",
            f"The dimension “{dropped[0]}” cannot be renamed or removed: past scores use its key. "
            "Only its label and descriptions can change.",
        )
    if len(set(given_keys)) != len(given_keys):
        raise ServiceError("dimensions", "Two dimensions share a key. Give each dimension its own key.")
    item.title = title.strip()
    item.body = {
        "dimensions": [asdict(dimension) for dimension in dimensions],
        "interview_label": interview_label.strip() or None,
    }
    return _saved(item, created, actor_id)


def set_retired(item_id: int, retired: bool, *, actor_id: int) -> PracticeItem:
    """Retiring stands in for deleting: sessions keep their keys, but new sessions no longer get the item."""
    item = db.session.get(PracticeItem, item_id)
    if item is None or item.item_type not in RETIRABLE_TYPES:
        raise NotFoundError("retirable practice item", item_id)
    item.retired = retired
    record_audit(
        f"practice.{item.item_type}_{'retired' if retired else 'restored'}",
        "practice_item",
        item.id,
        actor_id=actor_id,
        key=item.key,
    )
    db.session.commit()
    return item
