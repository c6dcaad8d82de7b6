"""The question bank, persona cards and rubrics as stored (admins edit them), seeded from the starter set."""

from dataclasses import asdict

from sqlalchemy import select

from pmcohort.domain import practice
from pmcohort.extensions import db
from pmcohort.models import PracticeItem, record_audit


def seed_starter_set() -> int:
    """Add every starter item that is missing; never overwrites an admin's edit. Returns how many were added."""
    existing = set(db.session.execute(select(PracticeItem.item_type, PracticeItem.key)).all())
    added = 0
    for question in practice.QUESTIONS:
        if ("question", question.key) not in existing:
            db.session.add(PracticeItem(item_type="question", key=question.key, kind=question.kind, title=question.prompt,
                                        body={"follow_ups": list(question.follow_ups), "strong_answer": question.strong_answer}))
            added += 1
    for persona in practice.PERSONAS:
        if ("persona", persona.key) not in existing:
            body = asdict(persona)
            body.pop("key"), body.pop("title")
            db.session.add(PracticeItem(item_type="persona", key=persona.key, title=persona.title, body=body))
            added += 1
    for rubric in practice.RUBRICS.values():
        if ("rubric", rubric.key) not in existing:
            db.session.add(PracticeItem(item_type="rubric", key=rubric.key, kind=rubric.key, title=rubric.title,
                                        body={"dimensions": [asdict(d) for d in rubric.dimensions]}))
            added += 1
    db.session.commit()
    return added


def items(item_type: str, *, include_retired: bool = False) -> list[PracticeItem]:
    statement = select(PracticeItem).where(PracticeItem.item_type == item_type).order_by(PracticeItem.kind, PracticeItem.key)
    if not include_retired:
        statement = statement.where(PracticeItem.retired.is_(False))
    return list(db.session.scalars(statement))


def question(item: PracticeItem) -> practice.PracticeQuestion:
    return practice.PracticeQuestion(item.key, item.kind, item.title, tuple(item.body.get("follow_ups", ())), item.body.get("strong_answer", ""))


def persona(item: PracticeItem) -> practice.PersonaCard:
    body = item.body
    return practice.PersonaCard(item.key, item.title, body.get("situation", ""), body.get("wants", ""),
                                body.get("hidden_constraint", ""), tuple(body.get("pushback_lines", ())))


def rubric(key: str) -> practice.Rubric | None:
    item = db.session.scalar(select(PracticeItem).where(PracticeItem.item_type == "rubric", PracticeItem.key == key))
    if item is None:
        return None
    return practice.Rubric(item.key, item.title, tuple(practice.RubricDimension(**d) for d in item.body.get("dimensions", ())))


def find(item_type: str, key: str | None) -> PracticeItem | None:
    if key is None:
        return None
    return db.session.scalar(select(PracticeItem).where(PracticeItem.item_type == item_type, PracticeItem.key == key))


def save_question(item_id: int | None, *, kind: str, key: str, prompt: str, follow_ups: list[str], strong_answer: str,
                  retired: bool, actor_id: int) -> PracticeItem:
    item = db.session.get(PracticeItem, item_id) if item_id else PracticeItem(item_type="question", key=key)
    item.kind, item.title, item.retired = kind, prompt.strip(), retired
    item.body = {"follow_ups": [line.strip() for line in follow_ups if line.strip()], "strong_answer": strong_answer.strip()}
    db.session.add(item)
    db.session.flush()
    record_audit("practice.question_saved", "practice_item", item.id, actor_id=actor_id, key=item.key)
    db.session.commit()
    return item
