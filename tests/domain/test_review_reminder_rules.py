"""When a review is chased: 3 and 5 days after the submission for the reviewer, 7 for the lead."""

from datetime import UTC, datetime, timedelta

import pytest

from pmcohort.domain.limits import REVIEW_DUE_WITHIN, REVIEW_LEAD_AFTER, REVIEW_NUDGE_AFTER
from pmcohort.domain.reminders import review_plan, waited

SUBMITTED = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def plan(now: datetime) -> dict[str, tuple[str, datetime]]:
    return {each.kind: (each.topic, each.due_at) for each in review_plan(SUBMITTED, now)}


def test_a_fresh_submission_is_chased_at_3_and_5_days_and_its_leads_told_at_7():
    assert plan(SUBMITTED) == {
        "review-3d": ("writing.review_overdue", SUBMITTED + timedelta(days=3)),
        "review-5d": ("writing.review_overdue", SUBMITTED + timedelta(days=5)),
        "review-lead": ("writing.review_overdue_lead", SUBMITTED + timedelta(days=7)),
    }
    assert REVIEW_NUDGE_AFTER < REVIEW_DUE_WITHIN < REVIEW_LEAD_AFTER


@pytest.mark.parametrize(
    ("planned_after", "kinds"),
    [
        (timedelta(days=3), {"review-5d", "review-lead"}),  # a chaser due this very moment is past
        (timedelta(days=4), {"review-5d", "review-lead"}),
        (timedelta(days=6), {"review-lead"}),
        (timedelta(days=7, seconds=1), set()),
    ],
)
def test_a_chaser_whose_time_passed_before_it_was_planned_is_left_out(planned_after, kinds):
    assert set(plan(SUBMITTED + planned_after)) == kinds


@pytest.mark.parametrize(
    ("after", "words"),
    [
        (timedelta(hours=23, minutes=59), "less than a day"),
        (timedelta(days=1, hours=5), "1 day"),
        (timedelta(days=3, hours=1), "3 days"),
        (timedelta(days=7), "7 days"),
    ],
)
def test_how_long_a_review_has_waited_reads_in_whole_days(after, words):
    assert waited(SUBMITTED, SUBMITTED + after) == words
