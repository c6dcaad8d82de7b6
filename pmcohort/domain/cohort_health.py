"""The cohort dashboard's rules on plain data: readiness bands, gaps against mentor coverage, and
who is at risk, each reason in words a lead can act on."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from pmcohort.domain import vocabulary
from pmcohort.domain.limits import (
    GAP_THRESHOLD,
    NO_SESSION_RISK_AFTER,
    PROPOSAL_UNANSWERED_RISK_AFTER,
    STRONG_MENTOR_LEVEL,
)
from pmcohort.domain.statuses import MemberRole
from pmcohort.domain.wording import counted

# Readiness bands on the dashboard, lowest first: (label, lowest score, highest score).
READINESS_BANDS = (("0–24", 0, 24), ("25–49", 25, 49), ("50–74", 50, 74), ("75–100", 75, 100))


@dataclass(frozen=True)
class MemberFacts:
    """One cohort member, as the dashboard's people query returns them."""

    user_id: int
    name: str
    role: str
    readiness_now: int | None = None
    readiness_at_enrollment: int | None = None
    skill_scores: Mapping[str, int] = field(default_factory=dict)
    strengths: Mapping[str, int] = field(default_factory=dict)  # mentors: skill -> level 1-5
    has_mentor: bool = False  # engineers: an active match
    has_proposal: bool = False  # engineers: a proposed match waiting for answers
    last_session_at: datetime | None = None  # the last session held (not cancelled, already ended)
    enrolled_at: datetime | None = None
    proposal_waiting_since: datetime | None = None  # the oldest proposal this person has not answered
    unanswered_proposals: int = 0  # mentors: proposals waiting for their answer past the risk delay


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
            lines.append("Could you answer the proposals waiting for you? A few minutes helps your mentees start.")
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
    elif member.unanswered_proposals:
        reasons.append(
            f"{counted(member.unanswered_proposals, 'proposal')} unanswered for over "
            f"{counted(PROPOSAL_UNANSWERED_RISK_AFTER.days, 'day')}"
        )
    return reasons


def people_at_risk(members: Iterable[MemberFacts], now: datetime) -> list[AtRisk]:
    """Everyone with at least one reason, the most reasons first, then by name."""
    found = [
        AtRisk(member.user_id, member.name, member.role, reasons)
        for member in members
        if (reasons := risk_reasons(member, now))
    ]
    return sorted(found, key=lambda person: (-len(person.reasons), person.name.lower(), person.user_id))
