from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcohort.domain.availability import (
    MINUTES_PER_WEEK,
    Availability,
    Away,
    WeeklyWindow,
    overlap_hours,
    utc_intervals,
    validate_away,
    validate_windows,
    weekly_minutes,
)
from pmcohort.domain.timezones import is_valid_time_zone
from tests.domain.weekly import FRI, MON, SUN, THU, TUE, WED, hm, utc, windows

WEEKDAYS = (MON, TUE, WED, THU, FRI)
EVERY_DAY = range(7)

# Berlin evenings and New York lunchtimes line up while both zones are on
# standard time (or both on summer time): 17:00-19:00 UTC in winter.
BERLIN_EVENINGS = Availability("Europe/Berlin", windows(WEEKDAYS, "18:00", "20:00"))
NEW_YORK_LUNCH = Availability("America/New_York", windows(WEEKDAYS, "12:00", "14:00"))
# Auckland's Tuesday 08:00 (UTC+13 in January) is Los Angeles' Monday 11:00 (UTC-8): 19:00 UTC Monday.
AUCKLAND_TUESDAY_MORNING = Availability("Pacific/Auckland", windows([TUE], "08:00", "10:00"))
LOS_ANGELES_MONDAY_MIDDAY = Availability("America/Los_Angeles", windows([MON], "11:00", "13:00"))

OVERLAP_CASES = {
    "same zone, one hour shared": (
        Availability("Europe/Berlin", windows([TUE], "18:00", "20:00")),
        Availability("Europe/Berlin", windows([TUE], "19:00", "21:00")),
        utc(2025, 1, 6),
        1.0,
    ),
    "Berlin and New York, both on standard time": (BERLIN_EVENINGS, NEW_YORK_LUNCH, utc(2025, 1, 6), 10.0),
    "Berlin and New York, both on summer time": (BERLIN_EVENINGS, NEW_YORK_LUNCH, utc(2025, 7, 7), 10.0),
    # 9-30 March 2025: New York is on summer time, Berlin not yet; NY lunch is 16:00-18:00 UTC.
    "US on summer time, EU not yet": (BERLIN_EVENINGS, NEW_YORK_LUNCH, utc(2025, 3, 10), 5.0),
    # 26 October - 2 November 2025: Berlin is back on standard time, New York not yet.
    "EU back on standard time, US not yet": (BERLIN_EVENINGS, NEW_YORK_LUNCH, utc(2025, 10, 27), 5.0),
    # Thu 6 March to Thu 13 March: the US switches on Sunday the 9th.
    # Thu and Fri share 2 h each; Mon-Wed after the switch 1 h each.
    "week containing the US switch": (BERLIN_EVENINGS, NEW_YORK_LUNCH, utc(2025, 3, 6), 7.0),
    # Thu 27 March to Thu 3 April: the EU switches on Sunday the 30th.
    # Thu and Fri still mismatched, 1 h each; Mon-Wed after the switch 2 h each.
    "week containing the EU switch": (BERLIN_EVENINGS, NEW_YORK_LUNCH, utc(2025, 3, 27), 8.0),
    # Wed 26 March to Wed 2 April, Berlin every day 18-20 against 17-19 UTC:
    # Wed-Sat 18:00 CET = 17:00 UTC, 2 h each; from Sunday 18:00 CEST = 16:00 UTC, 1 h each.
    "EU switch moves the overlap an hour for the days after it": (
        Availability("Europe/Berlin", windows(EVERY_DAY, "18:00", "20:00")),
        Availability("UTC", windows(EVERY_DAY, "17:00", "19:00")),
        utc(2025, 3, 26),
        4 * 2.0 + 3 * 1.0,
    ),
    "Auckland Tuesday morning meets Los Angeles Monday": (
        AUCKLAND_TUESDAY_MORNING,
        LOS_ANGELES_MONDAY_MIDDAY,
        utc(2025, 1, 6),
        2.0,
    ),
    "Auckland Tuesday misses Los Angeles Tuesday": (
        AUCKLAND_TUESDAY_MORNING,
        Availability("America/Los_Angeles", windows([TUE], "11:00", "13:00")),
        utc(2025, 1, 6),
        0.0,
    ),
    # 25 hours apart: Kiritimati (UTC+14) Tuesday 10:00 is Pago Pago (UTC-11) Monday 09:00.
    "Kiritimati and Pago Pago across the date line": (
        Availability("Pacific/Kiritimati", windows([TUE], "10:00", "12:00")),
        Availability("Pacific/Pago_Pago", windows([MON], "09:00", "11:00")),
        utc(2025, 1, 6),
        2.0,
    ),
    "away on Wednesday and Thursday": (
        Availability("Europe/Berlin", windows(WEEKDAYS, "18:00", "20:00"), (Away(date(2025, 1, 8), date(2025, 1, 9)),)),
        BERLIN_EVENINGS,
        utc(2025, 1, 6),
        6.0,
    ),
    # Away dates are the person's own: Auckland's Tuesday 7 January is Monday 6 January in UTC.
    "away on a date in the person's own zone": (
        replace(AUCKLAND_TUESDAY_MORNING, away=(Away(date(2025, 1, 7), date(2025, 1, 7)),)),
        LOS_ANGELES_MONDAY_MIDDAY,
        utc(2025, 1, 6),
        0.0,
    ),
    # From Monday 01:00 UTC: the first Monday keeps 01:00-02:00, the next one 00:00-01:00.
    "windows clipped at both ends of the week": (
        Availability("UTC", windows([MON], "00:00", "02:00")),
        Availability("UTC", windows([MON], "00:00", "02:00")),
        utc(2025, 1, 6, 1),
        2.0,
    ),
}


@pytest.mark.parametrize(("a", "b", "week_start", "hours"), OVERLAP_CASES.values(), ids=OVERLAP_CASES.keys())
def test_overlap_hours(a, b, week_start, hours):
    assert overlap_hours(a, b, week_start) == pytest.approx(hours)
    assert overlap_hours(b, a, week_start) == pytest.approx(hours)


def berlin_sunday(start: str, end: str) -> Availability:
    """One window on Sundays in Berlin, where the EU's clock changes fall."""
    return Availability("Europe/Berlin", windows([SUN], start, end))


INTERVAL_CASES = {
    # From Sunday 5 January 23:00 UTC: Auckland's Monday 6 January 08:00 is 19:00 UTC on
    # the 5th, before the range; Monday 13 January 08:00 is 19:00 UTC on the 12th, inside it.
    "Auckland Monday lands on the UTC Sunday": (
        Availability("Pacific/Auckland", windows([MON], "08:00", "10:00")),
        utc(2025, 1, 5, 23),
        [(utc(2025, 1, 12, 19), utc(2025, 1, 12, 21))],
    ),
    # Los Angeles' Sunday evening (UTC-8) is already Monday in UTC, at the start of the week.
    "Los Angeles Sunday spills into the start of the UTC week": (
        Availability("America/Los_Angeles", windows([SUN], "18:00", "20:00")),
        utc(2025, 1, 6),
        [(utc(2025, 1, 6, 2), utc(2025, 1, 6, 4))],
    ),
    # 30 March 2025, Berlin: clocks jump from 02:00 to 03:00. A window wholly in the gap vanishes...
    "window inside the spring-forward gap": (berlin_sunday("02:00", "03:00"), utc(2025, 3, 24), []),
    # ...and a gap time is read with the offset before the gap: 02:30 is taken as 03:30 CEST.
    "window ending inside the spring-forward gap": (
        berlin_sunday("01:30", "02:30"),
        utc(2025, 3, 24),
        [(utc(2025, 3, 30, 0, 30), utc(2025, 3, 30, 1, 30))],
    ),
    # 26 October 2025, Berlin: 03:00 CEST becomes 02:00 CET. 01:00-03:00 on the clock is three real hours.
    "window spanning the autumn fold": (
        berlin_sunday("01:00", "03:00"),
        utc(2025, 10, 20),
        [(utc(2025, 10, 25, 23), utc(2025, 10, 26, 2))],
    ),
    # A repeated time means its first occurrence (02:00 CEST = 00:00 UTC).
    "window inside the autumn fold": (
        berlin_sunday("02:00", "02:30"),
        utc(2025, 10, 20),
        [(utc(2025, 10, 26, 0), utc(2025, 10, 26, 0, 30))],
    ),
    "touching windows merge, also across midnight": (
        Availability(
            "UTC",
            windows([MON], "18:00", "20:00") + windows([MON], "20:00", "24:00") + windows([TUE], "00:00", "01:00"),
        ),
        utc(2025, 1, 6),
        [(utc(2025, 1, 6, 18), utc(2025, 1, 7, 1))],
    ),
}


@pytest.mark.parametrize(("availability", "week_start", "expected"), INTERVAL_CASES.values(), ids=INTERVAL_CASES.keys())
def test_utc_intervals(availability, week_start, expected):
    assert utc_intervals(availability, week_start, week_start + timedelta(days=7)) == expected


def test_utc_intervals_accept_any_aware_datetime_and_refuse_naive_ones():
    berlin_midnight_plus_one = datetime(2025, 1, 6, 1, tzinfo=ZoneInfo("Europe/Berlin"))  # 00:00 UTC
    end = utc(2025, 1, 13)

    assert utc_intervals(BERLIN_EVENINGS, berlin_midnight_plus_one, end) == utc_intervals(
        BERLIN_EVENINGS, utc(2025, 1, 6), end
    )
    with pytest.raises(ValueError, match="no time zone"):
        utc_intervals(BERLIN_EVENINGS, datetime(2025, 1, 6), end)


def test_an_empty_range_has_no_intervals():
    assert utc_intervals(BERLIN_EVENINGS, utc(2025, 1, 7), utc(2025, 1, 6)) == []


WEEKLY_MINUTE_CASES = {
    # Tuesday 18:00-20:00 CET is 17:00-19:00 UTC, one day (1440 min) into the week.
    "Berlin Tuesday evening": (
        Availability("Europe/Berlin", windows([TUE], "18:00", "20:00")),
        utc(2025, 1, 6),
        ((1440 + 17 * 60, 1440 + 19 * 60),),
    ),
    "window ending at midnight ends the week": (
        Availability("UTC", windows([SUN], "22:00", "24:00")),
        utc(2025, 1, 6),
        ((MINUTES_PER_WEEK - 120, MINUTES_PER_WEEK),),
    ),
    "clipped at both ends of the week": (
        Availability("UTC", windows([MON], "00:00", "02:00")),
        utc(2025, 1, 6, 1),
        ((0, 60), (MINUTES_PER_WEEK - 60, MINUTES_PER_WEEK)),
    ),
    # A week start 30 s past the minute: partial minutes are dropped rather than claimed.
    "partial minutes round inward": (
        Availability("UTC", windows([MON], "00:00", "01:00")),
        utc(2025, 1, 6, 0, 0, 30),
        ((0, 59),),
    ),
}


@pytest.mark.parametrize(
    ("availability", "week_start", "expected"), WEEKLY_MINUTE_CASES.values(), ids=WEEKLY_MINUTE_CASES.keys()
)
def test_weekly_minutes(availability, week_start, expected):
    assert weekly_minutes(availability, week_start) == expected


# --- validation


def test_valid_windows_have_no_errors():
    assert validate_windows(windows([TUE], "18:00", "20:00") + windows([TUE], "20:00", "22:00")) == []


@pytest.mark.parametrize(
    ("window_list", "error"),
    [
        ([WeeklyWindow(TUE, hm("18:00"), hm("18:00"))], "Tuesday 18:00\u201318:00: the end must be after the start."),
        ([WeeklyWindow(TUE, hm("20:00"), hm("18:00"))], "Tuesday 20:00\u201318:00: the end must be after the start."),
        ([WeeklyWindow(TUE, hm("23:00"), 1500)], "Tuesday 23:00\u201325:00: times must be between 00:00 and 24:00."),
        ([WeeklyWindow(7, hm("10:00"), hm("11:00"))], "Day 7 10:00\u201311:00: pick a day from Monday to Sunday."),
        (
            windows([TUE], "18:00", "20:00") + windows([TUE], "19:00", "21:00"),
            "Tuesday 19:00\u201321:00 overlaps Tuesday 18:00\u201320:00.",
        ),
        (
            windows([TUE], "09:00", "17:00") + windows([TUE], "10:00", "11:00"),
            "Tuesday 10:00\u201311:00 overlaps Tuesday 09:00\u201317:00.",
        ),
    ],
)
def test_validate_windows(window_list, error):
    assert validate_windows(window_list) == [error]


def test_the_same_hours_on_different_days_do_not_overlap():
    assert validate_windows(windows([MON, TUE], "18:00", "20:00")) == []


def test_validate_away():
    assert validate_away([Away(date(2025, 1, 8), date(2025, 1, 8))]) == []
    assert validate_away([Away(date(2025, 1, 9), date(2025, 1, 8))]) == [
        "Away from 2025-01-09 to 2025-01-08: the last day cannot be before the first."
    ]


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("Europe/Berlin", True),
        ("America/Los_Angeles", True),
        ("Pacific/Kiritimati", True),
        ("UTC", True),
        ("europe/berlin", False),
        ("Europe/Atlantis", False),
        ("", False),
        ("../../etc/passwd", False),
        ("/usr/share/zoneinfo/UTC", False),
        ("localtime", False),
        (None, False),
        (3, False),
    ],
)
def test_is_valid_time_zone(name, valid):
    assert is_valid_time_zone(name) is valid


# --- properties


ZONES = (
    "UTC",
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "America/St_Johns",  # -03:30, with DST
    "America/Santiago",  # DST switches at midnight
    "Asia/Kathmandu",  # +05:45
    "Australia/Lord_Howe",  # a 30-minute DST shift
    "Pacific/Auckland",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
)


@st.composite
def availabilities(draw) -> Availability:
    day_windows = []
    for weekday in range(7):
        # Distinct sorted boundaries paired up give non-overlapping windows, possibly touching none.
        boundaries = sorted(draw(st.lists(st.integers(0, 288), unique=True, max_size=6)))
        day_windows += [
            WeeklyWindow(weekday, 5 * start, 5 * end)
            for start, end in zip(boundaries[::2], boundaries[1::2], strict=False)
        ]
    away = draw(
        st.lists(
            st.builds(
                lambda first, days: Away(first, first + timedelta(days=days)),
                st.dates(date(2023, 12, 20), date(2027, 1, 10)),
                st.integers(0, 10),
            ),
            max_size=2,
        )
    )
    return Availability(draw(st.sampled_from(ZONES)), tuple(day_windows), tuple(away))


# Whole minutes between 2024 and 2026, so minute offsets are exact.
week_starts = st.integers(0, 3 * 365 * 24 * 60).map(lambda minutes: utc(2024, 1, 1) + timedelta(minutes=minutes))


def own_hours(availability: Availability, week_start: datetime) -> float:
    return sum(end - start for start, end in weekly_minutes(availability, week_start)) / 60


@given(availabilities(), availabilities(), week_starts)
def test_overlap_is_symmetric_and_bounded_by_each_persons_hours(a, b, week_start):
    assert validate_windows(a.windows) == []
    shared = overlap_hours(a, b, week_start)

    assert shared == overlap_hours(b, a, week_start)
    assert 0 <= shared <= min(own_hours(a, week_start), own_hours(b, week_start)) + 1e-9


@given(availabilities(), week_starts)
def test_overlap_with_oneself_is_ones_own_hours(a, week_start):
    assert overlap_hours(a, a, week_start) == pytest.approx(own_hours(a, week_start))


@given(availabilities(), availabilities(), week_starts)
def test_weekly_minutes_agree_with_overlap_hours(a, b, week_start):
    minutes_a, minutes_b = weekly_minutes(a, week_start), weekly_minutes(b, week_start)

    for offsets in (minutes_a, minutes_b):
        assert all(0 <= start < end <= MINUTES_PER_WEEK for start, end in offsets)
        assert all(
            earlier[1] < later[0] for earlier, later in zip(offsets, offsets[1:], strict=False)
        )  # sorted and merged
    shared_minutes = sum(
        max(0, min(end_a, end_b) - max(start_a, start_b))
        for start_a, end_a in minutes_a
        for start_b, end_b in minutes_b
    )
    assert overlap_hours(a, b, week_start) == pytest.approx(shared_minutes / 60)


def _near_a_clock_change(moment: datetime, zone: ZoneInfo) -> bool:
    margin = timedelta(hours=3)
    return (moment - margin).astimezone(zone).utcoffset() != (moment + margin).astimezone(zone).utcoffset()


@given(availabilities(), week_starts, st.lists(st.integers(0, 7 * 24 * 3600 - 1), min_size=1, max_size=30))
def test_an_instant_is_available_when_the_local_clock_shows_a_window(availability, week_start, seconds_into_week):
    """An independent check of the conversion: read each instant on the person's own clock.

    Instants near a clock change are skipped; there the RFC 5545 reading of
    skipped and repeated times decides, which the pinned cases above cover.
    """
    zone = ZoneInfo(availability.time_zone)
    intervals = utc_intervals(availability, week_start, week_start + timedelta(days=7))
    for seconds in seconds_into_week:
        moment = week_start + timedelta(seconds=seconds)
        if _near_a_clock_change(moment, zone):
            continue
        local = moment.astimezone(zone)
        minute_of_day = local.hour * 60 + local.minute + local.second / 60
        on_the_clock = not any(period.covers(local.date()) for period in availability.away) and any(
            w.weekday == local.weekday() and w.start_minute <= minute_of_day < w.end_minute
            for w in availability.windows
        )

        assert any(start <= moment < end for start, end in intervals) == on_the_clock


def test_windows_keeping_instants_move_with_the_offset_and_split_at_midnight():
    from pmcohort.domain.availability import windows_keeping_instants

    week = datetime(2025, 1, 13, tzinfo=UTC)  # a Monday in winter: Berlin UTC+1, New York UTC-5
    berlin = [WeeklyWindow(1, 18 * 60, 20 * 60), WeeklyWindow(0, 2 * 60, 4 * 60)]
    converted = windows_keeping_instants(berlin, "Europe/Berlin", "America/New_York", week)
    assert converted == (WeeklyWindow(1, 12 * 60, 14 * 60), WeeklyWindow(6, 20 * 60, 22 * 60))
    # Tokyo is 8 hours ahead of Berlin in winter: Tuesday 18:00-20:00 becomes Wednesday 02:00-04:00,
    # and a window across Tokyo's midnight is split in two.
    late = [WeeklyWindow(2, 15 * 60, 17 * 60)]
    assert windows_keeping_instants(late, "Europe/Berlin", "Asia/Tokyo", week) == (
        WeeklyWindow(2, 23 * 60, 1440),
        WeeklyWindow(3, 0, 60),
    )


def test_windows_keeping_instants_keep_the_weekly_hours():
    from pmcohort.domain.availability import Availability, overlap_hours, windows_keeping_instants

    week = datetime(2025, 1, 13, tzinfo=UTC)
    mine = [WeeklyWindow(day, 17 * 60, 19 * 60) for day in range(5)]
    moved = windows_keeping_instants(mine, "Europe/Berlin", "Asia/Kolkata", week)
    before = Availability("Europe/Berlin", tuple(mine))
    after = Availability("Asia/Kolkata", moved)
    assert overlap_hours(before, after, week) == 10
