"""The quick check's aggregate counts: one upsert per completed or saved check, nothing about the visitor."""

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from pmcohort.core.errors import ServiceError
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain import readiness
from pmcohort.domain.quick_check import QUICK_CHECK, Estimate, estimate
from pmcohort.quickcheck.models import QuickCheckTally


def check_answers(form: Mapping[str, str]) -> dict[str, object]:
    """The typed answers; ServiceError with a message per question when any is missing or out of range."""
    answers = readiness.coerce_answers(form, QUICK_CHECK.questions)
    errors = readiness.validate(answers, QUICK_CHECK.questions)
    if errors:
        count = f"{len(errors)} question{'' if len(errors) == 1 else 's'} need{'s' if len(errors) == 1 else ''}"
        raise ServiceError(None, f"{count} an answer from the options shown.", errors=errors)
    return answers


def take_check(form: Mapping[str, str]) -> tuple[dict[str, object], Estimate]:
    """Score a completed check and count it; nothing about the visitor is stored."""
    answers = check_answers(form)
    _count(answers[readiness.CURRENT.rules.path_question], completed=1)
    return answers, estimate(QUICK_CHECK, answers)


def count_saved(answers: Mapping[str, object]) -> None:
    """Count a check whose visitor chose to carry it into an account."""
    _count(answers[readiness.CURRENT.rules.path_question], saved=1)


def _count(path: str, completed: int = 0, saved: int = 0) -> None:
    # One statement, so two visitors finishing at once both count.
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(QuickCheckTally).values(day=utcnow().date(), path=path, completed=completed, saved=saved)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["day", "path"],
            set_={
                "completed": QuickCheckTally.completed + completed,
                "saved": QuickCheckTally.saved + saved,
            },
        )
    )
    db.session.commit()


def tallies() -> list[QuickCheckTally]:
    return list(db.session.scalars(select(QuickCheckTally).order_by(QuickCheckTally.day, QuickCheckTally.path)))
