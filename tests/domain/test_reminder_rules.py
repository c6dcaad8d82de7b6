"""Which session reminders a plan holds, depending on how far ahead the session is when planned."""

from datetime import UTC, datetime, timedelta

import pytest

from pmcohort.domain.reminders import session_plan

START = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)
END = START + timedelta(hours=1)


def reminders(now: datetime) -> dict[str, datetime]:
    return {each.kind: each.due_at for each in session_plan(START, END, now) if each.topic == "session.reminder"}


def test_a_session_planned_days_ahead_is_reminded_a_day_and_an_hour_before():
    assert reminders(START - timedelta(days=3)) == {
        "24h": START - timedelta(hours=24),
        "1h": START - timedelta(hours=1),
    }


def test_a_session_planned_hours_ahead_gets_no_late_24_hour_reminder_only_the_hour_before():
    assert reminders(START - timedelta(hours=10)) == {"1h": START - timedelta(hours=1)}


@pytest.mark.parametrize("minutes_ahead", [60, 59, 30, 1])
def test_a_session_planned_within_the_hour_is_reminded_at_once(minutes_ahead):
    now = START - timedelta(minutes=minutes_ahead)
    assert reminders(now) == {"1h": now}


@pytest.mark.parametrize("minutes_after_start", [0, 30, 24 * 60])
def test_a_session_that_started_is_not_reminded_but_feedback_is_still_asked(minutes_after_start):
    now = START + timedelta(minutes=minutes_after_start)
    assert reminders(now) == {}
    kinds = {each.kind for each in session_plan(START, END, now)}
    assert "feedback-72h" in kinds
