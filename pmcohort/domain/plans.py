"""The personal 12-month plan: the guide's phases, each path's milestone templates, and how a plan
is generated from a gap profile, a path and a start date.

A plan runs 52 weeks from its start date; every milestone is due at the end of one of those weeks.
Phase one (months 1-3) closes the visible gaps, so its milestones come in the order of the
engineer's gaps, largest first; later phases keep the order of the path's data file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from importlib.resources.abc import Traversable

from pmcohort.domain.content import DATA, Entry, read_toml, unique
from pmcohort.domain.limits import GAP_THRESHOLD
from pmcohort.domain.practice import INTERVIEW_KINDS
from pmcohort.domain.statuses import LabelledStrEnum, SessionKind
from pmcohort.domain.vocabulary import PATHS, SKILL_PRIORITY_BY_PATH, SKILLS

PLAN_WEEKS = 52
# A plan may start up to a year ahead, or up to twelve months back (someone writing down a move
# they began already).
LATEST_START = timedelta(days=365)
EARLIEST_START = timedelta(days=365)
MAX_EFFORT_WEEKS = 26  # the longest phase
MAX_TITLE = 160
MAX_NOTE = 2000
MAX_LINK = 500


class EvidenceKind(LabelledStrEnum):
    """What the product records that can tick a milestone by itself."""

    SESSION_HELD = "session_held", "ticks itself when the session is held"
    DOCUMENT_APPROVED = "document_approved", "tick it by hand with a link to the approved document"
    ASSESSMENT_RETAKEN = "assessment_retaken", "ticks itself when you retake the assessment"


EVIDENCE_LABELS = EvidenceKind.labels()

# The guide's document kinds a milestone may ask for (the written-work area keeps their prompts and rubrics).
DOCUMENT_KINDS = {
    "problem_statement": "Problem statement",
    "insight_synthesis": "Insight synthesis",
    "prioritization_rationale": "Prioritization rationale",
    "product_strategy": "Product strategy",
    "executive_summary": "Executive summary",
    "release_notes": "Release notes",
    "product_spec": "Product spec",
    "stakeholder_update": "Stakeholder update",
}


class NoteAction(StrEnum):
    ADDED = "added"
    MOVED = "moved"
    TICKED = "ticked"
    UNTICKED = "unticked"
    EVIDENCE = "evidence"  # ticked (or counted) by the product's own evidence


class PhaseKey(StrEnum):
    CLOSE_GAPS = "close_gaps"
    MAKE_THE_MOVE = "make_the_move"
    LAND_THE_ROLE = "land_the_role"
    YEAR_TWO = "year_two"


@dataclass(frozen=True)
class Phase:
    key: PhaseKey
    label: str
    first_week: int
    last_week: int | None  # None: year two and after, beyond the plan's weeks


# The guide's timeline: months 1-3, 3-6, 6-12, year 2+.
PHASES = (
    Phase(PhaseKey.CLOSE_GAPS, "Months 1–3", 1, 13),
    Phase(PhaseKey.MAKE_THE_MOVE, "Months 3–6", 14, 26),
    Phase(PhaseKey.LAND_THE_ROLE, "Months 6–12", 27, PLAN_WEEKS),
    Phase(PhaseKey.YEAR_TWO, "Year 2+", PLAN_WEEKS + 1, None),
)
PLANNED_PHASES = PHASES[:3]  # the ones milestones fall in


def phase_of_week(week: int) -> Phase:
    return next(phase for phase in PHASES if phase.last_week is None or week <= phase.last_week)


@dataclass(frozen=True)
class Evidence:
    kind: EvidenceKind
    detail: str | None = None  # a session kind ("shadowing", "interview/estimation") or a document kind
    count: int = 1

    def accepts(self, kind: str, detail: str | None) -> bool:
        """Whether evidence of `kind` with `detail` (a session as "interview/estimation") counts towards this."""
        if kind != self.kind:
            return False
        if self.detail is None:
            return True
        return detail is not None and (detail == self.detail or detail.startswith(self.detail + "/"))


def session_detail(kind: str, interview_kind: str | None) -> str:
    """A held session as evidence detail: its kind, and for a mock interview its interview kind."""
    return f"{kind}/{interview_kind}" if interview_kind else kind


@dataclass(frozen=True)
class MilestoneTemplate:
    key: str
    phase: PhaseKey
    title: str
    done_when: str
    skill: str | None
    effort_weeks: int
    evidence: Evidence | None
    per_season: bool = False


@dataclass(frozen=True)
class PathPlan:
    path: str
    phase_aims: Mapping[str, str]
    year_two: tuple[str, ...]
    milestones: tuple[MilestoneTemplate, ...]


@dataclass(frozen=True)
class Season:
    """An APM program's application window, as an admin entered it."""

    program: str
    opens_on: date
    closes_on: date


@dataclass(frozen=True)
class PlannedMilestone:
    key: str
    title: str
    done_when: str
    skill: str | None
    due_week: int
    evidence: Evidence | None
    closes_a_gap: bool = False

    @property
    def phase(self) -> Phase:
        return phase_of_week(self.due_week)


# --- reading the templates


def _evidence(entry: Entry) -> Evidence | None:
    if not entry.has("evidence"):
        return None
    kind = EvidenceKind(entry.one_of("evidence", set(EvidenceKind), "evidence kind"))
    count = entry.integer("count", 1, 20) if entry.has("count") else 1
    if kind == EvidenceKind.SESSION_HELD:
        session_kind = entry.one_of("session_kind", set(SessionKind), "session kind")
        interview_kind = (
            entry.one_of("interview_kind", set(INTERVIEW_KINDS), "interview kind")
            if entry.has("interview_kind")
            else None
        )
        return Evidence(kind, session_detail(session_kind, interview_kind), count)
    if kind == EvidenceKind.DOCUMENT_APPROVED:
        return Evidence(kind, entry.one_of("document_kind", set(DOCUMENT_KINDS), "document kind"), count)
    return Evidence(kind, None, count)


def _template(entry: Entry) -> MilestoneTemplate:
    phase = PhaseKey(entry.one_of("phase", {p.key for p in PLANNED_PHASES}, "phase"))
    template = MilestoneTemplate(
        key=entry.key(max_length=64),
        phase=phase,
        title=entry.text("title"),
        done_when=entry.text("done_when"),
        skill=entry.one_of("skill", set(SKILLS), "skill") if entry.has("skill") else None,
        effort_weeks=entry.integer("effort_weeks", 1, MAX_EFFORT_WEEKS),
        evidence=_evidence(entry),
        per_season=entry.flag("per_season", False),
    )
    if len(template.title) > MAX_TITLE:
        raise entry.error(f"'title' is longer than {MAX_TITLE} characters")
    return entry.done(template)


def read_path_plan(path: str, data: Traversable = DATA) -> PathPlan:
    """One path's templates from `plans/<path>.toml` under `data` (the app's `pmcohort/data`), checked."""
    root = read_toml(data, f"plans/{path}.toml")
    phases = root.table("phases")
    aims = {phase.key: phases.text(phase.key) for phase in PHASES}
    phases.done()
    year_two = root.table("year_two")
    aims_after = year_two.texts("aims", at_least=1)
    year_two.done()
    entries = root.tables("milestone", "milestone", at_least=3)
    milestones = tuple(_template(entry) for entry in entries)
    unique(((entry, template.key) for entry, template in zip(entries, milestones, strict=True)), "milestone key")
    for phase in PLANNED_PHASES:
        if not any(t.phase == phase.key and not t.per_season for t in milestones):
            raise root.error(f"phase {phase.key!r} has no milestone")
    if sum(t.per_season for t in milestones) > 1:
        raise root.error("only one milestone may be repeated per APM season")
    return root.done(PathPlan(path, aims, aims_after, milestones))


@cache
def path_plans() -> dict[str, PathPlan]:
    """Every path's templates, read once; a mistake in a file stops the app at start."""
    return {path: read_path_plan(path) for path in PATHS}


# --- generating a plan


def skill_order(path: str, skill_scores: Mapping[str, int] | None) -> tuple[str, ...]:
    """The skills from the largest gap to the smallest, then the skills that are no gap.

    Equal scores are broken by what matters more on the path; without an assessment the path's
    priorities alone decide.
    """
    priority = SKILL_PRIORITY_BY_PATH[path]
    scores = skill_scores or {}
    return tuple(
        sorted(
            priority,
            key=lambda skill: (
                scores.get(skill, 0) >= GAP_THRESHOLD if scores else False,
                scores.get(skill, 0),
                priority.index(skill),
            ),
        )
    )


def gaps_of(skill_scores: Mapping[str, int] | None) -> frozenset[str]:
    return frozenset(skill for skill, score in (skill_scores or {}).items() if score < GAP_THRESHOLD)


def week_ends(start: date, week: int) -> date:
    """The last day of week `week` of a plan starting on `start` (week 1 ends on day 7)."""
    return start + timedelta(days=7 * week - 1)


def week_of(start: date, day: date) -> int:
    """The week of the plan `day` falls in (0 or less: before the plan starts)."""
    return (day - start).days // 7 + 1


def _spread(templates: Sequence[MilestoneTemplate], first_week: int, last_week: int) -> list[int]:
    """Due weeks for `templates` in order: each after the effort of those before it, squeezed into the phase."""
    total = sum(t.effort_weeks for t in templates)
    scale = min(1.0, (last_week - first_week + 1) / total) if total else 1.0
    weeks, done = [], 0
    for template in templates:
        done += template.effort_weeks
        weeks.append(min(last_week, first_week - 1 + max(1, math.floor(done * scale))))
    return weeks


def _planned(template: MilestoneTemplate, due_week: int, **changes) -> PlannedMilestone:
    """The template's milestone due in `due_week`; `changes` set other fields, or replace what it takes from the
    template (a season's own title, say)."""
    taken = {name: getattr(template, name) for name in ("key", "title", "done_when", "skill", "evidence")}
    return PlannedMilestone(**(taken | changes), due_week=due_week)


def _season_milestones(template: MilestoneTemplate, start: date, seasons: Sequence[Season]) -> list[PlannedMilestone]:
    """One milestone per season that closes inside the plan, due the week before it closes."""
    planned = []
    for season in sorted(seasons, key=lambda s: (s.closes_on, s.program)):
        week = week_of(start, season.closes_on - timedelta(days=7))
        if week_of(start, season.closes_on) < 1 or week > PLAN_WEEKS:
            continue
        values = {"program": season.program, "closes": season.closes_on.strftime("%d %b %Y")}
        planned.append(
            _planned(
                template,
                max(1, week),
                title=template.title.format(**values)[:MAX_TITLE],
                done_when=template.done_when.format(**values),
            )
        )
    return planned


def generate(
    path_plan: PathPlan, start: date, skill_scores: Mapping[str, int] | None, seasons: Sequence[Season] = ()
) -> list[PlannedMilestone]:
    """The plan's milestones, earliest due first."""
    order = skill_order(path_plan.path, skill_scores)
    gaps = gaps_of(skill_scores)
    planned: list[PlannedMilestone] = []
    for phase in PLANNED_PHASES:
        templates = [t for t in path_plan.milestones if t.phase == phase.key and not t.per_season]
        if phase.key == PhaseKey.CLOSE_GAPS:
            # Stable: within one skill the file's order stays.
            templates.sort(key=lambda t: order.index(t.skill) if t.skill else len(order))
        for template, week in zip(templates, _spread(templates, phase.first_week, phase.last_week), strict=True):
            closes_a_gap = phase.key == PhaseKey.CLOSE_GAPS and template.skill in gaps
            planned.append(_planned(template, week, closes_a_gap=closes_a_gap))
    for template in path_plan.milestones:
        if template.per_season:
            planned += _season_milestones(template, start, seasons)
    return sorted(planned, key=lambda m: m.due_week)  # stable: same-week milestones keep their order


# --- checking what people type


def start_date_problem(start: date, today: date) -> str | None:
    if start > today + LATEST_START:
        return "Start the plan within a year from today."
    if start < today - EARLIEST_START:
        return "A plan can start at most 12 months ago. Pick a later start date."
    return None


def due_week_problem(start: date, due: date) -> str | None:
    """A milestone's due date must fall inside the plan's 12 months."""
    if due < start or week_of(start, due) > PLAN_WEEKS:
        first, last = start.strftime("%d %b %Y"), week_ends(start, PLAN_WEEKS).strftime("%d %b %Y")
        return f"Pick a date inside the plan: from {first} to {last}."
    return None


# --- a milestone's state on a given day


class MilestoneState(StrEnum):
    DONE = "done"
    OVERDUE = "overdue"
    UPCOMING = "upcoming"


STATE_LABELS = {MilestoneState.DONE: "Done", MilestoneState.OVERDUE: "Overdue", MilestoneState.UPCOMING: "To do"}


def state_of(start: date, due_week: int, done: bool, today: date) -> MilestoneState:
    if done:
        return MilestoneState.DONE
    return MilestoneState.OVERDUE if week_ends(start, due_week) < today else MilestoneState.UPCOMING


# --- the internal-transfer evidence pack: what the engineer's depth brings to a PM manager

_DOMAIN_DEPTH = {
    "infrastructure": "In infrastructure products I can weigh reliability, scale and cost with the platform engineers directly.",
    "developer_tools": "In developer tools I am the user: I know developers' workflows and frustrations first hand.",
    "ml_platforms": "On ML platforms I know what models and data pipelines can and cannot do, and what they cost to run.",
    "fintech": "In fintech I know that correctness, audit trails and data handling are product questions, not afterthoughts.",
    "other": "I already know how our product is built, where it is fragile, and what changing it really costs.",
}


def depth_statements(years_experience: int | None, target_domain: str | None) -> list[str]:
    """Plain sentences, in the engineer's voice, on what their technical depth brings to a PM manager's team."""
    years = f"{years_experience} years" if years_experience else "My years"
    return [
        f"{years} of engineering mean your team ships faster, with fewer engineering misalignments: "
        "I can talk system design trade-offs, feasibility and complexity with the engineers, and question an "
        "estimate with the context to do it.",
        "I write specs engineers can build from: what they need to know, which assumptions must be explicit, "
        "and where vagueness would cause delays.",
        "I think in systems: how user flows, data pipelines, notifications and pricing rules fit together, and "
        "what breaks downstream when one changes.",
        _DOMAIN_DEPTH.get(target_domain or "other", _DOMAIN_DEPTH["other"]),
        "I know the product, the customers and this team already: months of ramp-up you do not pay for.",
    ]
