from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcohort.domain.availability import Availability, Away, WeeklyWindow
from pmcohort.domain.scheduling import (
    Booking,
    BookingProblem,
    conflicts,
    free_slots,
    is_late_cancellation,
    overlaps,
    validate_booking,
    weekly_occurrences,
)
from tests.domain.weekly import FRI, MON, THU, TUE, WED, utc, windows

WEEKDAYS = (MON, TUE, WED, THU, FRI)
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def session(start: datetime, minutes: int) -> Booking:
    return Booking(start, start + timedelta(minutes=minutes))


def starts(bookings: list[Booking]) -> list[datetime]:
    return [booking.start for booking in bookings]


# Whole minutes over a few years, as the forms produce them.
moments = st.integers(min_value=0, max_value=3 * 366 * 24 * 60).map(
    lambda minute: utc(2025, 1, 1) + timedelta(minutes=minute)
)
lengths = st.integers(min_value=1, max_value=24 * 60).map(lambda minutes: timedelta(minutes=minutes))
bookings = st.builds(lambda start, length: Booking(start, start + length), moments, lengths)


# --- Booking and overlaps


def test_booking_is_kept_in_utc_whatever_zones_it_was_given_in():
    # 18:00 in Berlin and 13:00 in New York on 1 July 2025 (both on summer time).
    workshop = Booking(datetime(2025, 7, 1, 18, tzinfo=BERLIN), datetime(2025, 7, 1, 13, tzinfo=NEW_YORK))

    assert (workshop.start, workshop.end) == (utc(2025, 7, 1, 16), utc(2025, 7, 1, 17))
    assert workshop.start.tzinfo is UTC and workshop.end.tzinfo is UTC


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime(2025, 7, 1, 16), utc(2025, 7, 1, 17)),
        (utc(2025, 7, 1, 16), datetime(2025, 7, 1, 17)),
        (utc(2025, 7, 1, 16), utc(2025, 7, 1, 16)),
        (utc(2025, 7, 1, 17), utc(2025, 7, 1, 16)),
    ],
    ids=["naive start", "naive end", "empty", "reversed"],
)
def test_booking_rejects_naive_or_empty_intervals(start, end):
    with pytest.raises(ValueError):
        Booking(start, end)


TEN_TO_ELEVEN = Booking(utc(2025, 6, 3, 10), utc(2025, 6, 3, 11))


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        (Booking(utc(2025, 6, 3, 10), utc(2025, 6, 3, 11)), True),
        (Booking(utc(2025, 6, 3, 11), utc(2025, 6, 3, 12)), False),
        (Booking(utc(2025, 6, 3, 9), utc(2025, 6, 3, 10)), False),
        (Booking(utc(2025, 6, 3, 9, 30), utc(2025, 6, 3, 10, 30)), True),
        (Booking(utc(2025, 6, 3, 10, 59), utc(2025, 6, 3, 12)), True),
        (Booking(utc(2025, 6, 3, 10, 15), utc(2025, 6, 3, 10, 45)), True),
        (Booking(utc(2025, 6, 3, 9), utc(2025, 6, 3, 12)), True),
        (Booking(utc(2025, 6, 3, 12), utc(2025, 6, 3, 13)), False),
        # 12:00 in Berlin (summer time) is 10:00 UTC: the same hour, written in another zone.
        (Booking(datetime(2025, 6, 3, 12, tzinfo=BERLIN), datetime(2025, 6, 3, 13, tzinfo=BERLIN)), True),
    ],
    ids=[
        "identical",
        "touching after",
        "touching before",
        "overlapping the start",
        "overlapping the last minute",
        "inside",
        "around",
        "an hour apart",
        "same time in Berlin",
    ],
)
def test_overlaps(other, expected):
    assert overlaps(TEN_TO_ELEVEN, other) is expected
    assert overlaps(other, TEN_TO_ELEVEN) is expected


@given(bookings, bookings)
def test_overlap_is_symmetric(a, b):
    assert overlaps(a, b) == overlaps(b, a)


@given(bookings, lengths)
def test_back_to_back_sessions_never_overlap_but_a_session_overlaps_itself(first, gap_free_length):
    following = Booking(first.end, first.end + gap_free_length)

    assert not overlaps(first, following)
    assert overlaps(first, first)


def test_conflicts_lists_the_clashing_bookings_earliest_first():
    candidate = Booking(utc(2025, 6, 3, 10), utc(2025, 6, 3, 12))
    late_clash = Booking(utc(2025, 6, 3, 11, 30), utc(2025, 6, 3, 13))
    early_clash = Booking(utc(2025, 6, 3, 9), utc(2025, 6, 3, 10, 30))
    touching = Booking(utc(2025, 6, 3, 12), utc(2025, 6, 3, 13))
    next_day = Booking(utc(2025, 6, 4, 10), utc(2025, 6, 4, 12))

    assert conflicts(candidate, [late_clash, touching, next_day, early_clash]) == [early_clash, late_clash]
    assert conflicts(candidate, [touching, next_day]) == []
    assert conflicts(candidate, []) == []


# --- validate_booking

# A Berlin host free on Tuesday evenings in two back-to-back windows and late on
# Monday into the small hours of Tuesday. In January Berlin is UTC+1, so Tuesday
# 14 January 2025 18:00-22:00 is 17:00-21:00 UTC and Monday 13 January
# 22:00 - Tuesday 01:00 is 21:00-24:00 UTC on Monday.
HOST = Availability(
    "Europe/Berlin",
    windows([TUE], "18:00", "20:00")
    + windows([TUE], "20:00", "22:00")
    + windows([MON], "22:00", "24:00")
    + windows([TUE], "00:00", "01:00"),
    away=(Away(date(2025, 1, 21), date(2025, 1, 21)),),
)
NOW = utc(2025, 1, 10, 12)


def problem_codes(start, end, *, busy=(), host_availability=HOST, now=NOW, **limits) -> list[str]:
    problems = validate_booking(start, end, now=now, host_availability=host_availability, busy=busy, **limits)
    return [problem.code for problem in problems]


@pytest.mark.parametrize(
    ("start", "end", "busy", "expected"),
    [
        (utc(2025, 1, 14, 17), utc(2025, 1, 14, 18), (), []),
        (utc(2025, 1, 14, 17), utc(2025, 1, 14, 20), (), []),
        (utc(2025, 1, 14, 17), utc(2025, 1, 14, 17, 15), (), []),
        (utc(2025, 1, 14, 18, 30), utc(2025, 1, 14, 19, 30), (), []),
        (utc(2025, 1, 13, 22, 30), utc(2025, 1, 13, 23, 30), (), []),
        # Berlin on summer time: Tuesday 1 July 18:00-22:00 is 16:00-20:00 UTC.
        (utc(2025, 7, 1, 16), utc(2025, 7, 1, 17), (), []),
        (
            utc(2025, 1, 14, 17),
            utc(2025, 1, 14, 18),
            (session(utc(2025, 1, 14, 16), 60), session(utc(2025, 1, 14, 18), 60)),
            [],
        ),
        (utc(2025, 1, 7, 17), utc(2025, 1, 7, 18), (), ["past"]),
        (utc(2025, 1, 14, 17), utc(2025, 1, 14, 17), (), ["order"]),
        (utc(2025, 1, 14, 18), utc(2025, 1, 14, 17), (), ["order"]),
        (utc(2025, 1, 7, 18), utc(2025, 1, 7, 17), (), ["past", "order"]),
        (utc(2025, 1, 14, 17), utc(2025, 1, 14, 20, 30), (), ["too_long"]),
        (utc(2025, 1, 14, 17), utc(2025, 1, 14, 17, 10), (), ["too_short", "off_grid"]),
        (utc(2025, 1, 14, 16, 30), utc(2025, 1, 14, 17, 30), (), ["outside_availability"]),
        (utc(2025, 1, 14, 20, 30), utc(2025, 1, 14, 21, 30), (), ["outside_availability"]),
        (utc(2025, 1, 15, 17), utc(2025, 1, 15, 18), (), ["outside_availability"]),
        (utc(2025, 1, 21, 17), utc(2025, 1, 21, 18), (), ["outside_availability"]),
        # 19:00-20:30 UTC is 21:00-22:30 in Berlin in summer: half an hour past the window.
        (utc(2025, 7, 1, 19), utc(2025, 7, 1, 20, 30), (), ["outside_availability"]),
        (utc(2025, 1, 14, 17), utc(2025, 1, 14, 18), (session(utc(2025, 1, 14, 17, 30), 60),), ["overlap"]),
        (
            utc(2025, 1, 7, 16),
            utc(2025, 1, 7, 20),
            (session(utc(2025, 1, 7, 19), 60),),
            ["past", "too_long", "outside_availability", "overlap"],
        ),
    ],
    ids=[
        "inside a window",
        "exactly three hours",
        "exactly fifteen minutes",
        "across two touching windows",
        "across local midnight",
        "summer time window",
        "touching busy sessions on both sides",
        "past",
        "ends as it starts",
        "ends before it starts",
        "past and reversed",
        "three and a half hours",
        "ten minutes",
        "starts before the window",
        "ends after the window",
        "a day without windows",
        "away that day",
        "winter hours in summer",
        "overlaps a busy session",
        "everything wrong at once",
    ],
)
def test_validate_booking_codes(start, end, busy, expected):
    assert problem_codes(start, end, busy=busy) == expected


def test_a_session_may_start_right_now_when_nobody_restricts_the_hours():
    assert problem_codes(NOW, NOW + timedelta(hours=1), host_availability=None) == []


def test_custom_length_limits():
    start = utc(2025, 1, 14, 17)

    assert problem_codes(start, start + timedelta(hours=1), max_length=timedelta(minutes=45)) == ["too_long"]
    assert problem_codes(start, start + timedelta(minutes=30), min_length=timedelta(minutes=45)) == ["too_short"]


def test_length_messages_say_the_limit_and_the_actual_length():
    start = utc(2025, 1, 14, 17)

    too_long = validate_booking(start, start + timedelta(hours=3, minutes=30), now=NOW, host_availability=None, busy=())
    too_short = validate_booking(start, start + timedelta(minutes=10), now=NOW, host_availability=None, busy=())

    assert too_long == [BookingProblem("too_long", "A session can last at most 3 h; this one lasts 3 h 30 min.")]
    assert [problem.code for problem in too_short] == ["too_short", "off_grid"]
    assert too_short[0] == BookingProblem("too_short", "A session must last at least 15 min; this one lasts 10 min.")


def test_each_overlap_names_the_clashing_session_in_utc_and_carries_it():
    evening = session(utc(2025, 1, 14, 17, 30), 60)
    over_midnight = session(utc(2025, 1, 13, 23, 30), 60)

    problems = validate_booking(
        utc(2025, 1, 13, 21),
        utc(2025, 1, 14, 18),
        now=NOW,
        host_availability=None,
        busy=[evening, over_midnight],
        max_length=timedelta(days=1),
    )

    assert problems == [
        BookingProblem(
            "overlap",
            "This overlaps your session on Mon 13 Jan 2025, 23:30 UTC \u2013 Tue 14 Jan 2025, 00:30 UTC.",
            over_midnight,
        ),
        BookingProblem("overlap", "This overlaps your session on Tue 14 Jan 2025, 17:30\u201318:30 UTC.", evening),
    ]


def test_every_problem_has_a_message():
    busy = [session(utc(2025, 1, 7, 19), 60)]

    problems = validate_booking(utc(2025, 1, 7, 16), utc(2025, 1, 7, 20), now=NOW, host_availability=HOST, busy=busy)

    assert len(problems) == 4
    assert all(problem.message.strip() for problem in problems)
    assert [problem.conflict is not None for problem in problems] == [False, False, False, True]


@pytest.mark.parametrize(
    ("start", "end", "now"),
    [
        (datetime(2025, 1, 14, 17), utc(2025, 1, 14, 18), NOW),
        (utc(2025, 1, 14, 17), datetime(2025, 1, 14, 18), NOW),
        (utc(2025, 1, 14, 17), utc(2025, 1, 14, 18), datetime(2025, 1, 10, 12)),
    ],
    ids=["naive start", "naive end", "naive now"],
)
def test_validate_booking_refuses_naive_datetimes(start, end, now):
    with pytest.raises(ValueError):
        validate_booking(start, end, now=now, host_availability=HOST, busy=())


# --- free_slots

BERLIN_TUESDAY_EVENING = Availability("Europe/Berlin", windows([TUE], "18:00", "20:00"))  # 17-19 UTC in January
WEEK_OF_14_JANUARY = (utc(2025, 1, 13), utc(2025, 1, 20))
LONG_AGO = utc(2025, 1, 1)


def slots_case(
    expected: list[datetime],
    *,
    id: str,
    availability: Availability = BERLIN_TUESDAY_EVENING,
    busy: tuple[Booking, ...] = (),
    range_: tuple[datetime, datetime] = WEEK_OF_14_JANUARY,
    length: int = 60,
    step: int = 30,
    now: datetime = LONG_AGO,
):
    """A free_slots case that names only what differs from hour-long slots every half hour of Berlin's
    Tuesday evening, in the week of 14 January, with now long before it."""
    return pytest.param(availability, busy, range_, length, step, now, expected, id=id)


@pytest.mark.parametrize(
    ("availability", "busy", "range_", "length", "step", "now", "expected"),
    [
        slots_case(
            [utc(2025, 1, 14, 17), utc(2025, 1, 14, 17, 30), utc(2025, 1, 14, 18)], id="hour-long slots every half hour"
        ),
        slots_case(
            [utc(2025, 1, 14, 18)],
            # Written in New York time (UTC-5): 12:30-13:00 there is 17:30-18:00 UTC.
            busy=(Booking(datetime(2025, 1, 14, 12, 30, tzinfo=NEW_YORK), datetime(2025, 1, 14, 13, tzinfo=NEW_YORK)),),
            id="busy half hour blocks the slots across it",
        ),
        slots_case(
            [utc(2025, 1, 14, 17, 30), utc(2025, 1, 14, 18)],
            now=utc(2025, 1, 14, 17, 10),
            id="nothing before now, steps still from the window start",
        ),
        slots_case(
            [utc(2025, 1, 14, 17, 30), utc(2025, 1, 14, 18)],
            now=utc(2025, 1, 14, 17, 30),
            id="a slot may start right now",
        ),
        slots_case(
            [utc(2025, 1, 14, 17, 30), utc(2025, 1, 14, 18)],
            range_=(utc(2025, 1, 14, 17, 10), utc(2025, 1, 20)),
            id="range starting inside a window",
        ),
        slots_case(
            [utc(2025, 1, 14, 17), utc(2025, 1, 14, 17, 30)],
            range_=(utc(2025, 1, 13), utc(2025, 1, 14, 18, 30)),
            id="range ending inside a window",
        ),
        slots_case(
            [utc(2025, 1, 14, 17, 15), utc(2025, 1, 14, 17, 45)],
            availability=Availability("Europe/Berlin", windows([TUE], "18:15", "20:00")),
            id="window starting off the hour",
        ),
        slots_case([], length=180, id="longer than any window"),
        slots_case(
            [utc(2025, 1, 14, 17)],
            availability=Availability(
                "Europe/Berlin", windows([TUE], "18:00", "20:00") + windows([TUE], "20:00", "21:00")
            ),
            length=180,
            step=60,
            id="one slot across two touching windows",
        ),
        slots_case(
            [utc(2025, 1, 21, 17)],
            availability=Availability(
                "Europe/Berlin", windows([TUE], "18:00", "20:00"), away=(Away(date(2025, 1, 14), date(2025, 1, 14)),)
            ),
            range_=(utc(2025, 1, 13), utc(2025, 1, 27)),
            length=120,
            id="away day skipped",
        ),
        # Thursday 27 March to Thursday 3 April 2025; the EU changes clocks on Sunday the 30th,
        # so Berlin's 18:00 is 17:00 UTC on Thursday and Friday and 16:00 UTC from Monday on.
        # Thursday's slot has begun by now; Tuesday's clashes with a busy half hour.
        slots_case(
            [utc(2025, 3, 28, 17), utc(2025, 3, 31, 16), utc(2025, 4, 2, 16)],
            availability=Availability("Europe/Berlin", windows(WEEKDAYS, "18:00", "20:00")),
            busy=(session(utc(2025, 4, 1, 16, 30), 30),),
            range_=(utc(2025, 3, 27), utc(2025, 4, 3)),
            length=120,
            now=utc(2025, 3, 27, 17, 30),
            id="Berlin across the EU switch",
        ),
        # Thursday 6 to Wednesday 12 March 2025; the US changes clocks on Sunday the 9th,
        # so New York's 12:00 is 17:00 UTC before it and 16:00 UTC after.
        slots_case(
            [
                utc(2025, 3, 6, 17),
                utc(2025, 3, 6, 18),
                utc(2025, 3, 7, 17),
                utc(2025, 3, 7, 18),
                utc(2025, 3, 10, 17),
                utc(2025, 3, 11, 16),
                utc(2025, 3, 11, 17),
            ],
            availability=Availability("America/New_York", windows(WEEKDAYS, "12:00", "14:00")),
            busy=(session(utc(2025, 3, 10, 16), 60),),
            range_=(utc(2025, 3, 6), utc(2025, 3, 12)),
            step=60,
            now=utc(2025, 3, 6),
            id="New York across the US switch",
        ),
        # Auckland is UTC+13 in January: Tuesday 08:00 there is Monday 19:00 UTC.
        slots_case(
            [utc(2025, 1, 13, 19), utc(2025, 1, 13, 20)],
            availability=Availability("Pacific/Auckland", windows([TUE], "08:00", "10:00")),
            range_=(utc(2025, 1, 13), utc(2025, 1, 14)),
            step=60,
            id="Auckland Tuesday is Monday in UTC",
        ),
    ],
)
def test_free_slots(availability, busy, range_, length, step, now, expected):
    start_utc, end_utc = range_
    slots = free_slots(
        availability,
        busy,
        start_utc=start_utc,
        end_utc=end_utc,
        length=timedelta(minutes=length),
        step=timedelta(minutes=step),
        now=now,
    )

    assert starts(slots) == expected
    assert all(slot.end - slot.start == timedelta(minutes=length) for slot in slots)


@pytest.mark.parametrize(("length", "step"), [(0, 30), (60, 0), (-60, 30)])
def test_free_slots_need_a_positive_length_and_step(length, step):
    with pytest.raises(ValueError):
        free_slots(
            BERLIN_TUESDAY_EVENING,
            (),
            start_utc=WEEK_OF_14_JANUARY[0],
            end_utc=WEEK_OF_14_JANUARY[1],
            length=timedelta(minutes=length),
            step=timedelta(minutes=step),
            now=LONG_AGO,
        )


ZONES = ("Europe/Berlin", "America/New_York", "Pacific/Auckland", "Asia/Kolkata", "America/Santiago", "UTC")
quarter_hours = st.integers(min_value=0, max_value=96)
day_windows = st.tuples(quarter_hours, quarter_hours).filter(lambda pair: pair[0] < pair[1])
availabilities = st.builds(
    lambda zone, by_day: Availability(
        zone, tuple(WeeklyWindow(day, first * 15, last * 15) for day, (first, last) in sorted(by_day.items()))
    ),
    st.sampled_from(ZONES),
    st.dictionaries(st.integers(min_value=0, max_value=6), day_windows, max_size=7),
)


@given(
    availability=availabilities,
    range_start=moments,
    range_days=st.integers(min_value=1, max_value=8),
    now_offset_hours=st.integers(min_value=-24, max_value=8 * 24),
    # (start, length) in quarter hours from the range start
    busy=st.lists(
        st.tuples(st.integers(min_value=0, max_value=8 * 24 * 4), st.integers(min_value=1, max_value=16)), max_size=6
    ),
    length_quarters=st.integers(min_value=1, max_value=12),
    step_minutes=st.sampled_from([15, 30, 60]),
)
def test_free_slots_are_bookable_and_agree_with_busy_and_now(
    availability, range_start, range_days, now_offset_hours, busy, length_quarters, step_minutes
):
    range_end = range_start + timedelta(days=range_days)
    now = range_start + timedelta(hours=now_offset_hours)
    busy_bookings = [session(range_start + timedelta(minutes=15 * offset), 15 * quarters) for offset, quarters in busy]
    length = timedelta(minutes=15 * length_quarters)  # 15 minutes to 3 hours: always a valid length

    def slots(busy, now):
        return free_slots(
            availability,
            busy,
            start_utc=range_start,
            end_utc=range_end,
            length=length,
            step=timedelta(minutes=step_minutes),
            now=now,
        )

    found = slots(busy_bookings, now)

    assert starts(found) == sorted(starts(found))
    for slot in found:
        assert range_start <= slot.start and slot.end <= range_end
        assert validate_booking(slot.start, slot.end, now=now, host_availability=availability, busy=busy_bookings) == []
    # Busy bookings and now only take slots away, never move the others.
    unrestricted = slots([], range_start)
    assert found == [slot for slot in unrestricted if slot.start >= now and not conflicts(slot, busy_bookings)]


# --- weekly_occurrences


def local(zone: ZoneInfo, *args, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=zone, fold=fold)


def weekly_in_utc(first_start: datetime, utc_times: list[str]) -> list[datetime]:
    """A start a week from `first_start`'s date, at each UTC time of day in turn (in every case here the
    sessions fall on the same date in UTC as on the local clock)."""
    return [
        datetime.combine(first_start.date() + timedelta(weeks=week), time.fromisoformat(clock), tzinfo=UTC)
        for week, clock in enumerate(utc_times)
    ]


# (first local start, the UTC time of each weekly session)
WEEKLY_CASES = {
    # EU summer time starts on the last Sunday of March (30 March 2025): 18:00 moves from 17:00 to 16:00 UTC.
    "Berlin, spring": (local(BERLIN, 2025, 3, 18, 18), ["17:00", "17:00", "16:00", "16:00"]),
    # ... and ends on the last Sunday of October (26 October 2025): back from 16:00 to 17:00 UTC.
    "Berlin, autumn": (local(BERLIN, 2025, 10, 21, 18), ["16:00", "17:00"]),
    # US summer time starts on the second Sunday of March (9 March 2025): 12:00 moves from 17:00 to 16:00 UTC.
    "New York, spring": (local(NEW_YORK, 2025, 3, 4, 12), ["17:00", "16:00"]),
    # ... and ends on the first Sunday of November (2 November 2025).
    "New York, autumn": (local(NEW_YORK, 2025, 10, 28, 12), ["16:00", "17:00"]),
    # Berlin, 30 March 2025: clocks jump from 02:00 to 03:00, so 02:30 is read as 03:30 CEST (01:30 UTC),
    # that week only.
    "Berlin, time in the spring gap": (local(BERLIN, 2025, 3, 23, 2, 30), ["01:30", "01:30", "00:30"]),
    # New York, 9 March 2025: 02:30 does not exist and is read as 03:30 EDT (07:30 UTC).
    "New York, time in the spring gap": (local(NEW_YORK, 2025, 3, 2, 2, 30), ["07:30", "07:30", "06:30"]),
    # Berlin, 26 October 2025: 02:30 happens twice; the first is 02:30 CEST (00:30 UTC).
    "Berlin, time in the autumn fold": (local(BERLIN, 2025, 10, 19, 2, 30), ["00:30", "00:30", "01:30"]),
    "Berlin, a first session in the fold is its first occurrence": (
        local(BERLIN, 2025, 10, 26, 2, 30, fold=1),
        ["00:30", "01:30"],
    ),
    # New York, 2 November 2025: 01:30 happens twice; the first is 01:30 EDT (05:30 UTC).
    "New York, time in the autumn fold": (local(NEW_YORK, 2025, 10, 26, 1, 30), ["05:30", "05:30"]),
    "no sessions": (local(BERLIN, 2025, 3, 18, 18), []),
}


@pytest.mark.parametrize(("first_start", "utc_times"), WEEKLY_CASES.values(), ids=WEEKLY_CASES.keys())
def test_weekly_occurrences(first_start, utc_times):
    occurrences = weekly_occurrences(first_start, timedelta(minutes=90), len(utc_times))

    assert starts(occurrences) == weekly_in_utc(first_start, utc_times)
    assert all(occurrence.end - occurrence.start == timedelta(minutes=90) for occurrence in occurrences)


@pytest.mark.parametrize(
    ("first_start", "zone"),
    [(local(BERLIN, 2025, 3, 18, 18), BERLIN), (local(NEW_YORK, 2025, 10, 28, 12), NEW_YORK)],
    ids=["Berlin", "New York"],
)
def test_weekly_occurrences_keep_the_local_weekday_and_time_across_the_switch(first_start, zone):
    occurrences = weekly_occurrences(first_start, timedelta(hours=1), 4)
    in_local_time = [occurrence.start.astimezone(zone) for occurrence in occurrences]

    assert {(moment.weekday(), moment.hour, moment.minute) for moment in in_local_time} == {
        (first_start.weekday(), first_start.hour, first_start.minute)
    }
    assert len({moment.utcoffset() for moment in in_local_time}) == 2


@pytest.mark.parametrize(
    ("first_start", "count"),
    [
        (datetime(2025, 3, 18, 18), 2),
        (datetime(2025, 3, 18, 17, tzinfo=UTC), 2),
        (datetime(2025, 3, 18, 18, tzinfo=timezone(timedelta(hours=1))), 2),
        (local(BERLIN, 2025, 3, 18, 18), -1),
    ],
    ids=["naive", "fixed UTC rather than a zone", "fixed local offset", "negative count"],
)
def test_weekly_occurrences_refuse_inputs_that_cannot_keep_local_time(first_start, count):
    with pytest.raises(ValueError):
        weekly_occurrences(first_start, timedelta(hours=1), count)


def test_weekly_occurrences_in_utc_itself_are_exactly_a_week_apart():
    occurrences = weekly_occurrences(local(ZoneInfo("UTC"), 2025, 3, 18, 18), timedelta(hours=1), 3)

    assert starts(occurrences) == [utc(2025, 3, 18, 18), utc(2025, 3, 25, 18), utc(2025, 4, 1, 18)]


SERIES_ZONES = ("Europe/Berlin", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe", "America/Santiago")


@given(
    zone_name=st.sampled_from(SERIES_ZONES),
    first_wall_clock=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2035, 1, 1)),
    count=st.integers(min_value=1, max_value=60),
)
def test_weekly_series_keeps_its_wall_clock_time_unless_it_does_not_exist_or_repeats(
    zone_name, first_wall_clock, count
):
    zone = ZoneInfo(zone_name)
    occurrences = weekly_occurrences(first_wall_clock.replace(tzinfo=zone), timedelta(hours=1), count)

    assert len(occurrences) == count
    for week, occurrence in enumerate(occurrences):
        wall_clock = first_wall_clock + timedelta(weeks=week)
        earlier, later = (wall_clock.replace(tzinfo=zone, fold=fold).utcoffset() for fold in (0, 1))
        if earlier == later:
            assert occurrence.start.astimezone(zone).replace(tzinfo=None) == wall_clock
        else:
            # In a gap or a fold: read with the offset in force before the change,
            # which these zones last changed months earlier.
            offset_before = (wall_clock - timedelta(hours=3)).replace(tzinfo=zone).utcoffset()
            assert occurrence.start == (wall_clock - offset_before).replace(tzinfo=UTC)


# --- is_late_cancellation

WORKSHOP_START = utc(2025, 6, 3, 17)


@pytest.mark.parametrize(
    ("cancelled_at", "notice", "expected"),
    [
        (WORKSHOP_START - timedelta(hours=25), timedelta(hours=24), False),
        (WORKSHOP_START - timedelta(hours=24), timedelta(hours=24), False),
        (WORKSHOP_START - timedelta(hours=24) + timedelta(seconds=1), timedelta(hours=24), True),
        (WORKSHOP_START - timedelta(hours=1), timedelta(hours=24), True),
        (WORKSHOP_START + timedelta(hours=1), timedelta(hours=24), True),
        (WORKSHOP_START - timedelta(hours=30), timedelta(hours=48), True),
        (WORKSHOP_START - timedelta(hours=48), timedelta(hours=48), False),
        # 13:00 in New York (UTC-4) the day before is exactly 24 hours before 17:00 UTC.
        (datetime(2025, 6, 2, 13, tzinfo=NEW_YORK), timedelta(hours=24), False),
    ],
    ids=[
        "25 hours before",
        "exactly 24 hours before",
        "a second under 24 hours before",
        "an hour before",
        "after the start",
        "30 hours before a 48 hour notice",
        "exactly 48 hours before a 48 hour notice",
        "exactly 24 hours, said in New York time",
    ],
)
def test_is_late_cancellation(cancelled_at, notice, expected):
    assert is_late_cancellation(WORKSHOP_START, cancelled_at, notice) is expected


def test_default_notice_is_24_hours():
    assert not is_late_cancellation(WORKSHOP_START, WORKSHOP_START - timedelta(hours=24))
    assert is_late_cancellation(WORKSHOP_START, WORKSHOP_START - timedelta(hours=23, minutes=59))


@pytest.mark.parametrize(
    ("start", "cancelled_at"),
    [(datetime(2025, 6, 3, 17), utc(2025, 6, 1)), (WORKSHOP_START, datetime(2025, 6, 1))],
    ids=["naive start", "naive cancellation"],
)
def test_is_late_cancellation_refuses_naive_datetimes(start, cancelled_at):
    with pytest.raises(ValueError):
        is_late_cancellation(start, cancelled_at)


@pytest.mark.parametrize(
    "start_minute, end_minute, off_grid", [(0, 0, False), (15, 45, False), (20, 0, True), (0, 50, True)]
)
def test_sessions_start_and_end_on_the_quarter_hour(start_minute, end_minute, off_grid):
    start = datetime(2031, 3, 4, 14, start_minute, tzinfo=UTC)
    end = datetime(2031, 3, 4, 15, end_minute, tzinfo=UTC)
    problems = validate_booking(start, end, now=datetime(2031, 1, 1, tzinfo=UTC), host_availability=None, busy=[])
    assert ("off_grid" in [p.code for p in problems]) is off_grid


def test_the_grid_neighbours_of_an_off_grid_time():
    from pmcohort.domain.scheduling import grid_neighbours

    assert grid_neighbours(datetime(2031, 3, 4, 14, 20, tzinfo=UTC)) == (
        datetime(2031, 3, 4, 14, 15, tzinfo=UTC),
        datetime(2031, 3, 4, 14, 30, tzinfo=UTC),
    )
