"""The cohort dashboard's rules on plain data: readiness bands, gaps against mentor coverage, and
who is at risk, each reason in words a lead can act on."""

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from pmcohort.domain import vocabulary
from pmcohort.domain.limits import (
    DEBRIEF_DUE_WITHIN,
    GAP_THRESHOLD,
    NO_SESSION_RISK_AFTER,
    PROPOSAL_UNANSWERED_RISK_AFTER,
    REVIEW_DUE_WITHIN,
    STRONG_MENTOR_LEVEL,
)
from pmcohort.domain.plans import PLANNED_PHASES, phase_of_week, state_of
from pmcohort.domain.reliability import ANSWER, SLIP_COST, Reliability, reliabilities
from pmcohort.domain.statuses import MemberRole
from pmcohort.domain.wording import counted

# Readiness bands on the dashboard, lowest first: (label, lowest score, highest score).
READINESS_BANDS = (("0–24", 0, 24), ("25–49", 25, 49), ("50–74", 50, 74), ("75–100", 75, 100))


@dataclass(frozen=True)
class MemberFacts:
    """One cohort member, as the dashboard's people query returns them."""

    user_id: int
    name: str
    role: MemberRole
    # Engineers only
    skill_scores: Mapping[str, int] = field(default_factory=dict)
    readiness_now: int | None = None
    readiness_at_enrollment: int | None = None
    has_mentor: bool = False  # an active match
    has_proposal: bool = False  # a proposed match waiting for answers
    proposal_waiting_since: datetime | None = None  # the oldest proposal this person has not answered
    overdue_milestones: int = 0  # plan milestones past their due week
    # Mentors only
    strengths: Mapping[str, int] = field(default_factory=dict)  # skill -> level 1-5
    unanswered_proposals: int = 0  # proposals waiting for their answer past the risk delay
    overdue_reviews: int = 0  # submissions waiting on their review past its due time
    reliability: Reliability | None = None  # with a record in the last 90 days
    # Both
    enrolled_at: datetime | None = None
    last_session_at: datetime | None = None  # the last session held (not cancelled, already ended)


@dataclass(frozen=True)
class Band:
    label: str
    at_enrollment: int
    now: int


def readiness_distribution(members: Iterable[MemberFacts]) -> list[Band]:
    """How many engineers fall in each readiness band now, against when they enrolled."""
    engineers = [member for member in members if member.role == MemberRole.ENGINEER]

    def count(values: list[int | None], low: int, high: int) -> int:
        return sum(1 for value in values if value is not None and low <= value <= high)

    before = [member.readiness_at_enrollment for member in engineers]
    now = [member.readiness_now for member in engineers]
    return [Band(label, count(before, low, high), count(now, low, high)) for label, low, high in READINESS_BANDS]


@dataclass(frozen=True)
class SkillCoverage:
    skill: str
    label: str
    engineers_with_gap: int
    engineers_assessed: int
    strong_mentors: int
    mentors: int

    @property
    def gap_share(self) -> int:
        """Percent of assessed engineers with a gap here."""
        return round(100 * self.engineers_with_gap / self.engineers_assessed) if self.engineers_assessed else 0

    @property
    def coverage_share(self) -> int:
        return round(100 * self.strong_mentors / self.mentors) if self.mentors else 0


def gaps_against_coverage(members: Iterable[MemberFacts]) -> list[SkillCoverage]:
    """Per skill: engineers whose score is a gap, and mentors strong enough to close it."""
    members = list(members)
    engineers = [m for m in members if m.role == MemberRole.ENGINEER and m.skill_scores]
    mentors = [m for m in members if m.role == MemberRole.MENTOR]
    return [
        SkillCoverage(
            skill,
            label,
            sum(1 for m in engineers if m.skill_scores.get(skill, 100) < GAP_THRESHOLD),
            len(engineers),
            sum(1 for m in mentors if m.strengths.get(skill, 0) >= STRONG_MENTOR_LEVEL),
            len(mentors),
        )
        for skill, label in vocabulary.SKILLS.items()
    ]


def coverage_headline(coverage: list[SkillCoverage]) -> str | None:
    """The one line a lead should read first: the widest gap and how few mentors cover it."""
    needed = [row for row in coverage if row.engineers_with_gap]
    if not needed:
        return None
    # The widest gap per strong mentor: where mentors are scarcest for the need.
    worst = max(needed, key=lambda row: (row.engineers_with_gap / (row.strong_mentors + 1), row.engineers_with_gap))
    mentors = (
        "no mentor is strong there"
        if worst.strong_mentors == 0
        else f"only {counted(worst.strong_mentors, 'mentor is', 'mentors are')} strong there"
        if worst.strong_mentors * 3 < worst.engineers_with_gap
        else f"{counted(worst.strong_mentors, 'mentor is', 'mentors are')} strong there"
    )
    return (
        f"The cohort needs {worst.label.lower()}: {worst.engineers_with_gap} of {worst.engineers_assessed} "
        f"assessed engineers have a gap there; {mentors}."
    )


@dataclass(frozen=True)
class AtRisk:
    user_id: int
    name: str
    role: str
    reasons: list[str]

    def suggested_nudge(self, cohort_name: str) -> str:
        """The text the lead starts from; they edit it before it is sent. It names no lead: the
        notice's title says who sent it, so one text serves every lead of the cohort."""
        first = self.name.split()[0] if self.name.strip() else self.name
        lines = [f"Hi {first},", "", f"A quick check-in from {cohort_name}: " + "; ".join(self.reasons).lower() + "."]
        if self.role == MemberRole.ENGINEER:
            lines.append("Book a session with your mentor this week, or reply if something is in the way.")
        else:
            lines.append("Could you find a few minutes for this this week? Reply if something is in the way.")
        return "\n".join(lines)


def _days(moment: datetime, now: datetime) -> str:
    return counted(max((now - moment).days, 0), "day")


def risk_reasons(member: MemberFacts, now: datetime) -> list[str]:
    """Why this member needs the lead's attention, in words; empty when they are on track."""
    reasons: list[str] = []
    if member.role == MemberRole.ENGINEER:
        if not member.has_mentor and not member.has_proposal:
            reasons.append("No mentor")
        if member.has_mentor:
            since = member.last_session_at or member.enrolled_at
            if member.last_session_at is None and since is not None and now - since >= NO_SESSION_RISK_AFTER:
                reasons.append(f"No session since enrolling {_days(since, now)} ago")
            elif member.last_session_at is not None and now - member.last_session_at >= NO_SESSION_RISK_AFTER:
                reasons.append(f"No session in {_days(member.last_session_at, now)}")
        if member.proposal_waiting_since is not None and now - member.proposal_waiting_since >= (
            PROPOSAL_UNANSWERED_RISK_AFTER
        ):
            reasons.append(f"A proposed mentor unanswered for {_days(member.proposal_waiting_since, now)}")
        if member.overdue_milestones:
            reasons.append(f"{counted(member.overdue_milestones, 'plan milestone')} overdue")
    else:
        if member.unanswered_proposals:
            reasons.append(
                f"{counted(member.unanswered_proposals, 'proposal')} unanswered for over "
                f"{counted(PROPOSAL_UNANSWERED_RISK_AFTER.days, 'day')}"
            )
        if member.overdue_reviews:
            reasons.append(
                f"{counted(member.overdue_reviews, 'review')} waiting for over {counted(REVIEW_DUE_WITHIN.days, 'day')}"
            )
        if member.reliability is not None and member.reliability.low:
            reasons.append(member.reliability.in_words())
    return reasons


def people_at_risk(members: Iterable[MemberFacts], now: datetime) -> list[AtRisk]:
    """Everyone with at least one reason, the most reasons first, then by name."""
    found = [
        AtRisk(member.user_id, member.name, member.role, reasons)
        for member in members
        if (reasons := risk_reasons(member, now))
    ]
    return sorted(found, key=lambda person: (-len(person.reasons), person.name.lower(), person.user_id))


# --- written work, debriefs and plans across the cohort


@dataclass(frozen=True)
class PhaseProgress:
    label: str  # "Months 1–3"
    done: int
    to_do: int
    overdue: int


@dataclass(frozen=True)
class ProgramFigures:
    """Reviews, debriefs and plan milestones across the cohort, and who is behind on them."""

    reviews_decided: int = 0
    median_turnaround_hours: float | None = None
    worst_turnaround_hours: float | None = None
    waiting_by_age: tuple[tuple[str, int], ...] = ()  # (age band, submissions waiting for a review)
    debriefs_unpublished: int = 0  # held practice sessions without a published debrief
    debriefs_overdue: int = 0  # ... of which held longer ago than the debrief is due
    phases: tuple[PhaseProgress, ...] = ()
    engineers_with_plans: int = 0


@dataclass(frozen=True)
class BehindOn:
    """Who is behind, for the people-at-risk list."""

    milestones: Mapping[int, int] = field(default_factory=dict)  # engineer id -> plan milestones overdue
    reviews: Mapping[int, int] = field(default_factory=dict)  # mentor id -> submissions waiting past due
    reliability: Mapping[int, Reliability] = field(default_factory=dict)  # mentors with a record


@dataclass(frozen=True)
class ProgramRow:
    """One row of the dashboard's program statement (see `program_figures`)."""

    # MILESTONE_DONE, MILESTONE_OPEN, TURNAROUND, WAITING, DEBRIEF_DUE, or a kind of RECORD_KINDS
    kind: str
    # the engineer (milestones, turnaround), the reviewer (waiting), the host (debriefs), the mentor (record)
    user_id: int | None
    week: int | None = None  # milestones: the due week of the plan
    start: date | None = None  # milestones: the plan's start
    at: datetime | None = None  # waiting: submitted; debriefs: the session's start; record: the slip or answer
    seconds: int | None = None  # turnaround
    asked_at: datetime | None = None  # record: when the proposal an answer answers was made


MILESTONE_DONE, MILESTONE_OPEN = "milestone_done", "milestone_open"
TURNAROUND, WAITING, DEBRIEF_DUE = "turnaround", "waiting", "debrief_due"
# Rows of the mentors' reliability record (`reliabilities` reads them): slips and answers.
RECORD_KINDS = frozenset({*SLIP_COST, ANSWER})


def _hours(seconds: float) -> float:
    return round(seconds / 3600, 1)


def program_figures(rows: Iterable[ProgramRow], now: datetime) -> tuple[ProgramFigures, BehindOn]:
    rows = list(rows)
    today = now.date()
    turnarounds = sorted(row.seconds for row in rows if row.kind == TURNAROUND and row.seconds is not None)
    waiting = [row for row in rows if row.kind == WAITING]
    bands = (
        ("Under 2 days", timedelta(0), timedelta(days=2)),
        (f"2–{REVIEW_DUE_WITHIN.days} days", timedelta(days=2), REVIEW_DUE_WITHIN),
        (f"Over {REVIEW_DUE_WITHIN.days} days (overdue)", REVIEW_DUE_WITHIN, None),
    )
    by_age = tuple(
        (label, sum(1 for row in waiting if low <= now - row.at and (high is None or now - row.at < high)))
        for label, low, high in bands
    )
    overdue_reviews: dict[int, int] = {}
    for row in waiting:
        if row.user_id is not None and now - row.at >= REVIEW_DUE_WITHIN:
            overdue_reviews[row.user_id] = overdue_reviews.get(row.user_id, 0) + 1
    debriefs = [row for row in rows if row.kind == DEBRIEF_DUE]
    counts = {phase.key: {"done": 0, "to_do": 0, "overdue": 0} for phase in PLANNED_PHASES}
    overdue_milestones: dict[int, int] = {}
    planners = set()
    for row in rows:
        if row.kind not in (MILESTONE_DONE, MILESTONE_OPEN):
            continue
        planners.add(row.user_id)
        phase = phase_of_week(row.week).key
        state = state_of(row.start, row.week, row.kind == MILESTONE_DONE, today)
        bucket = {"done": "done", "overdue": "overdue"}.get(state, "to_do")
        counts.setdefault(phase, {"done": 0, "to_do": 0, "overdue": 0})[bucket] += 1
        if bucket == "overdue":
            overdue_milestones[row.user_id] = overdue_milestones.get(row.user_id, 0) + 1
    figures = ProgramFigures(
        reviews_decided=len(turnarounds),
        median_turnaround_hours=_hours(statistics.median(turnarounds)) if turnarounds else None,
        worst_turnaround_hours=_hours(turnarounds[-1]) if turnarounds else None,
        waiting_by_age=by_age,
        debriefs_unpublished=len(debriefs),
        debriefs_overdue=sum(1 for row in debriefs if now - row.at >= DEBRIEF_DUE_WITHIN),
        phases=tuple(
            PhaseProgress(phase.label, **counts[phase.key]) for phase in PLANNED_PHASES if phase.key in counts
        ),
        engineers_with_plans=len(planners),
    )
    record = [(row.user_id, row.kind, row.at, row.asked_at) for row in rows if row.kind in RECORD_KINDS]
    records = reliabilities(record, {mentor_id for mentor_id, *_ in record}, now)
    return figures, BehindOn(overdue_milestones, overdue_reviews, records)
