"""Which lifecycle step a cohort may take next, and why a step is not offered yet.

draft → open for enrollment → matching → active → completed. Enrollment may reopen from matching
(someone was missed); nothing leaves completed: a finished cohort is read-only and keeps its history.
"""

from dataclasses import dataclass

from pmcohort.domain.statuses import CohortStatus


@dataclass(frozen=True)
class CohortFacts:
    """What the rules need to know about a cohort right now."""

    status: str
    engineers: int
    mentors: int
    open_matches: int  # proposed or active


@dataclass(frozen=True)
class Step:
    target: CohortStatus
    label: str  # the button's words
    explains: str  # what taking the step means, shown beside the button


_STEPS = {
    CohortStatus.DRAFT: (
        Step(CohortStatus.OPEN, "Open for enrollment", "Invitations and imports can go out; people can join."),
    ),
    CohortStatus.OPEN: (
        Step(CohortStatus.MATCHING, "Start matching", "Enrollment closes to new imports while you match pairs."),
    ),
    CohortStatus.MATCHING: (
        Step(CohortStatus.ACTIVE, "Start the program", "The twelve weeks begin: sessions, milestones, the dashboard."),
        Step(CohortStatus.OPEN, "Reopen enrollment", "Back to enrolling people before matching again."),
    ),
    CohortStatus.ACTIVE: (
        Step(
            CohortStatus.COMPLETED, "Complete the cohort", "The cohort becomes read-only. Its history stays as it is."
        ),
    ),
    CohortStatus.COMPLETED: (),
}


def blocked_because(step: Step, facts: CohortFacts) -> str | None:
    """Why `step` cannot be taken now, in words; None when it can."""
    if step.target == CohortStatus.MATCHING and (facts.engineers == 0 or facts.mentors == 0):
        return "Enroll at least one engineer and one mentor first."
    if step.target == CohortStatus.ACTIVE and facts.open_matches == 0:
        return "Publish a matching run first: no engineer has a mentor proposed yet."
    return None


def next_steps(facts: CohortFacts) -> list[tuple[Step, str | None]]:
    """The steps that make sense from the cohort's state, each with the reason it is blocked (or None)."""
    return [(step, blocked_because(step, facts)) for step in _STEPS[CohortStatus(facts.status)]]


def check_step(facts: CohortFacts, target: str) -> str | None:
    """None if the cohort may move to `target` now; otherwise what stops it, in words."""
    for step, blocked in next_steps(facts):
        if step.target == target:
            return blocked
    return f"A cohort that is {facts.status} cannot move to {target}."


def is_read_only(status: str) -> bool:
    return status == CohortStatus.COMPLETED


def accepts_new_members(status: str) -> bool:
    """Invitations, imports and enrollment: before the program ends (a late joiner is still welcome while active)."""
    return status != CohortStatus.COMPLETED
