"""The two-minute check: a few of the assessment's questions, in shorter words, and an estimate from them.

The questions are an assessment version's own (`pmcohort/data/quick_check.toml` names them), so an
answer scores with that version's credits, and carries into the full assessment unchanged when the
visitor signs up. An estimate is one answer per skill, so it is labelled an estimate everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib.resources.abc import Traversable

from pmcohort.domain import readiness
from pmcohort.domain.content import DATA, read_toml, unique
from pmcohort.domain.limits import GAP_THRESHOLD
from pmcohort.domain.vocabulary import SKILLS

MAX_QUESTIONS = 8
GAPS_SHOWN = 2  # the two largest gaps, one next step each


@dataclass(frozen=True)
class QuickCheck:
    version: int  # the assessment version whose questions these are
    questions: tuple[readiness.Question, ...]

    @property
    def word_count(self) -> int:
        """Words a visitor reads to answer: every prompt, hint and option."""
        texts = [text for q in self.questions for text in (q.prompt, q.help, *(c.label for c in q.choices))]
        return sum(len(re.findall(r"[\w’'()-]+", text)) for text in texts)


@dataclass(frozen=True)
class QuickGap:
    skill: str
    score: int
    next_step: str


@dataclass(frozen=True)
class Estimate:
    readiness: int
    skill_scores: dict[str, int]
    gaps: tuple[QuickGap, ...]  # the largest first, at most GAPS_SHOWN
    path: str
    years: int
    path_advice: tuple[str, ...]
    time_estimate: readiness.TimeEstimate | None


def load_quick_check(data: Traversable = DATA) -> QuickCheck:
    """The check in `data`/quick_check.toml, each question checked against its assessment version."""
    file = read_toml(data, "quick_check.toml")
    number = file.integer("version", 1)
    if number not in readiness.VERSIONS:
        raise file.error(f"assessment version {number} is not released")
    version = readiness.VERSIONS[number]
    by_key = {question.key: question for question in version.questions}
    entries = file.tables("question", "question", at_most=MAX_QUESTIONS)
    questions = []
    for entry in entries:
        full = by_key.get(entry.one_of("key", by_key, f"question of assessment version {number}"))
        short = replace(full, prompt=entry.text("prompt"), help=entry.text("help", default=""))
        if full.is_numeric:
            questions.append(entry.done(short))
            continue
        labels = {}
        for choice in entry.tables("choice", "choice", at_least=2):
            value = choice.text("value")
            labels[value] = choice.done(choice.text("label"))
        known = [str(c.value) for c in full.choices]
        if sorted(labels) != sorted(known):
            raise entry.error(f"offer exactly the assessment's choices {known}, so every answer carries over")
        questions.append(
            entry.done(
                replace(short, choices=tuple(readiness.Choice(c.value, labels[str(c.value)]) for c in full.choices))
            )
        )
    unique(zip(entries, (q.key for q in questions), strict=True), "question key")
    rules = version.rules
    for key in (rules.path_question, rules.years_question):
        if key not in {q.key for q in questions}:
            raise file.error(f"the check needs {key!r}: path and years set the weights and the advice")
    for skill in SKILLS:
        if not any(skill in q.skills for q in questions):
            raise file.error(f"no question informs {skill!r}, so its estimate would be empty")
    file.done()
    return QuickCheck(number, tuple(questions))


def estimate(check: QuickCheck, answers: Mapping[str, object]) -> Estimate:
    """Estimated readiness from valid answers: each skill's score is what its questions earn in the assessment,
    readiness is weighted for the path and years, and the largest gaps come with one next step each."""
    version = readiness.VERSIONS[check.version]
    rules = version.rules
    skill_scores = {}
    for skill in SKILLS:
        credits = [readiness.question_credit(rules, q.key, answers) for q in check.questions if skill in q.skills]
        skill_scores[skill] = round(100 * sum(credits) / len(credits))
    path, years = answers[rules.path_question], answers[rules.years_question]
    weights = readiness.readiness_weights(rules, path, years)
    readiness_estimate = round(sum(weights[s] * skill_scores[s] for s in SKILLS) / sum(weights.values()))
    gaps = tuple(
        QuickGap(skill, skill_scores[skill], readiness.next_steps_for(version, skill, answers)[0])
        for skill in readiness.gaps_in_path_order(skill_scores, GAP_THRESHOLD, path)[:GAPS_SHOWN]
    )
    return Estimate(
        readiness=readiness_estimate,
        skill_scores=skill_scores,
        gaps=gaps,
        path=path,
        years=years,
        path_advice=tuple(advice.text for advice in version.path_advice if advice.fits(path, years)),
        time_estimate=readiness.time_estimate(rules, path, readiness_estimate),
    )


QUICK_CHECK = load_quick_check()
