"""The readiness assessment: the question bank, answer checking and versioned scoring.

Answers are plain values keyed by question key: an int for self-ratings and
numeric evidence, the choice value (a str) for the other multiple-choice
questions. The raw answers are what gets stored; a result can always be
recomputed from them with any registered scoring version.

A question's key names its meaning. If a question's meaning or its skills
change, it gets a new key, so older scoring versions keep reading old answers
the way they were meant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Literal

from pmcohort.domain.limits import GAP_THRESHOLD
from pmcohort.domain.vocabulary import PITFALLS, SKILLS

QuestionKind = Literal["self_rating", "evidence", "scenario"]


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


# One scale for every self-rating, so ratings compare across skills.
_RATING_SCALE = (
    Choice(1, "New to me"),
    Choice(2, "I know the idea but haven't done it"),
    Choice(3, "Done it with help"),
    Choice(4, "Done it on my own"),
    Choice(5, "Could coach someone else"),
)


def _rating(skill: str, prompt: str) -> Question:
    return Question(f"{skill}_self_rating", "self_rating", (skill,), prompt, _RATING_SCALE)


def _count(key: str, skill: str, prompt: str, maximum: int, help: str = "") -> Question:
    return Question(key, "evidence", (skill,), prompt, minimum=0, maximum=maximum, help=help)


def _choices(*pairs: tuple[str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(value, label) for value, label in pairs)


# Evidence choices are listed from least to most evidence: the scoring tests
# rely on that order to check that more evidence never lowers a score.
# Scenario choices are mixed so the best answer is not always in the same place.
QUESTIONS: tuple[Question, ...] = (
    # --- discovery
    _rating(
        "discovery",
        "How well can you find out which user problem is worth solving, "
        "before anyone designs a solution?",
    ),
    _count(
        "discovery_interviews_run",
        "discovery",
        "In the last six months, how many real user interviews did you run yourself?",
        maximum=50,
        help="One-to-one conversations with users or customers. Surveys and support tickets don't count.",
    ),
    Question(
        "discovery_furthest",
        "evidence",
        ("discovery",),
        "What is the furthest you have taken discovery work?",
        _choices(
            ("none", "I haven't taken part in discovery yet"),
            ("joined", "I've sat in on discovery sessions someone else ran"),
            ("synthesized", "I've turned interview notes into insight statements"),
            ("problem_statement", "I've written a problem statement a team agreed to work on"),
        ),
    ),
    Question(
        "discovery_scenario_feature_request",
        "scenario",
        ("discovery",),
        "A customer tells you: \u201cWe need a CSV export of the dashboard.\u201d What do you do first?",
        _choices(
            ("build", "Put CSV export in the next sprint: it's small and they asked for it"),
            ("ask", "Ask what they do with the export, how often, and what happens without it"),
            ("design", "Sketch a general export API so any format is covered later"),
            ("survey", "Survey all customers on whether they want CSV export"),
        ),
    ),
    # --- prioritization
    _rating(
        "prioritization",
        "How well can you decide what the team works on next, and defend it to "
        "executives, designers and engineers?",
    ),
    Question(
        "prioritization_rationale",
        "evidence",
        ("prioritization",),
        "Have you written down why a backlog should be ordered the way it is?",
        _choices(
            ("none", "No"),
            ("technical", "Yes, argued mainly on technical grounds (effort, risk, tech debt)"),
            ("business", "Yes, argued in business terms (customer value, revenue, cost of delay)"),
            ("reviewed", "Yes, in business terms, and a PM critiqued it"),
        ),
    ),
    _count(
        "prioritization_frameworks_applied",
        "prioritization",
        "In the last six months, how many times did you score a real backlog with a "
        "framework such as RICE, ICE or value vs. effort?",
        maximum=20,
        help="Reading about a framework doesn't count; using it on real work does.",
    ),
    Question(
        "prioritization_scenario_framework",
        "scenario",
        ("prioritization",),
        "Your RICE scores put a new feature first, but you know a large customer's "
        "renewal depends on the second item. What do you do?",
        _choices(
            ("follow", "Follow the scores: the framework is there to keep opinion out"),
            ("argue", "Put the renewal item first and write down, in revenue and churn terms, why the scores miss it"),
            ("easiest", "Ask engineering which item is easier and start with that"),
            ("swap_quietly", "Swap the order quietly to avoid a debate"),
        ),
    ),
    # --- influence
    _rating("influence", "How well can you get people who don't report to you to agree on a direction?"),
    _count(
        "influence_pm_shadowed",
        "influence",
        "In the last six months, how many PM meetings did you shadow "
        "(planning, stakeholder reviews, customer calls)?",
        maximum=50,
    ),
    _count(
        "influence_decisions_aligned",
        "influence",
        "In the last six months, how many times did you bring people outside your "
        "reporting line (another team, design, sales, legal) to agree on a decision?",
        maximum=20,
    ),
    Question(
        "influence_scenario_engineering_approach",
        "scenario",
        ("influence",),
        "The engineering lead proposes an approach you would have designed differently. "
        "It meets every requirement. What do you do?",
        _choices(
            ("redesign", "Write up your own design and ask the team to switch to it"),
            ("trust", "Check it delivers what users need, share any risks you see, and leave the how to them"),
            ("review_closely", "Review the code closely so it ends up the way you would build it"),
        ),
    ),
    Question(
        "influence_scenario_week",
        "scenario",
        ("influence",),
        "You spent the week getting sales and design to agree on a plan and revising "
        "the strategy doc. Nothing shipped. How was the week?",
        _choices(
            ("pick_up_tickets", "Fine, but next week I'll pick up some tickets to feel useful"),
            ("productive", "Productive, if the team now agrees on the problem and the bet"),
            ("wasted", "Unproductive: nothing shipped"),
        ),
    ),
    # --- writing
    _rating(
        "writing",
        "How well do you write for readers without your technical background "
        "(executives, sales, legal)?",
    ),
    _count(
        "writing_docs_for_non_engineers",
        "writing",
        "In the last six months, how many documents did you write for non-engineers "
        "(one-pagers, executive summaries, release notes, strategy docs)?",
        maximum=50,
        help="Design docs and code reviews don't count here.",
    ),
    Question(
        "writing_feedback",
        "evidence",
        ("writing",),
        "Who has given you feedback on that kind of writing?",
        _choices(
            ("nobody", "Nobody yet"),
            ("engineers", "Only engineers"),
            ("non_engineer_once", "Someone outside engineering, once"),
            ("non_engineer_regularly", "Someone outside engineering, regularly"),
        ),
        required=False,
        help="Skip this if you haven't written any yet.",
    ),
    Question(
        "writing_scenario_vp_sales",
        "scenario",
        # Getting a VP who doesn't report to you to back something is influence too.
        ("writing", "influence"),
        "You need the VP of Sales to back a feature. What do you send before the meeting?",
        _choices(
            ("one_pager", "A one-page summary: the customer problem, the bet, the expected effect on deals"),
            ("nothing", "Nothing: the prototype demo will speak for itself"),
            ("design_doc", "The design doc: it's thorough and answers every question"),
        ),
    ),
    # --- interviewing
    _rating(
        "interviewing",
        "How ready are you for a PM interview loop: product sense, estimation and behavioral questions?",
    ),
    _count(
        "interviewing_mock_interviews",
        "interviewing",
        "How many mock PM interviews have you done?",
        maximum=30,
        help="Practice interviews with a PM or a peer, of any kind: product sense, estimation, behavioral.",
    ),
    Question(
        "interviewing_portfolio",
        "evidence",
        ("interviewing",),
        "Do you have PM work to show: problem statements, prioritization rationales, one-pagers, case studies?",
        _choices(
            ("none", "No"),
            ("planned", "Not yet, but I know what I'd put in it"),
            ("one_piece", "One finished piece"),
            ("several", "Several finished pieces"),
        ),
    ),
    Question(
        "interviewing_scenario_prep",
        "scenario",
        ("interviewing",),
        "Three weeks before a PM interview loop, where does most of your preparation time go?",
        _choices(
            ("reading", "Reading PM books and frameworks"),
            ("system_design", "Sharpening system design: technical depth is what sets me apart"),
            (
                "mocks",
                "Mock product sense, estimation and behavioral interviews, "
                "and rehearsing stories about discovery and influence",
            ),
            ("side_project", "Polishing a side project to demo"),
        ),
    ),
)

QUESTIONS_BY_KEY: dict[str, Question] = {question.key: question for question in QUESTIONS}

PAGES: tuple[Page, ...] = tuple(
    Page(skill, title, tuple(q for q in QUESTIONS if q.skills[0] == skill)) for skill, title in SKILLS.items()
)


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


# --- results


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


PITFALL_EXPLANATIONS: dict[str, str] = {
    "solutioning_early": (
        "You reached for a solution before understanding the problem. Stay with the "
        "problem longer: ask at least three follow-up questions before you think about what to build."
    ),
    "still_the_engineer": (
        "You stepped into how it should be built. As a PM your job is to be clear about what "
        "must be true and why; trust the engineers with the how."
    ),
    "undervaluing_soft_deliverables": (
        "You counted only shipped things as real output. Agreement reached, strategy sharpened "
        "and customer understanding deepened are the ground the rest of the work stands on."
    ),
    "skipping_soft_skills": (
        "You leaned on technical strength where the gap is communication, stakeholders and "
        "discovery. Technical credibility won't cover those for long."
    ),
}


@dataclass(frozen=True)
class NextStep:
    text: str
    # Left out when the person already earns full credit on this question:
    # no point telling someone with ten interviews behind them to run five.
    done_when_full_credit_on: str | None = None


# Each skill has at least two steps without a condition, so every gap gets 2-4 steps.
NEXT_STEPS: dict[str, tuple[NextStep, ...]] = {
    "discovery": (
        NextStep(
            "Run five real user interviews (conversations, not surveys) and ask at least three "
            "follow-up questions before you let yourself think about solutions.",
            "discovery_interviews_run",
        ),
        NextStep(
            "Rewrite your interview notes as insight statements about the user's problem, "
            "not as a list of requested features."
        ),
        NextStep(
            "For each insight, set what users said they wanted beside what their behaviour "
            "showed they needed; where the two differ, trust the behaviour."
        ),
        NextStep(
            "Write a one-paragraph problem statement and test it on an engineer and a designer: "
            "would they agree it is the right problem to solve?",
            "discovery_furthest",
        ),
    ),
    "prioritization": (
        NextStep(
            "Take your team's current backlog and write a one-page rationale for its top three "
            "items in business terms (customer value, revenue, risk, opportunity cost), not technical ones.",
            "prioritization_rationale",
        ),
        NextStep(
            "Score the same backlog with RICE or ICE, find where the ranking feels wrong, and "
            "write down why: that judgment is the skill the framework can't supply."
        ),
        NextStep("Ask a PM you trust to challenge your rationale the way an executive would."),
    ),
    "influence": (
        NextStep(
            "Shadow a PM through a planning meeting and a stakeholder review, and note how "
            "they got agreement from people who don't report to them.",
            "influence_pm_shadowed",
        ),
        NextStep(
            "Before your next cross-team decision, talk to each stakeholder on their own and hear "
            "their concerns first, so the meeting confirms agreement instead of hosting an argument."
        ),
        NextStep(
            "In your next design discussion, say what must be true and why, and leave how to build it to the engineers."
        ),
        NextStep(
            "In your weekly notes, record agreements reached and decisions clarified as output, next to what shipped."
        ),
    ),
    "writing": (
        NextStep(
            "Write a one-page summary of a feature you know well for an executive without your "
            "technical context: the problem, the bet, the expected impact, the open risks."
        ),
        NextStep(
            "Write customer-facing release notes for your team's last release and ask someone in "
            "sales or support whether they could explain it to a customer from them.",
            "writing_docs_for_non_engineers",
        ),
        NextStep(
            "Get feedback from someone who isn't an engineer on something you write every two weeks.",
            "writing_feedback",
        ),
        NextStep(
            "Cut implementation detail and caveats from your drafts; keep what the reader needs to decide or act."
        ),
    ),
    "interviewing": (
        NextStep(
            "Do mock PM interviews with a working PM, at least one each of product sense, estimation and behavioral.",
            "interviewing_mock_interviews",
        ),
        NextStep(
            "Prepare behavioral stories from your engineering work that show discovery, prioritization "
            "and influence, told as outcomes for users rather than as implementations."
        ),
        NextStep(
            "Practise estimation out loud: state your assumptions, break the problem down, sanity-check the number."
        ),
        NextStep(
            "Collect a small portfolio (a problem statement, a prioritization rationale, a one-pager) "
            "to bring to interviews.",
            "interviewing_portfolio",
        ),
    ),
}

MAX_NEXT_STEPS = 4


# --- scoring


@dataclass(frozen=True)
class ScoringRules:
    """Everything one scoring version decides, so the rules can be read as data."""

    version: int
    # How much one question counts, by kind. Evidence of things done counts most;
    # self-ratings least, because people moving into a new field rate themselves unreliably.
    kind_weights: Mapping[QuestionKind, float]
    # Choice questions: credit 0..1 per choice value. A value not listed earns nothing.
    choice_credit: Mapping[str, Mapping[str | int, float]]
    # Numeric evidence: the count that earns full credit; fewer earn a proportional share.
    full_credit_count: Mapping[str, int]
    # Scenario answers that reveal a pitfall.
    pitfall_answers: Mapping[str, Mapping[str, str]]
    gap_threshold: int  # skills scoring below this can be top gaps
    max_gaps: int


_RATING_CREDIT = {1: 0.0, 2: 0.25, 3: 0.5, 4: 0.75, 5: 1.0}

RULES_V1 = ScoringRules(
    version=1,
    kind_weights={"self_rating": 1.0, "evidence": 2.0, "scenario": 1.5},
    choice_credit={
        **{f"{skill}_self_rating": _RATING_CREDIT for skill in SKILLS},
        "discovery_furthest": {"none": 0.0, "joined": 0.35, "synthesized": 0.7, "problem_statement": 1.0},
        "discovery_scenario_feature_request": {"build": 0.0, "design": 0.0, "survey": 0.3, "ask": 1.0},
        "prioritization_rationale": {"none": 0.0, "technical": 0.3, "business": 0.75, "reviewed": 1.0},
        "prioritization_scenario_framework": {"follow": 0.2, "easiest": 0.0, "swap_quietly": 0.4, "argue": 1.0},
        "influence_scenario_engineering_approach": {"redesign": 0.0, "review_closely": 0.0, "trust": 1.0},
        "influence_scenario_week": {"wasted": 0.0, "pick_up_tickets": 0.3, "productive": 1.0},
        "writing_feedback": {"nobody": 0.0, "engineers": 0.25, "non_engineer_once": 0.6, "non_engineer_regularly": 1.0},
        "writing_scenario_vp_sales": {"nothing": 0.0, "design_doc": 0.2, "one_pager": 1.0},
        "interviewing_portfolio": {"none": 0.0, "planned": 0.2, "one_piece": 0.6, "several": 1.0},
        "interviewing_scenario_prep": {"system_design": 0.0, "side_project": 0.2, "reading": 0.4, "mocks": 1.0},
    },
    full_credit_count={
        "discovery_interviews_run": 5,
        "prioritization_frameworks_applied": 3,
        "influence_pm_shadowed": 4,
        "influence_decisions_aligned": 3,
        "writing_docs_for_non_engineers": 4,
        "interviewing_mock_interviews": 4,
    },
    pitfall_answers={
        "discovery_scenario_feature_request": {"build": "solutioning_early", "design": "solutioning_early"},
        "influence_scenario_engineering_approach": {
            "redesign": "still_the_engineer",
            "review_closely": "still_the_engineer",
        },
        "influence_scenario_week": {
            "wasted": "undervaluing_soft_deliverables",
            "pick_up_tickets": "undervaluing_soft_deliverables",
        },
        "writing_scenario_vp_sales": {"nothing": "undervaluing_soft_deliverables"},
        "interviewing_scenario_prep": {
            "system_design": "skipping_soft_skills",
            "side_project": "skipping_soft_skills",
        },
    },
    gap_threshold=GAP_THRESHOLD,
    max_gaps=3,
)


def _credit(rules: ScoringRules, key: str, answer: object) -> float:
    if answer is None:
        return 0.0  # unanswered earns nothing, so leaving things out never helps
    if key in rules.full_credit_count:
        target = rules.full_credit_count[key]
        return min(answer, target) / target
    return rules.choice_credit.get(key, {}).get(answer, 0.0)


def _score_by_rules(rules: ScoringRules, answers: Mapping[str, object]) -> AssessmentResult:
    # Every question counts in its skill's denominator whether answered or not,
    # so a skill score moves only with the answers to that skill's questions.
    earned = dict.fromkeys(SKILLS, 0.0)
    possible = dict.fromkeys(SKILLS, 0.0)
    for question in QUESTIONS:
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
        Gap(skill, skill_scores[skill], _next_steps(rules, skill, answers))
        for skill in weakest_first[: rules.max_gaps]
        if skill_scores[skill] < rules.gap_threshold
    )

    revealed = {
        pitfall
        for key, pitfall_by_answer in rules.pitfall_answers.items()
        if (pitfall := pitfall_by_answer.get(answers.get(key))) is not None
    }
    pitfalls = tuple(PitfallFlag(key, PITFALL_EXPLANATIONS[key]) for key in PITFALLS if key in revealed)

    return AssessmentResult(
        version=rules.version,
        readiness=round(sum(skill_scores.values()) / len(skill_scores)),
        skill_scores=skill_scores,
        top_gaps=top_gaps,
        pitfalls=pitfalls,
    )


def _next_steps(rules: ScoringRules, skill: str, answers: Mapping[str, object]) -> tuple[str, ...]:
    still_useful = [
        step.text
        for step in NEXT_STEPS[skill]
        if step.done_when_full_credit_on is None
        or _credit(rules, step.done_when_full_credit_on, answers.get(step.done_when_full_credit_on)) < 1.0
    ]
    return tuple(still_useful[:MAX_NEXT_STEPS])


SCORING_VERSION = 1

# A new version gets a new entry here; old entries stay, so stored answers can be re-scored with any of them.
SCORERS: dict[int, Callable[[Mapping[str, object]], AssessmentResult]] = {
    1: partial(_score_by_rules, RULES_V1),
}


def score(answers: Mapping[str, object], version: int = SCORING_VERSION) -> AssessmentResult:
    """Score validated answers with the given scoring version.

    Unanswered questions earn no credit, so answers stored before a question
    existed can still be scored. Answers `validate` would reject raise ValueError.
    """
    if version not in SCORERS:
        raise ValueError(f"Unknown scoring version {version!r}; known versions: {sorted(SCORERS)}")
    invalid = {key: message for key, message in validate(answers).items() if answers.get(key) is not None}
    if invalid:
        raise ValueError(f"Answers that cannot be scored: {invalid}")
    return SCORERS[version](answers)
