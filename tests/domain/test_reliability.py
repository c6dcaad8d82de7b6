"""Mentor reliability from the record of the last 90 days."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcohort.domain.reliability import (
    ANSWER,
    CEILING,
    FLOOR,
    LATE_CANCELLATION,
    LOW_RELIABILITY,
    NO_SHOW,
    SLIP_COST,
    WINDOW,
    Slip,
    reliabilities,
    reliability,
)

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def test_a_new_mentor_starts_at_one_with_a_reason_in_words():
    record = reliability([], [], NOW)
    assert record.factor == 1.0
    assert record.reasons == ("No missed sessions, late cancellations or slow answers in the last 90 days.",)


def test_each_no_show_costs_more_than_a_late_cancellation_and_both_are_counted_in_words():
    no_show = reliability([], [Slip(NO_SHOW, NOW)], NOW)
    late = reliability([], [Slip(LATE_CANCELLATION, NOW)], NOW)
    assert no_show.factor == pytest.approx(1 - SLIP_COST[NO_SHOW]) and no_show.factor < late.factor < 1.0
    assert reliability([], [Slip(NO_SHOW, NOW)] * 2, NOW).reasons == ("2 no-shows in the last 90 days",)


def test_slips_fade_as_they_age_and_drop_out_after_90_days():
    slips = [Slip(NO_SHOW, NOW - timedelta(days=1))] * 2
    fresh = reliability([], slips, NOW).factor
    later = reliability([], slips, NOW + timedelta(days=45)).factor
    assert fresh < later < 1.0
    assert reliability([], slips, NOW + WINDOW).factor == 1.0


def test_a_slow_median_answer_costs_and_says_how_slow():
    quick = reliability([timedelta(hours=3), timedelta(hours=5), timedelta(days=9)], [], NOW)
    assert quick.factor == 1.0 and "Answers match proposals in 5 hours (median of 3)" in quick.reasons
    slow = reliability([timedelta(days=3)], [], NOW)
    very_slow = reliability([timedelta(days=5)], [], NOW)
    assert very_slow.factor < slow.factor < 1.0
    assert slow.reasons == ("Slow to answer: answers match proposals in 3 days (median of 1)",)


@given(st.lists(st.tuples(st.sampled_from(sorted(SLIP_COST)), st.integers(0, 120)), max_size=40))
def test_the_factor_stays_within_its_bounds(slips):
    record = reliability([timedelta(days=6)], [Slip(kind, NOW - timedelta(days=age)) for kind, age in slips], NOW)
    assert FLOOR <= record.factor <= CEILING


def test_an_unknown_kind_of_slip_is_refused():
    with pytest.raises(ValueError, match="unknown kind"):
        Slip("forgot_birthday", NOW)


def test_record_rows_group_by_mentor_and_only_what_cost_is_a_concern():
    rows = [
        (1, NO_SHOW, NOW - timedelta(days=2), None),
        (1, ANSWER, NOW - timedelta(hours=1), NOW - timedelta(hours=3)),  # a quick answer costs nothing
        (2, LATE_CANCELLATION, NOW - timedelta(days=1), None),
    ]
    records = reliabilities(rows, [1, 2, 3], NOW)
    assert records[1].concerns == ("1 no-show in the last 90 days",)
    assert records[1].reasons == ("1 no-show in the last 90 days", "Answers match proposals in 2 hours (median of 1)")
    assert records[2].concerns == ("1 session cancelled with under 24 hours' notice in the last 90 days",)
    assert records[3] == reliability([], [], NOW) and records[3].concerns == ()
    assert not records[1].low and records[1].in_words() == "Reliability (92/100): 1 no-show in the last 90 days"


def test_reliability_is_low_under_the_line_and_says_why_in_words():
    slips = [Slip(NO_SHOW, NOW - timedelta(days=1)), Slip(NO_SHOW, NOW - timedelta(days=2))]
    record = reliability([timedelta(days=5)], slips, NOW)
    assert record.low and record.factor < LOW_RELIABILITY
    assert record.in_words() == (
        f"Low reliability ({round(record.factor * 100)}/100): 2 no-shows in the last 90 days; "
        "slow to answer: answers match proposals in 5 days (median of 1)"
    )
