"""The cohort lifecycle: only the steps that make sense, each with the reason it is blocked."""

import pytest

from pmcohort.domain.cohort_lifecycle import CohortFacts, check_step, next_steps
from pmcohort.domain.statuses import CohortStatus


def facts(status, engineers=3, mentors=2, open_matches=3):
    return CohortFacts(status, engineers, mentors, open_matches)


@pytest.mark.parametrize(
    ("status", "targets"),
    [
        (CohortStatus.DRAFT, [CohortStatus.OPEN]),
        (CohortStatus.OPEN, [CohortStatus.MATCHING]),
        (CohortStatus.MATCHING, [CohortStatus.ACTIVE, CohortStatus.OPEN]),
        (CohortStatus.ACTIVE, [CohortStatus.COMPLETED]),
        (CohortStatus.COMPLETED, []),
    ],
)
def test_each_state_offers_only_its_next_steps(status, targets):
    assert [step.target for step, _ in next_steps(facts(status))] == targets


def test_steps_that_skip_ahead_or_go_back_from_completed_are_refused():
    assert "cannot move" in check_step(facts(CohortStatus.DRAFT), CohortStatus.ACTIVE)
    assert "cannot move" in check_step(facts(CohortStatus.COMPLETED), CohortStatus.ACTIVE)
    assert check_step(facts(CohortStatus.ACTIVE), CohortStatus.COMPLETED) is None


def test_matching_needs_both_sides_and_activation_needs_matches():
    assert "at least one engineer and one mentor" in check_step(
        facts(CohortStatus.OPEN, mentors=0), CohortStatus.MATCHING
    )
    assert "Publish a matching run" in check_step(facts(CohortStatus.MATCHING, open_matches=0), CohortStatus.ACTIVE)
    assert check_step(facts(CohortStatus.MATCHING, open_matches=0), CohortStatus.OPEN) is None
