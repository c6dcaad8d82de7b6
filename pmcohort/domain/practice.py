"""Practice material for mock interviews and stakeholder role-plays, and the rules that use it.

The starter set lives in `pmcohort/data/practice/` and is checked as it loads:

- QUESTIONS (questions.toml): mock-interview questions, one interview kind each, with follow-ups
  for the mentor, a note on what a strong answer shows, and optionally the target domain it suits
  and the skill it exercises (the draw prefers the engineer's domain, then their largest gap).
- PERSONAS (personas.toml): cards for role-play: stakeholders, discovery customers, the manager of
  an internal-transfer ask. The mentor plays the persona; the hidden constraint (and what the persona
  reveals to a good follow-up, and what would convince them) is for the mentor only until the
  debrief is published.
- RUBRICS (rubrics.toml): how a mentor scores a session, every dimension on RUBRIC_LEVEL with a
  description of each level, each dimension evidence of one skill. A rubric with an interview label
  is a kind of mock interview (INTERVIEW_KINDS): kinds are data, so admins add one by adding a
  rubric. RUBRIC_FOR names the rubric for role-plays on cards that name none.

Keys are stored with sessions and feedback, so they never change meaning: a
question whose meaning changes gets a new key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources.abc import Traversable

from pmcohort.domain.content import DATA, Entry, read_toml, unique
from pmcohort.domain.limits import FOLLOW_UPS, PUSHBACK_LINES, RUBRIC_DIMENSIONS, RUBRIC_LEVEL
from pmcohort.domain.statuses import SessionKind
from pmcohort.domain.vocabulary import DOMAINS, SKILLS

# As long as the shortest column that stores the key: session_feedback.rubric_key has 32 characters,
# and an interview kind (a rubric's key) is stored in mentoring_sessions.interview_kind, 16 characters.
KEY_MAX_LENGTH = {"question": 64, "persona": 64, "rubric": 32, "dimension": 32, "kind": 16}
# A rubric dimension describes each level of RUBRIC_LEVEL in one of these fields, lowest first.
LEVEL_FIELDS = tuple(f"what_{level}_looks_like" for level in RUBRIC_LEVEL.values)


class DescribedLevels:
    """For a rubric dimension (a practice or a written-work one): its LEVEL_FIELDS as (level, text) pairs."""

    @property
    def levels(self) -> tuple[tuple[int, str], ...]:
        """(level, what it looks like) for every level of RUBRIC_LEVEL, lowest first."""
        return tuple(zip(RUBRIC_LEVEL.values, (getattr(self, name) for name in LEVEL_FIELDS), strict=True))


@dataclass(frozen=True)
class PracticeQuestion:
    key: str
    kind: str  # an interview kind: the key of a rubric with an interview label
    prompt: str
    follow_ups: tuple[str, ...]
    strong_answer: str  # what a strong answer shows; a guide for the mentor, not a script
    domain: str | None = None  # the DOMAINS key it suits best, if any
    skill: str | None = None  # the SKILLS key it exercises most, if any


@dataclass(frozen=True)
class PersonaCard:
    key: str
    title: str
    situation: str  # read by both: the scene the mentee walks into
    wants: str  # what the persona asks for out loud
    hidden_constraint: str  # mentor only until the debrief: what is really driving them (a customer's real need)
    pushback_lines: tuple[str, ...]
    reveals: str = ""  # mentor only until the debrief: what they reveal only to a good follow-up question
    would_convince: str = ""  # mentor only until the debrief: what would change their mind
    rubric: str | None = None  # the rubric that scores a role-play on this card; None: RUBRIC_FOR's


@dataclass(frozen=True)
class RubricDimension(DescribedLevels):
    key: str
    label: str
    what_4_looks_like: str
    what_1_looks_like: str
    # The SKILLS key a score is evidence of; None only for a dimension an admin stored before dimensions named one.
    skill: str | None = None
    # "" only for a dimension an admin stored before every level was described; seeding fills it in.
    what_3_looks_like: str = ""
    what_2_looks_like: str = ""


@dataclass(frozen=True)
class Rubric:
    key: str
    title: str
    dimensions: tuple[RubricDimension, ...]
    interview_label: str | None = None  # set: this rubric is a kind of mock interview, named so

    @property
    def missing_levels(self) -> list[tuple[str, int]]:
        """(dimension key, level) of every level without a description."""
        return [(d.key, level) for d in self.dimensions for level, text in d.levels if not text.strip()]

    @property
    def dimension_keys(self) -> tuple[str, ...]:
        return tuple(d.key for d in self.dimensions)


@dataclass(frozen=True)
class PracticeSet:
    questions: tuple[PracticeQuestion, ...]
    personas: tuple[PersonaCard, ...]
    rubrics: dict[str, Rubric]
    rubric_for: dict[str, str]  # SessionKind.ROLE_PLAY -> the rubric for cards that name none

    @property
    def interview_kinds(self) -> dict[str, str]:
        return interview_kinds(self.rubrics.values())


def interview_kinds(rubrics: Iterable[Rubric]) -> dict[str, str]:
    """The kinds of mock interview, {key: label}: the rubrics with an interview label, in the order given."""
    return {rubric.key: rubric.interview_label for rubric in rubrics if rubric.interview_label}


# --- loading the starter set


def load_practice_set(data: Traversable = DATA) -> PracticeSet:
    """The starter set from `data`/practice/; a ContentError names the file and entry of any mistake."""
    rubrics_file = read_toml(data, "practice/rubrics.toml")
    rubrics = {key: _rubric(entry, key) for key, entry in rubrics_file.keyed("rubric", "rubric").items()}
    by_kind = rubrics_file.table("rubric_for")
    rubric_for = {SessionKind.ROLE_PLAY.value: by_kind.one_of(SessionKind.ROLE_PLAY.value, rubrics, "rubric")}
    by_kind.done()
    rubrics_file.done()
    kinds = interview_kinds(rubrics.values())

    questions_file = read_toml(data, "practice/questions.toml")
    questions = _keyed(questions_file.tables("question", "question"), lambda entry: _question(entry, kinds), "question")
    questions_file.done()

    personas_file = read_toml(data, "practice/personas.toml")
    personas = _keyed(personas_file.tables("persona", "persona"), lambda entry: _persona(entry, rubrics), "persona")
    personas_file.done()
    return PracticeSet(questions, personas, rubrics, rubric_for)


def _keyed(entries: list[Entry], build, what: str) -> tuple:
    items = tuple(build(entry) for entry in entries)
    unique(zip(entries, (item.key for item in items), strict=True), f"{what} key")
    return items


def _question(entry: Entry, kinds: Collection[str]) -> PracticeQuestion:
    return entry.done(
        PracticeQuestion(
            key=entry.key(max_length=KEY_MAX_LENGTH["question"]),
            kind=entry.one_of("kind", kinds, "interview kind"),
            prompt=entry.text("prompt"),
            follow_ups=entry.texts("follow_ups", at_least=FOLLOW_UPS.low, at_most=FOLLOW_UPS.high),
            strong_answer=entry.text("strong_answer"),
            domain=entry.one_of("domain", DOMAINS, "domain") if entry.has("domain") else None,
            skill=entry.one_of("skill", SKILLS, "skill") if entry.has("skill") else None,
        )
    )


def _persona(entry: Entry, rubrics: Collection[str]) -> PersonaCard:
    return entry.done(
        PersonaCard(
            key=entry.key(max_length=KEY_MAX_LENGTH["persona"]),
            **entry.text_fields("title", "situation", "wants", "hidden_constraint"),
            pushback_lines=entry.texts("pushback_lines", at_least=PUSHBACK_LINES.low, at_most=PUSHBACK_LINES.high),
            **entry.text_fields("reveals", "would_convince", default=""),
            rubric=entry.one_of("rubric", rubrics, "rubric") if entry.has("rubric") else None,
        )
    )


def _rubric(entry: Entry, key: str) -> Rubric:
    label = entry.text("interview_label") if entry.has("interview_label") else None
    entry.check_key(key, "rubric key", KEY_MAX_LENGTH["kind" if label else "rubric"])
    dimension_entries = entry.tables(
        "dimension", "dimension", at_least=RUBRIC_DIMENSIONS.low, at_most=RUBRIC_DIMENSIONS.high
    )
    return entry.done(Rubric(key, entry.text("title"), _keyed(dimension_entries, _dimension, "dimension"), label))


def _dimension(entry: Entry) -> RubricDimension:
    return entry.done(
        RubricDimension(
            key=entry.key(max_length=KEY_MAX_LENGTH["dimension"]),
            label=entry.text("label"),
            skill=entry.one_of("skill", SKILLS, "skill"),
            **entry.text_fields(*LEVEL_FIELDS),
        )
    )


_STARTER = load_practice_set()
QUESTIONS: tuple[PracticeQuestion, ...] = _STARTER.questions
PERSONAS: tuple[PersonaCard, ...] = _STARTER.personas
RUBRICS: dict[str, Rubric] = _STARTER.rubrics
RUBRIC_FOR: dict[str, str] = _STARTER.rubric_for
INTERVIEW_KINDS: dict[str, str] = _STARTER.interview_kinds  # the starter kinds; admins may add more


# --- helpers


def _check_interview_kind(kind: str, kinds: Collection[str]) -> None:
    if kind not in kinds:
        raise ValueError(f"unknown interview kind {kind!r}; expected one of {sorted(kinds)}")


def questions_of(
    kind: str, bank: Iterable[PracticeQuestion] = QUESTIONS, kinds: Collection[str] = INTERVIEW_KINDS
) -> tuple[PracticeQuestion, ...]:
    """The questions of one interview kind, in bank order.

    `bank` and `kinds` default to the starter set; pass others (say, the admin-edited copy) to pick from them.
    """
    _check_interview_kind(kind, kinds)
    return tuple(q for q in bank if q.kind == kind)


def _draw_order(seed: int, key: str) -> bytes:
    # A hash of (seed, key) rather than random.shuffle: the order for a seed stays
    # the same across processes and Python versions, and adding a question to the
    # bank does not reshuffle the others.
    return hashlib.sha256(f"{seed}:{key}".encode()).digest()


def next_question(
    kind: str,
    already_asked: Collection[str],
    seed: int,
    bank: Iterable[PracticeQuestion] = QUESTIONS,
    *,
    kinds: Collection[str] = INTERVIEW_KINDS,
    domain: str | None = None,
    gaps: Sequence[str] = (),
) -> PracticeQuestion | None:
    """A question of `kind` not in `already_asked`, or None when all have been asked.

    Questions of the engineer's target `domain` come first; among those, the ones exercising the
    skill of the largest gap (`gaps`: skills from largest gap to smallest), then the next gap's,
    then the rest. Within a group the same seed and history always give the same question, so a
    pair can use a stable seed (such as its match id) to walk through the bank in its own order.
    Keys of other kinds in `already_asked` are ignored.
    """
    remaining = [q for q in questions_of(kind, bank, kinds) if q.key not in already_asked]
    if not remaining:
        return None

    def preference(question: PracticeQuestion) -> tuple[bool, int, bytes]:
        gap_rank = gaps.index(question.skill) if question.skill in gaps else len(gaps)
        return (domain is None or question.domain != domain, gap_rank, _draw_order(seed, question.key))

    return min(remaining, key=preference)


def rubric_key_for_session(
    kind: str | None, kinds: Collection[str] = INTERVIEW_KINDS, persona: PersonaCard | None = None
) -> str | None:
    """Which rubric scores a mock interview of an interview kind (its own) or a role-play (its card's, else
    RUBRIC_FOR's); None for other kinds."""
    if kind in kinds:
        return kind
    if kind == SessionKind.ROLE_PLAY:
        return (persona.rubric if persona else None) or RUBRIC_FOR[SessionKind.ROLE_PLAY]
    return None


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
