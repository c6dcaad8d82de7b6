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
import math
import random
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Literal, get_args

from pmcohort.domain.content import DATA, ContentError, Entry, read_toml, unique
from pmcohort.domain.limits import READINESS_BANDS
from pmcohort.domain.vocabulary import PATHS, PITFALLS, SKILL_PRIORITY_BY_PATH, SKILLS, TRUST_FLAGS

QuestionKind = Literal["self_rating", "evidence", "scenario", "context"]
QUESTION_KINDS: tuple[str, ...] = get_args(QuestionKind)
# Context questions (path, years) earn no credit: they set the weights, the next steps and the estimates.
SCORED_KINDS: tuple[str, ...] = ("self_rating", "evidence", "scenario")
CONTEXT_PAGE_TITLE = "About you"


@dataclass(frozen=True)
class Choice:
    value: str | int
    label: str


@dataclass(frozen=True)
class Question:
    key: str
    kind: QuestionKind
    skills: tuple[str, ...]  # the first one decides the page the question sits on; none for context questions
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
    key: str  # the skill the page is about, or "context"
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
class TimeEstimate:
    """How many months this person's move is likely to take, from the guide's range for their path."""

    low: int
    high: int
    path_low: int  # the guide's range for the path
    path_high: int


@dataclass(frozen=True)
class AssessmentResult:
    version: int
    readiness: int  # 0-100
    skill_scores: dict[str, int]  # every SKILLS key, 0-100, in SKILLS order
    top_gaps: tuple[Gap, ...]  # weakest first
    pitfalls: tuple[PitfallFlag, ...]  # in PITFALLS order
    # From version 2 on; empty or None for version 1 results.
    trust_flags: tuple[PitfallFlag, ...] = ()  # keys from TRUST_FLAGS
    tied_skills: tuple[str, ...] = ()  # three or more skills sharing the lowest gap score, in the order shown
    path: str | None = None
    years: int | None = None
    time_estimate: TimeEstimate | None = None
    path_advice: tuple[str, ...] = ()


@dataclass(frozen=True)
class NextStep:
    text: str
    # Left out when the person already earns full credit on this question:
    # no point telling someone with ten interviews behind them to run five.
    done_when_full_credit_on: str | None = None
    paths: tuple[str, ...] = ()  # offered only on these paths; empty: on every path


@dataclass(frozen=True)
class PathAdvice:
    path: str
    text: str
    min_years: int = 0
    max_years: int | None = None

    def fits(self, path: str | None, years: int | None) -> bool:
        if path != self.path:
            return False
        years = years or 0
        return years >= self.min_years and (self.max_years is None or years <= self.max_years)


@dataclass(frozen=True)
class Confirmation:
    """The second, independent signal a pitfall needs: this question earning less than `below`."""

    question: str
    below: float


_NOTHING: Mapping = MappingProxyType({})


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
    # From version 2 on (the defaults are what version 1 means by leaving them out).
    question_weights: Mapping[str, float] = field(
        default_factory=lambda: _NOTHING
    )  # per question, instead of its kind's weight
    count_depth: Mapping[str, str] = field(
        default_factory=lambda: _NOTHING
    )  # a count -> the question on what the person did in them
    count_credit_without_depth: float = 1.0  # the share of a count's credit its depth answer cannot take away
    pitfall_confirmation: Mapping[str, Confirmation] = field(
        default_factory=lambda: _NOTHING
    )  # pitfall -> its second signal
    trust_flag_answers: Mapping[str, Mapping[str, str]] = field(
        default_factory=lambda: _NOTHING
    )  # question -> choice -> trust flag
    path_question: str | None = None
    years_question: str | None = None
    path_weights: Mapping[str, Mapping[str, float]] = field(
        default_factory=lambda: _NOTHING
    )  # path -> skill -> weight in readiness
    senior_from_years: int | None = None
    senior_extra_weights: Mapping[str, float] = field(
        default_factory=lambda: _NOTHING
    )  # added to the path's weights from senior_from_years
    time_estimates: Mapping[str, tuple[int, int]] = field(
        default_factory=lambda: _NOTHING
    )  # path -> the guide's months

    def weight(self, question: Question) -> float:
        return self.question_weights.get(question.key, self.kind_weights[question.kind])


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
    trust_flag_explanations: Mapping[str, str] = field(default_factory=lambda: _NOTHING)
    path_advice: tuple[PathAdvice, ...] = ()
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


def _next_steps(
    version: AssessmentVersion,
    skill: str,
    answers: Mapping[str, object],
    path: str | None = None,
    credit: Callable[[ScoringRules, str, Mapping[str, object]], float] | None = None,
) -> tuple[str, ...]:
    rules = version.rules
    credit = credit or (lambda rules, key, answers: _credit(rules, key, answers.get(key)))
    still_useful = [
        step.text
        for step in version.next_steps[skill]
        if (not step.paths or path in step.paths)
        and (step.done_when_full_credit_on is None or credit(rules, step.done_when_full_credit_on, answers) < 1.0)
    ]
    return tuple(still_useful[: rules.max_next_steps])


def next_steps_for(version: AssessmentVersion, skill: str, answers: Mapping[str, object]) -> tuple[str, ...]:
    """The next steps for a gap in `skill`, for the path in the answers, leaving out what the answers show done."""
    return _next_steps(version, skill, answers, answers.get(version.rules.path_question), question_credit)


def question_credit(rules: ScoringRules, key: str, answers: Mapping[str, object]) -> float:
    """The credit 0..1 one question's answer earns, a count's together with its "what did you do" answer."""
    return _credit_with_depth(rules, key, answers)


def _credit_with_depth(rules: ScoringRules, key: str, answers: Mapping[str, object]) -> float:
    """A count earns its full share only with a good answer to what the person did in them."""
    credit = _credit(rules, key, answers.get(key))
    depth = rules.count_depth.get(key)
    if depth is None:
        return credit
    floor = rules.count_credit_without_depth
    return credit * (floor + (1 - floor) * _credit(rules, depth, answers.get(depth)))


def readiness_weights(rules: ScoringRules, path: object, years: object) -> dict[str, float]:
    """How much each skill weighs in readiness for this path and experience; equal without a path."""
    weights = dict(rules.path_weights.get(path, dict.fromkeys(SKILLS, 1.0)))
    if rules.senior_from_years is not None and type(years) is int and years >= rules.senior_from_years:
        for skill, extra in rules.senior_extra_weights.items():
            weights[skill] += extra
    return weights


def time_estimate(rules: ScoringRules, path: object, readiness: int) -> TimeEstimate | None:
    """The guide's range for the path, placed by readiness: the lower half when close to ready, the upper half
    with a solid base, and past the range when the basics still need building."""
    if path not in rules.time_estimates:
        return None
    low, high = rules.time_estimates[path]
    middle = round((low + high) / 2)
    close_to_ready, solid_base = (lowest for lowest, _ in READINESS_BANDS[:2])
    if readiness >= close_to_ready:
        return TimeEstimate(low, middle, low, high)
    if readiness >= solid_base:
        return TimeEstimate(middle, high, low, high)
    return TimeEstimate(high, high + (high - low), low, high)


def gaps_in_path_order(skill_scores: Mapping[str, int], threshold: int, path: object) -> list[str]:
    """The skills below `threshold`, weakest first; equal scores go to what matters more on the person's path,
    and without a path to the guide's order."""
    priority = SKILL_PRIORITY_BY_PATH.get(path, tuple(SKILLS))
    return sorted(
        (skill for skill in SKILLS if skill_scores[skill] < threshold),
        key=lambda skill: (skill_scores[skill], priority.index(skill)),
    )


def score_with_context(version: AssessmentVersion, answers: Mapping[str, object]) -> AssessmentResult:
    """Version 2: counts need their "what did you do" answer, pitfalls need two signals, and the path and
    years weigh the skills, break ties between gaps, pick the next steps and give the time estimate."""
    rules = version.rules
    path, years = answers.get(rules.path_question), answers.get(rules.years_question)
    earned = dict.fromkeys(SKILLS, 0.0)
    possible = dict.fromkeys(SKILLS, 0.0)
    for question in version.questions:
        if question.kind == "context":
            continue
        weight = rules.weight(question)
        credit = _credit_with_depth(rules, question.key, answers)
        for skill in question.skills:
            earned[skill] += weight * credit
            possible[skill] += weight
    skill_scores = {skill: round(100 * earned[skill] / possible[skill]) for skill in SKILLS}
    weights = readiness_weights(rules, path, years)
    readiness = round(sum(weights[skill] * skill_scores[skill] for skill in SKILLS) / sum(weights.values()))

    gaps = gaps_in_path_order(skill_scores, rules.gap_threshold, path)
    top_gaps = tuple(
        Gap(skill, skill_scores[skill], next_steps_for(version, skill, answers)) for skill in gaps[: rules.max_gaps]
    )
    tied_skills = next(
        (
            tied
            for value in sorted({skill_scores[s] for s in gaps})
            if len(tied := tuple(s for s in gaps if skill_scores[s] == value)) >= 3
        ),
        (),
    )

    revealed = set()
    for key, pitfall_by_answer in rules.pitfall_answers.items():
        pitfall = pitfall_by_answer.get(answers.get(key))
        confirmation = rules.pitfall_confirmation.get(pitfall)
        if pitfall is not None and (
            confirmation is None
            or _credit(rules, confirmation.question, answers.get(confirmation.question)) < confirmation.below
        ):
            revealed.add(pitfall)
    trust_flags = {
        flag
        for key, flag_by_answer in rules.trust_flag_answers.items()
        if (flag := flag_by_answer.get(answers.get(key))) is not None
    }

    return AssessmentResult(
        version=version.number,
        readiness=readiness,
        skill_scores=skill_scores,
        top_gaps=top_gaps,
        pitfalls=tuple(PitfallFlag(key, version.pitfall_explanations[key]) for key in PITFALLS if key in revealed),
        trust_flags=tuple(
            PitfallFlag(key, version.trust_flag_explanations[key]) for key in TRUST_FLAGS if key in trust_flags
        ),
        tied_skills=tied_skills,
        path=path,
        years=years,
        time_estimate=time_estimate(rules, path, readiness),
        path_advice=tuple(advice.text for advice in version.path_advice if advice.fits(path, years)),
    )


# --- released versions


@dataclass(frozen=True)
class Release:
    fingerprint: str  # scoring_fingerprint of the version's file when it was released
    scorer: Scorer


# A version file loads only once it is released here. Never change an entry: results stored
# under a version must re-score identically. A new version gets a new file and a new entry.
RELEASED: dict[int, Release] = {
    1: Release("f7ea047eaf5edeb0", score_by_rules),
    2: Release("c2a46e95cdd8eb47", score_with_context),
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
    # What later versions added; left out when unused, so version 1's fingerprint stays what it was.
    added = {
        "question_weights": rules.question_weights,
        "count_depth": rules.count_depth,
        "count_credit_without_depth": rules.count_credit_without_depth != 1.0 and rules.count_credit_without_depth,
        "pitfall_confirmation": {key: [c.question, c.below] for key, c in rules.pitfall_confirmation.items()},
        "trust_flag_answers": rules.trust_flag_answers,
        "context": [key for key in (rules.path_question, rules.years_question) if key],
        "path_weights": rules.path_weights,
        "senior": rules.senior_from_years is not None and [rules.senior_from_years, rules.senior_extra_weights],
        "time_estimates": rules.time_estimates,
        "next_step_paths": any(step.paths for steps in version.next_steps.values() for step in steps)
        and {skill: [list(step.paths) for step in steps] for skill, steps in version.next_steps.items()},
        "path_advice": [[advice.path, advice.min_years, advice.max_years] for advice in version.path_advice],
    }
    scored.update({key: value for key, value in added.items() if value})
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
    kind_weights = {kind: weights.number(kind, 0.1, 10.0) for kind in SCORED_KINDS}
    weights.done()
    rating_scale = [
        _choice(entry, int, pitfalls_allowed=False) for entry in file.tables("rating_scale", "rating", at_least=2)
    ]

    question_entries = file.tables("question", "question")
    parsed = [_question(entry, rating_scale) for entry in question_entries]
    unique(zip(question_entries, (each.question.key for each in parsed), strict=True), "question key")
    questions = tuple(each.question for each in parsed)
    by_key = {question.key: question for question in questions}
    for skill in SKILLS:
        if not any(question.skills and question.skills[0] == skill for question in questions):
            raise file.error(f"no question has {skill!r} as its first skill, so its page would be empty")
    scored = [each for each in parsed if each.question.kind != "context"]

    rules = ScoringRules(
        kind_weights=_read_only(kind_weights),
        choice_credit=_read_only({each.question.key: _read_only(each.credits) for each in scored if each.credits}),
        full_credit_count=_read_only(
            {each.question.key: each.full_credit_at for each in scored if each.full_credit_at is not None}
        ),
        pitfall_answers=_read_only({each.question.key: _read_only(each.pitfalls) for each in scored if each.pitfalls}),
        gap_threshold=rules_entry.integer("gap_threshold", 0, 100),
        max_gaps=rules_entry.integer("max_gaps", 1, len(SKILLS)),
        max_next_steps=rules_entry.integer("max_next_steps", 1),
        **_added_rules(rules_entry, by_key),
        trust_flag_answers=_read_only(
            {each.question.key: _read_only(each.trust_flags) for each in scored if each.trust_flags}
        ),
        time_estimates=_read_only(_time_estimates(file)),
    )
    rules_entry.done()

    explanations = file.keyed("pitfall", "pitfall")
    _exactly(file, explanations, PITFALLS, "pitfall")
    confirmations = {}
    for key, entry in explanations.items():
        if entry.has("confirmed_by"):
            question = by_key.get(entry.one_of("confirmed_by", by_key, "question"))
            if question.kind != "evidence":
                raise entry.error("a pitfall is confirmed by an evidence or behaviour question, not by another click")
            confirmations[key] = Confirmation(question.key, entry.number("confirmed_below", 0.01, 1.0))
    pitfall_explanations = {key: entry.done(entry.text("explanation")) for key, entry in explanations.items()}
    rules = replace(rules, pitfall_confirmation=_read_only(confirmations))

    flag_entries = file.keyed("trust_flag", "trust flag") if file.has("trust_flag") else {}
    used_flags = {flag for by_answer in rules.trust_flag_answers.values() for flag in by_answer.values()}
    _exactly(file, flag_entries, {key: TRUST_FLAGS[key] for key in used_flags}, "trust flag")
    trust_flag_explanations = {key: entry.done(entry.text("explanation")) for key, entry in flag_entries.items()}

    steps_by_skill = file.table("next_step", "")
    _exactly(file, steps_by_skill.names(), SKILLS, "skill with next steps")
    question_keys = {question.key for question in questions}
    next_steps = {
        skill: tuple(_next_step(entry, question_keys) for entry in steps_by_skill.tables(skill, f"{skill} next step"))
        for skill in SKILLS
    }
    path_advice = tuple(_path_advice(entry) for entry in file.tables("path_advice", "path advice", at_least=0))
    file.done()

    context = tuple(q for q in questions if q.kind == "context")
    pages = ((Page("context", CONTEXT_PAGE_TITLE, context),) if context else ()) + tuple(
        Page(skill, title, tuple(q for q in questions if q.skills and q.skills[0] == skill))
        for skill, title in SKILLS.items()
    )
    return AssessmentVersion(
        number,
        questions,
        pages,
        rules,
        _read_only(pitfall_explanations),
        _read_only(next_steps),
        _read_only(trust_flag_explanations),
        path_advice,
    )


def _added_rules(rules: Entry, questions: Mapping[str, Question]) -> dict[str, object]:
    """The rules version 2 added, each optional: left out, a rule means what version 1 did."""
    added: dict[str, object] = {}
    if rules.has("question_weights"):
        table = rules.table("question_weights")
        if unknown := [key for key in table.names() if key not in questions]:
            raise table.error(f"unknown question {unknown[0]!r}")
        added["question_weights"] = table.done(
            _read_only({key: table.number(key, 0.05, 10.0) for key in table.names()})
        )
    if rules.has("count_depth"):
        table = rules.table("count_depth")
        depth = {}
        for key in table.names():
            count, what = questions.get(key), questions.get(table.one_of(key, questions, "question"))
            if count is None or not count.is_numeric or count.kind != "evidence" or what.is_numeric:
                raise table.error(f"{key!r}: a count's depth is a choice question about what the person did in them")
            depth[key] = what.key
        added["count_depth"] = _read_only(depth)
        added["count_credit_without_depth"] = rules.number("count_credit_without_depth", 0.0, 1.0)
        table.done()
    for name, kind_wanted in (("path_question", "choice"), ("years_question", "number")):
        if rules.has(name):
            question = questions.get(rules.one_of(name, questions, "question"))
            if question.kind != "context" or question.is_numeric != (kind_wanted == "number"):
                raise rules.error(f"{name} must name a context question answered by a {kind_wanted}")
            if name == "path_question" and {c.value for c in question.choices} != set(PATHS):
                raise rules.error(f"{name}'s choices must be the paths {sorted(PATHS)}")
            added[name] = question.key
    if rules.has("path_weights"):
        by_path = rules.keyed("path_weights", "path weights")
        _exactly(rules, by_path, PATHS, "path")
        added["path_weights"] = _read_only(
            {path: _skill_numbers(entry, exactly=True) for path, entry in by_path.items()}
        )
    if rules.has("senior_from_years"):
        added["senior_from_years"] = rules.integer("senior_from_years", 1)
        added["senior_extra_weights"] = _skill_numbers(rules.table("senior_extra_weights"), exactly=False)
    return added


def _skill_numbers(entry: Entry, *, exactly: bool) -> Mapping[str, float]:
    if exactly:
        _exactly(entry, entry.names(), SKILLS, "skill")
    elif unknown := [key for key in entry.names() if key not in SKILLS]:
        raise entry.error(f"unknown skill {unknown[0]!r}")
    return entry.done(_read_only({skill: entry.number(skill, 0.0, 10.0) for skill in SKILLS if entry.has(skill)}))


def _time_estimates(file: Entry) -> dict[str, tuple[int, int]]:
    if not file.has("time_estimate"):
        return {}
    by_path = file.keyed("time_estimate", "time estimate")
    _exactly(file, by_path, PATHS, "path")
    estimates = {}
    for path, entry in by_path.items():
        low = entry.integer("low_months", 1)
        estimates[path] = entry.done((low, entry.integer("high_months", low + 1)))
    return estimates


def _path_advice(entry: Entry) -> PathAdvice:
    path = entry.one_of("path", PATHS, "path")
    min_years = entry.integer("min_years", 0) if entry.has("min_years") else 0
    max_years = entry.integer("max_years", min_years) if entry.has("max_years") else None
    return entry.done(PathAdvice(path, entry.text("text"), min_years, max_years))


def _read_only(mapping: dict) -> Mapping:
    # A released version is immutable in memory too: nothing at run time can change what it scores.
    return MappingProxyType(mapping)


@dataclass(frozen=True)
class _ParsedQuestion:
    question: Question
    credits: dict[str | int, float]  # per choice value
    full_credit_at: int | None  # numeric questions
    pitfalls: dict[str, str]  # choice value -> pitfall it reveals
    trust_flags: dict[str, str]  # choice value -> trust flag it raises


def _question(entry: Entry, rating_scale: list[tuple[Choice, float, str | None, str | None]]) -> _ParsedQuestion:
    """A question, with its choices' credits, its full-credit count and the pitfalls its choices reveal."""
    key = entry.key()
    kind = entry.one_of("kind", QUESTION_KINDS, "question kind")
    context = kind == "context"
    skills = entry.texts("skills", at_least=0 if context else 1)
    if context and skills:
        raise entry.error("a context question earns no credit, so it belongs to no skill")
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
        question = Question(**common, choices=tuple(choice for choice, _, _, _ in choices))
    elif entry.has("choice"):
        choices = [
            _choice(choice, str, pitfalls_allowed=kind == "scenario", credited=not context)
            for choice in entry.tables("choice", "choice", at_least=2)
        ]
        question = Question(**common, choices=tuple(choice for choice, _, _, _ in choices))
    elif kind == "scenario":
        raise entry.error("a scenario question needs choices ([[question.choice]])")
    else:
        choices = []
        minimum = entry.integer("minimum", 0)
        maximum = entry.integer("maximum", minimum + 1)
        if not context:
            full_credit_at = entry.integer("full_credit_at", 1, maximum)
        question = Question(**common, minimum=minimum, maximum=maximum)
    entry.done()
    credits = {choice.value: credit for choice, credit, _, _ in choices}
    if len(credits) != len(choices):
        raise entry.error("two choices share a value")
    pitfalls = {choice.value: pitfall for choice, _, pitfall, _ in choices if pitfall is not None}
    trust_flags = {choice.value: flag for choice, _, _, flag in choices if flag is not None}
    return _ParsedQuestion(question, credits, full_credit_at, pitfalls, trust_flags)


def _choice(
    entry: Entry, value_type: type, *, pitfalls_allowed: bool, credited: bool = True
) -> tuple[Choice, float, str | None, str | None]:
    value = entry.key("value") if value_type is str else entry.integer("value", 0)
    choice = Choice(value, entry.text("label"))
    credit = entry.number("credit", 0.0, 1.0) if credited else 0.0
    pitfall = flag = None
    if entry.has("pitfall") or entry.has("trust_flag"):
        if not pitfalls_allowed:
            raise entry.error("only a scenario question's choices reveal pitfalls or raise trust flags")
        if entry.has("pitfall"):
            pitfall = entry.one_of("pitfall", PITFALLS, "pitfall")
        if entry.has("trust_flag"):
            flag = entry.one_of("trust_flag", TRUST_FLAGS, "trust flag")
    return entry.done((choice, credit, pitfall, flag))


def _next_step(entry: Entry, question_keys: set[str]) -> NextStep:
    condition = None
    if entry.has("done_when_full_credit_on"):
        condition = entry.one_of("done_when_full_credit_on", question_keys, "question")
    paths = entry.texts("paths")
    if unknown := [path for path in paths if path not in PATHS]:
        raise entry.error(f"unknown path {unknown[0]!r}; expected one of {sorted(PATHS)}")
    return entry.done(NextStep(entry.text("text"), condition, paths))


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


def coerce_answers(form: Mapping[str, str], questions: Iterable[Question] = QUESTIONS) -> dict[str, object]:
    """Turn raw form strings into typed answers.

    Blank fields and fields that are not questions are dropped. A value that
    cannot be read is kept as the raw string, so `validate` reports it at its
    field rather than it silently disappearing.
    """
    answers: dict[str, object] = {}
    for question in questions:
        raw = form.get(question.key)
        raw = raw.strip() if isinstance(raw, str) else ""
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


def readable_answers(answers: Mapping[str, object], version: int = SCORING_VERSION) -> dict[str, object]:
    """The answers `version` can read: answers to questions it does not ask, or that it would refuse, are left out
    (another version's answers, or answers carried in from the quick check)."""
    return {
        question.key: value
        for question in VERSIONS[version].questions
        if (value := answers.get(question.key)) is not None and _is_valid(question, value)
    }


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


# --- showing questions and results

SECONDS_PER_QUESTION = 15  # reading a short question and choosing, as timed on a phone


def minutes_to_answer(questions: Iterable[Question]) -> int:
    """An honest "about N minutes" for a set of questions."""
    return max(1, math.ceil(len(tuple(questions)) * SECONDS_PER_QUESTION / 60))


def choices_in_display_order(question: Question, attempt_seed: str) -> tuple[Choice, ...]:
    """A scenario's options in an order shuffled per attempt, so the keyed one is not always in the same place;
    the same seed gives the same order, so a page shown again looks the same. Other questions keep their order."""
    if question.kind != "scenario":
        return question.choices
    order = list(question.choices)
    random.Random(hashlib.sha256(f"{attempt_seed}:{question.key}".encode()).digest()).shuffle(order)
    return tuple(order)


def answer_text(question: Question, value: object) -> str:
    """An answer as the person read it: a choice's label, a number, or a dash for no answer."""
    if value is None:
        return "–"
    return next((choice.label for choice in question.choices if choice.value == value), str(value))


@dataclass(frozen=True)
class AnswerEffect:
    question: Question
    before: object | None
    after: object | None
    moved: dict[str, int]  # skill key or "readiness" -> points this answer moved it by (non-zero only)


@dataclass(frozen=True)
class ChangeSinceLast:
    before: AssessmentResult  # the last attempt, as it was scored
    before_rescored: AssessmentResult  # its answers under this attempt's version: the change the new scoring made
    after: AssessmentResult
    effects: tuple[AnswerEffect, ...]  # the answers that moved a score, largest move first
    unmoving: int  # answers that changed without moving any score


def explain_change(
    before_answers: Mapping[str, object], before_version: int, after_answers: Mapping[str, object], after_version: int
) -> ChangeSinceLast:
    """What changed between two attempts and why: each changed answer's effect is the difference it makes to the
    new result when put back to what it was (the older answers read under the newer version)."""
    version = VERSIONS[after_version]
    carried = readable_answers(before_answers, after_version)
    after = version.score(after_answers)
    effects, unmoving = [], 0
    for question in version.questions:
        before_value, after_value = carried.get(question.key), after_answers.get(question.key)
        if before_value == after_value:
            continue
        put_back = {key: value for key, value in after_answers.items() if key != question.key}
        if before_value is not None:
            put_back[question.key] = before_value
        without = version.score(put_back)
        moved = {
            skill: after.skill_scores[skill] - without.skill_scores[skill]
            for skill in SKILLS
            if after.skill_scores[skill] != without.skill_scores[skill]
        }
        if after.readiness != without.readiness:
            moved["readiness"] = after.readiness - without.readiness
        if moved:
            effects.append(AnswerEffect(question, before_value, after_value, moved))
        else:
            unmoving += 1
    effects.sort(key=lambda effect: -max(abs(points) for points in effect.moved.values()))
    return ChangeSinceLast(
        score(before_answers, before_version), version.score(carried), after, tuple(effects), unmoving
    )
