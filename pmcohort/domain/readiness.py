"""The readiness assessment: versioned question sets, answer checking and scoring.

Each scoring version is one data file, `pmcohort/data/assessment/v<N>.toml`: the questions
it scored, the rules that score them and the advice that comes with a result. The newest
version is the one people take. A released version is pinned by a fingerprint of what
scoring reads from it, so results stored under it re-score identically forever; a change
of meaning goes into a new version file.

Answers are plain values keyed by question key: an int for self-ratings and
numeric evidence, the choice value (a str) for the other multiple-choice
questions. The raw answers are what gets stored; a result can always be
recomputed from them with any released version.

A question's key names its meaning. If a question's meaning or its skills
change, it gets a new key, so older scoring versions keep reading old answers
the way they were meant.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Literal, get_args

from pmcohort.domain.content import DATA, ContentError, Entry, read_toml, unique
from pmcohort.domain.vocabulary import PITFALLS, SKILLS

QuestionKind = Literal["self_rating", "evidence", "scenario"]
QUESTION_KINDS: tuple[str, ...] = get_args(QuestionKind)


@dataclass(frozen=True)
class Choice:
    value: str | int
    label: str


@dataclass(frozen=True)
class Question:
    key: str
    kind: QuestionKind
    skills: tuple[str, ...]  # the first one decides the page the question sits on
    prompt: str
    choices: tuple[Choice, ...] = ()  # empty for numeric questions
    minimum: int | None = None  # numeric questions only, inclusive
    maximum: int | None = None
    required: bool = True
    help: str = ""

    @property
    def is_numeric(self) -> bool:
        return not self.choices


@dataclass(frozen=True)
class Page:
    key: str  # the skill the page is about
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class PitfallFlag:
    key: str  # a PITFALLS key
    explanation: str


@dataclass(frozen=True)
class Gap:
    skill: str  # a SKILLS key
    score: int
    next_steps: tuple[str, ...]


@dataclass(frozen=True)
class AssessmentResult:
    version: int
    readiness: int  # 0-100
    skill_scores: dict[str, int]  # every SKILLS key, 0-100, in SKILLS order
    top_gaps: tuple[Gap, ...]  # weakest first
    pitfalls: tuple[PitfallFlag, ...]  # in PITFALLS order


@dataclass(frozen=True)
class NextStep:
    text: str
    # Left out when the person already earns full credit on this question:
    # no point telling someone with ten interviews behind them to run five.
    done_when_full_credit_on: str | None = None


@dataclass(frozen=True)
class ScoringRules:
    """Everything one scoring version decides, so the rules can be read as data."""

    # How much one question counts, by kind.
    kind_weights: Mapping[QuestionKind, float]
    # Choice questions: credit 0..1 per choice value. A value not listed earns nothing.
    choice_credit: Mapping[str, Mapping[str | int, float]]
    # Numeric evidence: the count that earns full credit; fewer earn a proportional share.
    full_credit_count: Mapping[str, int]
    # Scenario answers that reveal a pitfall.
    pitfall_answers: Mapping[str, Mapping[str, str]]
    gap_threshold: int  # skills scoring below this can be top gaps
    max_gaps: int
    max_next_steps: int  # per gap


Scorer = Callable[["AssessmentVersion", Mapping[str, object]], AssessmentResult]


@dataclass(frozen=True)
class AssessmentVersion:
    """One scoring version: the questions it scored, its rules and its advice."""

    number: int
    questions: tuple[Question, ...]
    pages: tuple[Page, ...]
    rules: ScoringRules
    pitfall_explanations: Mapping[str, str]
    next_steps: Mapping[str, tuple[NextStep, ...]]  # per SKILLS key, in the order they are offered
    scorer: Scorer | None = field(default=None, compare=False, repr=False)  # set once the version is released

    def score(self, answers: Mapping[str, object]) -> AssessmentResult:
        invalid = {
            key: message for key, message in validate(answers, self.questions).items() if answers.get(key) is not None
        }
        if invalid:
            raise ValueError(f"Answers that cannot be scored: {invalid}")
        return self.scorer(self, answers)


# --- scoring


def _credit(rules: ScoringRules, key: str, answer: object) -> float:
    if answer is None:
        return 0.0  # unanswered earns nothing, so leaving things out never helps
    if key in rules.full_credit_count:
        target = rules.full_credit_count[key]
        return min(answer, target) / target
    return rules.choice_credit.get(key, {}).get(answer, 0.0)


def score_by_rules(version: AssessmentVersion, answers: Mapping[str, object]) -> AssessmentResult:
    """Weighted credit per skill, the weakest skills below the threshold as gaps, pitfalls from scenario answers."""
    rules = version.rules
    # Every question counts in its skill's denominator whether answered or not,
    # so a skill score moves only with the answers to that skill's questions.
    earned = dict.fromkeys(SKILLS, 0.0)
    possible = dict.fromkeys(SKILLS, 0.0)
    for question in version.questions:
        weight = rules.kind_weights[question.kind]
        credit = _credit(rules, question.key, answers.get(question.key))
        for skill in question.skills:
            earned[skill] += weight * credit
            possible[skill] += weight
    skill_scores = {skill: round(100 * earned[skill] / possible[skill]) for skill in SKILLS}

    # Ties go to the guide's order, which lists discovery (most engineers' largest gap) first.
    skill_order = list(SKILLS)
    weakest_first = sorted(SKILLS, key=lambda skill: (skill_scores[skill], skill_order.index(skill)))
    top_gaps = tuple(
        Gap(skill, skill_scores[skill], _next_steps(version, skill, answers))
        for skill in weakest_first[: rules.max_gaps]
        if skill_scores[skill] < rules.gap_threshold
    )

    revealed = {
        pitfall
        for key, pitfall_by_answer in rules.pitfall_answers.items()
        if (pitfall := pitfall_by_answer.get(answers.get(key))) is not None
    }
    pitfalls = tuple(PitfallFlag(key, version.pitfall_explanations[key]) for key in PITFALLS if key in revealed)

    return AssessmentResult(
        version=version.number,
        readiness=round(sum(skill_scores.values()) / len(skill_scores)),
        skill_scores=skill_scores,
        top_gaps=top_gaps,
        pitfalls=pitfalls,
    )


def _next_steps(version: AssessmentVersion, skill: str, answers: Mapping[str, object]) -> tuple[str, ...]:
    rules = version.rules
    still_useful = [
        step.text
        for step in version.next_steps[skill]
        if step.done_when_full_credit_on is None
        or _credit(rules, step.done_when_full_credit_on, answers.get(step.done_when_full_credit_on)) < 1.0
    ]
    return tuple(still_useful[: rules.max_next_steps])


# --- released versions


@dataclass(frozen=True)
class Release:
    fingerprint: str  # scoring_fingerprint of the version's file when it was released
    scorer: Scorer


# A version file loads only once it is released here. Never change an entry: results stored
# under a version must re-score identically. A new version gets a new file and a new entry.
RELEASED: dict[int, Release] = {
    1: Release("f7ea047eaf5edeb0", score_by_rules),
}


def scoring_fingerprint(version: AssessmentVersion) -> str:
    """A hash of everything scoring reads from a version, and of none of its wording."""
    rules = version.rules
    scored = {
        "questions": [
            [q.key, q.kind, q.skills, q.required, q.minimum, q.maximum, [c.value for c in q.choices]]
            for q in version.questions
        ],
        "kind_weights": rules.kind_weights,
        "choice_credit": {key: list(credits.items()) for key, credits in rules.choice_credit.items()},
        "full_credit_count": rules.full_credit_count,
        "pitfall_answers": rules.pitfall_answers,
        "limits": [rules.gap_threshold, rules.max_gaps, rules.max_next_steps],
        "next_steps": {
            skill: [step.done_when_full_credit_on for step in steps] for skill, steps in version.next_steps.items()
        },
    }
    return hashlib.sha256(json.dumps(scored, sort_keys=True, default=dict).encode()).hexdigest()[:16]


_VERSION_FILE = re.compile(r"v([1-9][0-9]*)\.toml\Z")


def load_versions(data: Traversable = DATA, released: Mapping[int, Release] = RELEASED) -> dict[int, AssessmentVersion]:
    """Every version file in `data`/assessment/, checked against its release; oldest first."""
    folder = data / "assessment"
    if not folder.is_dir():
        raise ContentError("assessment/: folder not found")
    versions: dict[int, AssessmentVersion] = {}
    for file in sorted(folder.iterdir(), key=lambda file: file.name):
        if not file.name.endswith(".toml"):
            continue
        match = _VERSION_FILE.match(file.name)
        if match is None:
            raise ContentError(f"assessment/{file.name}: not a version file; name them v1.toml, v2.toml, ...")
        version = load_version(data, int(match[1]))
        release = released.get(version.number)
        fingerprint = scoring_fingerprint(version)
        if release is None:
            raise ContentError(
                f"assessment/{file.name}: version {version.number} is not released; once its questions and rules "
                f"are final, add {version.number}: Release({fingerprint!r}, ...) to RELEASED in pmcohort/domain/assessment.py"
            )
        if fingerprint != release.fingerprint:
            raise ContentError(
                f"assessment/{file.name}: version {version.number} is released, and what it scores has changed "
                f"(fingerprint {fingerprint}, released {release.fingerprint}). Results stored as version "
                f"{version.number} must re-score identically: undo the change and make it in a new version file."
            )
        versions[version.number] = replace(version, scorer=release.scorer)
    if not versions:
        raise ContentError("assessment/: no version file")
    return dict(sorted(versions.items()))


def load_version(data: Traversable, number: int) -> AssessmentVersion:
    """Version `number` from `data`/assessment/v<number>.toml, checked, not yet tied to a release."""
    file = read_toml(data, f"assessment/v{number}.toml")
    if (declared := file.integer("version", 1)) != number:
        raise file.error(f"says version {declared}, but its name says version {number}")
    rules_entry = file.table("rules")
    weights = rules_entry.table("kind_weights")
    kind_weights = {kind: weights.number(kind, 0.1, 10.0) for kind in QUESTION_KINDS}
    weights.done()
    rating_scale = [
        _choice(entry, int, pitfalls_allowed=False) for entry in file.tables("rating_scale", "rating", at_least=2)
    ]

    question_entries = file.tables("question", "question")
    parsed = [_question(entry, rating_scale) for entry in question_entries]
    unique(zip(question_entries, (each.question.key for each in parsed), strict=True), "question key")
    questions = tuple(each.question for each in parsed)
    for skill in SKILLS:
        if not any(question.skills[0] == skill for question in questions):
            raise file.error(f"no question has {skill!r} as its first skill, so its page would be empty")

    rules = ScoringRules(
        kind_weights=_read_only(kind_weights),
        choice_credit=_read_only({each.question.key: _read_only(each.credits) for each in parsed if each.credits}),
        full_credit_count=_read_only(
            {each.question.key: each.full_credit_at for each in parsed if each.full_credit_at is not None}
        ),
        pitfall_answers=_read_only({each.question.key: _read_only(each.pitfalls) for each in parsed if each.pitfalls}),
        gap_threshold=rules_entry.integer("gap_threshold", 0, 100),
        max_gaps=rules_entry.integer("max_gaps", 1, len(SKILLS)),
        max_next_steps=rules_entry.integer("max_next_steps", 1),
    )
    rules_entry.done()

    explanations = file.keyed("pitfall", "pitfall")
    _exactly(file, explanations, PITFALLS, "pitfall")
    pitfall_explanations = {key: entry.done(entry.text("explanation")) for key, entry in explanations.items()}

    steps_by_skill = file.table("next_step", "")
    _exactly(file, steps_by_skill.names(), SKILLS, "skill with next steps")
    question_keys = {question.key for question in questions}
    next_steps = {
        skill: tuple(_next_step(entry, question_keys) for entry in steps_by_skill.tables(skill, f"{skill} next step"))
        for skill in SKILLS
    }
    file.done()

    pages = tuple(
        Page(skill, title, tuple(q for q in questions if q.skills[0] == skill)) for skill, title in SKILLS.items()
    )
    return AssessmentVersion(number, questions, pages, rules, _read_only(pitfall_explanations), _read_only(next_steps))


def _read_only(mapping: dict) -> Mapping:
    # A released version is immutable in memory too: nothing at run time can change what it scores.
    return MappingProxyType(mapping)


@dataclass(frozen=True)
class _ParsedQuestion:
    question: Question
    credits: dict[str | int, float]  # per choice value
    full_credit_at: int | None  # numeric questions
    pitfalls: dict[str, str]  # choice value -> pitfall it reveals


def _question(entry: Entry, rating_scale: list[tuple[Choice, float, str | None]]) -> _ParsedQuestion:
    """A question, with its choices' credits, its full-credit count and the pitfalls its choices reveal."""
    key = entry.key()
    kind = entry.one_of("kind", QUESTION_KINDS, "question kind")
    skills = entry.texts("skills", at_least=1)
    for skill in skills:
        if skill not in SKILLS:
            raise entry.error(f"unknown skill {skill!r}; expected one of {sorted(SKILLS)}")
    if len(set(skills)) != len(skills):
        raise entry.error("a skill is listed twice")
    common = {
        "key": key,
        "kind": kind,
        "skills": skills,
        "prompt": entry.text("prompt"),
        "required": entry.flag("required", True),
        "help": entry.text("help", default=""),
    }
    full_credit_at = None
    if kind == "self_rating":
        if entry.has("choice"):
            raise entry.error("self-ratings are answered on the rating scale; give no choices")
        choices = rating_scale
        question = Question(**common, choices=tuple(choice for choice, _, _ in choices))
    elif entry.has("choice"):
        choices = [
            _choice(choice, str, pitfalls_allowed=kind == "scenario")
            for choice in entry.tables("choice", "choice", at_least=2)
        ]
        question = Question(**common, choices=tuple(choice for choice, _, _ in choices))
    elif kind == "scenario":
        raise entry.error("a scenario question needs choices ([[question.choice]])")
    else:
        choices = []
        minimum = entry.integer("minimum", 0)
        maximum = entry.integer("maximum", minimum + 1)
        full_credit_at = entry.integer("full_credit_at", 1, maximum)
        question = Question(**common, minimum=minimum, maximum=maximum)
    entry.done()
    credits = {choice.value: credit for choice, credit, _ in choices}
    if len(credits) != len(choices):
        raise entry.error("two choices share a value")
    pitfalls = {choice.value: pitfall for choice, _, pitfall in choices if pitfall is not None}
    return _ParsedQuestion(question, credits, full_credit_at, pitfalls)


def _choice(entry: Entry, value_type: type, *, pitfalls_allowed: bool) -> tuple[Choice, float, str | None]:
    value = entry.key("value") if value_type is str else entry.integer("value", 0)
    choice = Choice(value, entry.text("label"))
    credit = entry.number("credit", 0.0, 1.0)
    pitfall = None
    if entry.has("pitfall"):
        if not pitfalls_allowed:
            raise entry.error("only a scenario question's choices reveal pitfalls")
        pitfall = entry.one_of("pitfall", PITFALLS, "pitfall")
    return entry.done((choice, credit, pitfall))


def _next_step(entry: Entry, question_keys: set[str]) -> NextStep:
    condition = None
    if entry.has("done_when_full_credit_on"):
        condition = entry.one_of("done_when_full_credit_on", question_keys, "question")
    return entry.done(NextStep(entry.text("text"), condition))


def _exactly(entry: Entry, given: Iterable[str], expected: Mapping[str, str], what: str) -> None:
    given = list(given)
    if unknown := [key for key in given if key not in expected]:
        raise entry.error(f"unknown {what} {unknown[0]!r}; expected one of {sorted(expected)}")
    if missing := [key for key in expected if key not in given]:
        raise entry.error(f"missing {what} {missing[0]!r}")


VERSIONS: dict[int, AssessmentVersion] = load_versions()
SCORING_VERSION = max(VERSIONS)
CURRENT = VERSIONS[SCORING_VERSION]  # the version people take now
QUESTIONS: tuple[Question, ...] = CURRENT.questions
PAGES: tuple[Page, ...] = CURRENT.pages


# --- checking answers


def coerce_answers(form: Mapping[str, str]) -> dict[str, object]:
    """Turn raw form strings into typed answers.

    Blank fields and fields that are not questions are dropped. A value that
    cannot be read is kept as the raw string, so `validate` reports it at its
    field rather than it silently disappearing.
    """
    answers: dict[str, object] = {}
    for question in QUESTIONS:
        raw = (form.get(question.key) or "").strip()
        if not raw:
            continue
        if question.is_numeric:
            try:
                answers[question.key] = int(raw)
            except ValueError:
                answers[question.key] = raw
        else:
            answers[question.key] = next((c.value for c in question.choices if str(c.value) == raw), raw)
    return answers


def validate(answers: Mapping[str, object], questions: Iterable[Question] = QUESTIONS) -> dict[str, str]:
    """Error message per question key; empty when the answers can be scored.

    Pass one page's questions to check a single step of the form.
    """
    errors: dict[str, str] = {}
    for question in questions:
        value = answers.get(question.key)
        if value is None:
            if question.required:
                errors[question.key] = _how_to_answer(question)
        elif not _is_valid(question, value):
            errors[question.key] = _how_to_answer(question)
    return errors


def _is_valid(question: Question, value: object) -> bool:
    if question.is_numeric:
        # bool is an int subclass; True is not an answer to "how many".
        return type(value) is int and question.minimum <= value <= question.maximum
    # Compare types too, so the string "3" or True never passes for the rating 3 or 1.
    return any(type(value) is type(c.value) and value == c.value for c in question.choices)


def _how_to_answer(question: Question) -> str:
    if question.is_numeric:
        return f"Enter a whole number between {question.minimum} and {question.maximum}."
    return "Choose one of the options."


# --- scoring


def score(answers: Mapping[str, object], version: int = SCORING_VERSION) -> AssessmentResult:
    """Score validated answers with the given scoring version and the questions it pinned.

    Unanswered questions earn no credit, so answers stored before a question
    existed can still be scored. Answers `validate` would reject raise ValueError.
    """
    if version not in VERSIONS:
        raise ValueError(f"Unknown scoring version {version!r}; known versions: {sorted(VERSIONS)}")
    return VERSIONS[version].score(answers)
