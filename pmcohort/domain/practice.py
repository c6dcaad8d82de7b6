"""Practice material for mock interviews and stakeholder role-plays, and the rules that use it.

The starter set lives in `pmcohort/data/practice/` and is checked as it loads:

- QUESTIONS (questions.toml): mock-interview questions, one INTERVIEW_KINDS key each, with
  follow-ups for the mentor and a note on what a strong answer shows.
- PERSONAS (personas.toml): stakeholder cards for role-play. The mentor plays the persona; the
  hidden constraint is for the mentor only and is what the mentee should draw out.
- RUBRICS (rubrics.toml): how a mentor scores a session, every dimension on RUBRIC_LEVEL, each
  dimension evidence of one skill; RUBRIC_FOR says which rubric scores each kind of session.

Keys are stored with sessions and feedback, so they never change meaning: a
question whose meaning changes gets a new key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from importlib.resources.abc import Traversable

from pmcohort.domain.content import DATA, Entry, read_toml, unique
from pmcohort.domain.limits import FOLLOW_UPS, PUSHBACK_LINES, RUBRIC_DIMENSIONS, RUBRIC_LEVEL
from pmcohort.domain.statuses import SessionKind
from pmcohort.domain.vocabulary import INTERVIEW_KINDS, SKILLS

# As long as the shortest column that stores the key: session_feedback.rubric_key has 32 characters.
KEY_MAX_LENGTH = {"question": 64, "persona": 64, "rubric": 32, "dimension": 32}


@dataclass(frozen=True)
class PracticeQuestion:
    key: str
    kind: str  # an INTERVIEW_KINDS key
    prompt: str
    follow_ups: tuple[str, ...]
    strong_answer: str  # what a strong answer shows; a guide for the mentor, not a script


@dataclass(frozen=True)
class PersonaCard:
    key: str
    title: str
    situation: str  # read by both: the scene the mentee walks into
    wants: str  # what the persona asks for out loud
    hidden_constraint: str  # mentor only: what is really driving them
    pushback_lines: tuple[str, ...]


@dataclass(frozen=True)
class RubricDimension:
    key: str
    label: str
    what_4_looks_like: str
    what_1_looks_like: str
    # The SKILLS key a score is evidence of; None only for a dimension an admin stored before dimensions named one.
    skill: str | None = None


@dataclass(frozen=True)
class Rubric:
    key: str
    title: str
    dimensions: tuple[RubricDimension, ...]

    @property
    def dimension_keys(self) -> tuple[str, ...]:
        return tuple(d.key for d in self.dimensions)


@dataclass(frozen=True)
class PracticeSet:
    questions: tuple[PracticeQuestion, ...]
    personas: tuple[PersonaCard, ...]
    rubrics: dict[str, Rubric]
    rubric_for: dict[str, str]  # session kind (an INTERVIEW_KINDS key or SessionKind.ROLE_PLAY) -> rubric key


# --- loading the starter set


def load_practice_set(data: Traversable = DATA) -> PracticeSet:
    """The starter set from `data`/practice/; a ContentError names the file and entry of any mistake."""
    questions_file = read_toml(data, "practice/questions.toml")
    questions = _keyed(questions_file.tables("question", "question"), _question, "question")
    questions_file.done()

    personas_file = read_toml(data, "practice/personas.toml")
    personas = _keyed(personas_file.tables("persona", "persona"), _persona, "persona")
    personas_file.done()

    rubrics_file = read_toml(data, "practice/rubrics.toml")
    rubrics = {key: _rubric(entry, key) for key, entry in rubrics_file.keyed("rubric", "rubric").items()}
    by_kind = rubrics_file.table("rubric_for")
    rubric_for = {
        kind: by_kind.one_of(kind, rubrics, "rubric") for kind in (*INTERVIEW_KINDS, SessionKind.ROLE_PLAY.value)
    }
    by_kind.done()
    rubrics_file.done()
    return PracticeSet(questions, personas, rubrics, rubric_for)


def _keyed(entries: list[Entry], build, what: str) -> tuple:
    items = tuple(build(entry) for entry in entries)
    unique(zip(entries, (item.key for item in items), strict=True), f"{what} key")
    return items


def _question(entry: Entry) -> PracticeQuestion:
    return entry.done(
        PracticeQuestion(
            key=entry.key(max_length=KEY_MAX_LENGTH["question"]),
            kind=entry.one_of("kind", INTERVIEW_KINDS, "interview kind"),
            prompt=entry.text("prompt"),
            follow_ups=entry.texts("follow_ups", at_least=FOLLOW_UPS.low, at_most=FOLLOW_UPS.high),
            strong_answer=entry.text("strong_answer"),
        )
    )


def _persona(entry: Entry) -> PersonaCard:
    return entry.done(
        PersonaCard(
            key=entry.key(max_length=KEY_MAX_LENGTH["persona"]),
            title=entry.text("title"),
            situation=entry.text("situation"),
            wants=entry.text("wants"),
            hidden_constraint=entry.text("hidden_constraint"),
            pushback_lines=entry.texts("pushback_lines", at_least=PUSHBACK_LINES.low, at_most=PUSHBACK_LINES.high),
        )
    )


def _rubric(entry: Entry, key: str) -> Rubric:
    entry.check_key(key, "rubric key", KEY_MAX_LENGTH["rubric"])
    dimension_entries = entry.tables(
        "dimension", "dimension", at_least=RUBRIC_DIMENSIONS.low, at_most=RUBRIC_DIMENSIONS.high
    )
    return entry.done(Rubric(key, entry.text("title"), _keyed(dimension_entries, _dimension, "dimension")))


def _dimension(entry: Entry) -> RubricDimension:
    return entry.done(
        RubricDimension(
            key=entry.key(max_length=KEY_MAX_LENGTH["dimension"]),
            label=entry.text("label"),
            what_4_looks_like=entry.text("what_4_looks_like"),
            what_1_looks_like=entry.text("what_1_looks_like"),
            skill=entry.one_of("skill", SKILLS, "skill"),
        )
    )


_STARTER = load_practice_set()
QUESTIONS: tuple[PracticeQuestion, ...] = _STARTER.questions
PERSONAS: tuple[PersonaCard, ...] = _STARTER.personas
RUBRICS: dict[str, Rubric] = _STARTER.rubrics
RUBRIC_FOR: dict[str, str] = _STARTER.rubric_for


# --- helpers


def _check_interview_kind(kind: str) -> None:
    if kind not in INTERVIEW_KINDS:
        raise ValueError(f"unknown interview kind {kind!r}; expected one of {sorted(INTERVIEW_KINDS)}")


def questions_of(kind: str, bank: Iterable[PracticeQuestion] = QUESTIONS) -> tuple[PracticeQuestion, ...]:
    """The questions of one interview kind, in bank order.

    `bank` defaults to the starter set; pass another (say, the admin-edited copy) to pick from it.
    """
    _check_interview_kind(kind)
    return tuple(q for q in bank if q.kind == kind)


def _draw_order(seed: int, key: str) -> bytes:
    # A hash of (seed, key) rather than random.shuffle: the order for a seed stays
    # the same across processes and Python versions, and adding a question to the
    # bank does not reshuffle the others.
    return hashlib.sha256(f"{seed}:{key}".encode()).digest()


def next_question(
    kind: str, already_asked: Collection[str], seed: int, bank: Iterable[PracticeQuestion] = QUESTIONS
) -> PracticeQuestion | None:
    """A question of `kind` not in `already_asked`, or None when all have been asked.

    The same seed and history always give the same question; a pair can use a
    stable seed (such as its match id) to walk through the bank in its own order.
    Keys of other kinds in `already_asked` are ignored.
    """
    remaining = [q for q in questions_of(kind, bank) if q.key not in already_asked]
    if not remaining:
        return None
    return min(remaining, key=lambda q: _draw_order(seed, q.key))


def rubric_key_for_session(kind: str | None) -> str | None:
    """Which rubric scores a mock interview of an INTERVIEW_KINDS key or a role-play; None for other kinds."""
    return RUBRIC_FOR.get(kind)


def validate_scores(rubric: Rubric, scores: Mapping[str, object]) -> dict[str, str]:
    """Error message per key; empty when every dimension has a whole-number score in RUBRIC_LEVEL.

    Missing and out-of-range scores are reported under their dimension key, and
    keys the rubric does not have under that key.
    """
    errors: dict[str, str] = {}
    for dimension in rubric.dimensions:
        value = scores.get(dimension.key)
        if value is None:
            errors[dimension.key] = f"Give a score from {RUBRIC_LEVEL.low} to {RUBRIC_LEVEL.high}."
        # bool is an int subclass; True is not a score, and neither is the string "3".
        elif type(value) is not int or value not in RUBRIC_LEVEL:
            errors[dimension.key] = f"Scores are whole numbers from {RUBRIC_LEVEL.low} to {RUBRIC_LEVEL.high}."
    for key in scores:
        if key not in rubric.dimension_keys:
            errors[key] = f"The {rubric.title} rubric has no dimension {key!r}."
    return errors
