"""Quick-check answers on their way into a new account, kept in the visitor's own signed session cookie:
the server stores nothing for a visitor who never signs up."""

from collections.abc import Mapping

from flask import session

from pmcohort.domain.quick_check import QUICK_CHECK

_KEY = "quick_check_answers"


def keep(answers: Mapping[str, object]) -> None:
    session[_KEY] = dict(answers)


def pending() -> bool:
    return _KEY in session


def take() -> dict[str, object] | None:
    """The kept answers, once; only the check's own questions, whatever the cookie held."""
    kept = session.pop(_KEY, None)
    if not isinstance(kept, dict):
        return None
    return {q.key: kept[q.key] for q in QUICK_CHECK.questions if q.key in kept}
