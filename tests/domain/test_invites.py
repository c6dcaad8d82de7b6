"""Calendar invites and feeds, read back with icalendar as a calendar client would.

Instants are checked twice: with icalendar's own reading (which looks the TZID up
in the system's zone database) and with the VTIMEZONE the file carries, turned
into a tzinfo by dateutil, since that definition is all Outlook goes by.
"""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from pmcohort.domain.invites import PRODID, Attendee, InviteEvent, event_uid, feed, invite

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
STAMP = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)

MENTOR = Attendee("Maya Mentor", "maya@example.com")
MENTEE = Attendee("Sam Engineer", "sam@example.com")
ORGANIZER = Attendee("PM Cohort", "sessions@pmcohort.app")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def session(
    session_id: int = 42,
    *,
    start: datetime = utc(2025, 6, 11, 16, 0),  # noqa: B008 - a datetime is immutable
    minutes: int = 60,
    time_zone: str = BERLIN,
    sequence: int = 0,
    cancelled: bool = False,
    location: str | None = "https://meet.example.com/abc",
) -> InviteEvent:
    return InviteEvent(
        uid=event_uid(session_id),
        sequence=sequence,
        start=start,
        end=start + timedelta(minutes=minutes),
        time_zone=time_zone,
        summary="Mentoring session: Maya / Sam",
        description="Agenda:\n- roadmap review, prioritisation; questions",
        location=location,
        organizer=ORGANIZER,
        attendees=(MENTOR, MENTEE),
        cancelled=cancelled,
        created=utc(2025, 5, 1, 8, 0),
        last_modified=utc(2025, 5, 2, 8, 0),
    )


def parse(data: bytes) -> Calendar:
    assert isinstance(data, bytes)
    return Calendar.from_ical(data)


def only_event(cal: Calendar):
    (vevent,) = cal.walk("VEVENT")
    return vevent


def vtimezones(cal: Calendar) -> dict:
    zones = {}
    for vtimezone in cal.walk("VTIMEZONE"):
        tzid = str(vtimezone["TZID"])
        assert tzid not in zones, f"two VTIMEZONEs for {tzid}"
        zones[tzid] = vtimezone
    return zones


def used_tzids(cal: Calendar) -> set[str]:
    return {
        str(vevent[prop].params["TZID"])
        for vevent in cal.walk("VEVENT")
        for prop in ("DTSTART", "DTEND")
        if "TZID" in vevent[prop].params
    }


def instant_by_vtimezone(cal: Calendar, vevent, prop: str) -> datetime:
    """The property's instant read with the calendar's own VTIMEZONE, not the system's zones."""
    value = vevent[prop]
    if "TZID" not in value.params:
        assert value.dt.utcoffset() == timedelta(0), "a time without TZID must be UTC"
        return value.dt
    vtimezone = vtimezones(cal)[str(value.params["TZID"])]
    tz = vtimezone.to_tz(lookup_tzid=False)
    return value.dt.replace(tzinfo=None).replace(tzinfo=tz).astimezone(UTC)


def assert_timezones_complete(cal: Calendar) -> None:
    assert cal.get_missing_tzids() == set()
    assert set(vtimezones(cal)) == used_tzids(cal)
    # VTIMEZONEs come before the events that use them.
    names = [component.name for component in cal.subcomponents]
    assert names == sorted(names, key=lambda name: name != "VTIMEZONE")


# --- UID and SEQUENCE ------------------------------------------------------------------


def test_event_uid_is_stable_and_domain_qualified():
    assert event_uid(42) == "session-42@pmcohort.app"
    assert event_uid(42) == event_uid(42)
    assert event_uid(7, domain="staging.pmcohort.app") == "session-7@staging.pmcohort.app"


def test_uid_is_stable_across_sequences_and_sequence_is_as_given():
    first = only_event(parse(invite(session(sequence=0), stamp=STAMP)))
    moved = session(sequence=3, start=utc(2025, 6, 12, 16, 0))
    update = only_event(parse(invite(moved, stamp=STAMP)))
    cancel = only_event(parse(invite(replace(moved, sequence=4, cancelled=True), stamp=STAMP)))

    assert str(first["UID"]) == str(update["UID"]) == str(cancel["UID"]) == "session-42@pmcohort.app"
    assert [first["SEQUENCE"], update["SEQUENCE"], cancel["SEQUENCE"]] == [0, 3, 4]


# --- METHOD and STATUS -----------------------------------------------------------------


def test_invite_is_a_request_with_the_calendar_header():
    cal = parse(invite(session(), stamp=STAMP))
    assert str(cal["PRODID"]) == PRODID == "-//PM Cohort//Sessions//EN"
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["METHOD"]) == "REQUEST"
    vevent = only_event(cal)
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert vevent.decoded("DTSTAMP") == STAMP
    assert vevent.decoded("CREATED") == utc(2025, 5, 1, 8, 0)
    assert vevent.decoded("LAST-MODIFIED") == utc(2025, 5, 2, 8, 0)


def test_cancelled_event_is_a_cancel_with_status_cancelled():
    cal = parse(invite(session(sequence=1, cancelled=True), stamp=STAMP))
    assert str(cal["METHOD"]) == "CANCEL"
    vevent = only_event(cal)
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert vevent["SEQUENCE"] == 1
    # The people whose event is cancelled are named, as RFC 5546 asks.
    assert {str(a) for a in vevent["ATTENDEE"]} == {"mailto:maya@example.com", "mailto:sam@example.com"}


def test_dtstamp_defaults_to_now():
    before = datetime.now(UTC).replace(microsecond=0)
    vevent = only_event(parse(invite(session())))
    assert before <= vevent.decoded("DTSTAMP") <= datetime.now(UTC)


# --- text ------------------------------------------------------------------------------


def test_summary_description_and_location_round_trip():
    vevent = only_event(parse(invite(session(), stamp=STAMP)))
    assert str(vevent["SUMMARY"]) == "Mentoring session: Maya / Sam"
    assert str(vevent["DESCRIPTION"]) == "Agenda:\n- roadmap review, prioritisation; questions"
    assert str(vevent["LOCATION"]) == "https://meet.example.com/abc"


def test_location_is_left_out_when_there_is_none():
    assert "LOCATION" not in only_event(parse(invite(session(location=None), stamp=STAMP)))
    assert "LOCATION" not in only_event(parse(invite(session(location=""), stamp=STAMP)))


# --- people ----------------------------------------------------------------------------


def test_organizer_and_attendees_are_mailto_addresses_with_names():
    vevent = only_event(parse(invite(session(), stamp=STAMP)))

    organizer = vevent["ORGANIZER"]
    assert str(organizer) == "mailto:sessions@pmcohort.app"
    assert organizer.params["CN"] == "PM Cohort"

    attendees = vevent["ATTENDEE"]
    assert [str(a) for a in attendees] == ["mailto:maya@example.com", "mailto:sam@example.com"]
    assert [a.params["CN"] for a in attendees] == ["Maya Mentor", "Sam Engineer"]
    for attendee in attendees:
        assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
        assert attendee.params["RSVP"] == "TRUE"


def test_awkward_names_stay_one_parameter_and_duplicates_are_dropped():
    event = replace(
        session(),
        attendees=(
            Attendee('Doe, Jane "JD"\nSmith', "mailto:jane@example.com"),
            Attendee("Jane again", "JANE@example.com"),
        ),
    )
    (attendee,) = [only_event(parse(invite(event, stamp=STAMP)))["ATTENDEE"]]
    assert str(attendee) == "mailto:jane@example.com"
    assert attendee.params["CN"] == "Doe, Jane 'JD' Smith"


# --- times and time zones --------------------------------------------------------------


def test_dtstart_and_dtend_carry_the_event_zone_and_the_same_instant():
    start = utc(2025, 6, 11, 16, 0)  # 18:00 in Berlin (CEST)
    cal = parse(invite(session(start=start, minutes=45), stamp=STAMP))
    vevent = only_event(cal)

    assert vevent["DTSTART"].params["TZID"] == BERLIN
    assert vevent["DTEND"].params["TZID"] == BERLIN
    assert vevent["DTSTART"].to_ical() == b"20250611T180000"
    assert vevent["DTEND"].to_ical() == b"20250611T184500"
    assert vevent.decoded("DTSTART") == start
    assert vevent.decoded("DTEND") == start + timedelta(minutes=45)
    assert instant_by_vtimezone(cal, vevent, "DTSTART") == start
    assert instant_by_vtimezone(cal, vevent, "DTEND") == start + timedelta(minutes=45)


def test_input_in_another_zone_is_converted_to_the_event_zone():
    start = datetime(2025, 6, 11, 12, 0, tzinfo=ZoneInfo(NEW_YORK))  # 18:00 in Berlin
    vevent = only_event(parse(invite(session(start=start), stamp=STAMP)))
    assert vevent["DTSTART"].params["TZID"] == BERLIN
    assert vevent["DTSTART"].to_ical() == b"20250611T180000"
    assert vevent.decoded("DTSTART") == start


def test_invite_has_a_vtimezone_with_yearly_standard_and_daylight_rules():
    cal = parse(invite(session(), stamp=STAMP))
    assert_timezones_complete(cal)
    berlin = vtimezones(cal)[BERLIN]
    (daylight,) = berlin.walk("DAYLIGHT")
    (standard,) = berlin.walk("STANDARD")
    # What Outlook can read: an RRULE, not RDATEs, and the offsets either way.
    assert daylight["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"
    assert standard["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"
    assert "RDATE" not in daylight and "RDATE" not in standard
    assert (daylight["TZOFFSETFROM"].td, daylight["TZOFFSETTO"].td) == (timedelta(hours=1), timedelta(hours=2))
    assert (standard["TZOFFSETFROM"].td, standard["TZOFFSETTO"].td) == (timedelta(hours=2), timedelta(hours=1))


def test_new_york_rules_are_second_sunday_of_march_and_first_of_november():
    cal = parse(invite(session(time_zone=NEW_YORK), stamp=STAMP))
    assert_timezones_complete(cal)
    zone = vtimezones(cal)[NEW_YORK]
    assert zone.walk("DAYLIGHT")[0]["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=2SU;BYMONTH=3"
    assert zone.walk("STANDARD")[0]["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=1SU;BYMONTH=11"


def test_zone_without_daylight_saving_has_one_standard_observance():
    cal = parse(invite(session(time_zone="Asia/Tokyo"), stamp=STAMP))
    assert_timezones_complete(cal)
    tokyo = vtimezones(cal)["Asia/Tokyo"]
    assert tokyo.walk("DAYLIGHT") == []
    (standard,) = tokyo.walk("STANDARD")
    assert standard["TZOFFSETFROM"].td == standard["TZOFFSETTO"].td == timedelta(hours=9)
    vevent = only_event(cal)
    assert vevent["DTSTART"].to_ical() == b"20250612T010000"
    assert instant_by_vtimezone(cal, vevent, "DTSTART") == utc(2025, 6, 11, 16, 0)


@pytest.mark.parametrize(
    ("start", "local"),
    [
        (utc(2026, 3, 1, 12, 0), b"20260301T120000"),  # +00 in Ramadan 2026
        (utc(2026, 4, 1, 12, 0), b"20260401T130000"),  # +01 after it
        # Ramadan 2027 on +00 lasts five weeks, 7 February to 14 March.
        (utc(2027, 2, 8, 0, 0), b"20270208T000000"),
    ],
)
def test_zone_without_a_yearly_rule_still_gets_an_exact_vtimezone(start, local):
    # Morocco leaves +01 for Ramadan: dates no RRULE describes.
    cal = parse(invite(session(start=start, time_zone="Africa/Casablanca"), stamp=STAMP))
    assert_timezones_complete(cal)
    vevent = only_event(cal)
    assert vevent["DTSTART"].to_ical() == local
    assert instant_by_vtimezone(cal, vevent, "DTSTART") == start
    assert any("RDATE" in observance for observance in cal.walk("DAYLIGHT") + cal.walk("STANDARD"))


def test_utc_events_are_written_in_utc_and_need_no_vtimezone():
    start = utc(2025, 6, 11, 16, 0)
    cal = parse(invite(session(start=start, time_zone="UTC"), stamp=STAMP))
    vevent = only_event(cal)
    assert vevent["DTSTART"].to_ical() == b"20250611T160000Z"
    assert vtimezones(cal) == {}
    assert cal.get_missing_tzids() == set()


# --- daylight-saving weeks -------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "time_zone", "local"),
    [
        # Berlin springs forward at 02:00 on Sunday 30 March 2025.
        (utc(2025, 3, 29, 17, 0), BERLIN, b"20250329T180000"),  # Saturday, still CET
        (utc(2025, 3, 30, 16, 0), BERLIN, b"20250330T180000"),  # Sunday, CEST already
        (utc(2025, 3, 31, 16, 0), BERLIN, b"20250331T180000"),
        # New York moved on 9 March, Berlin not yet: 5 hours apart, not 6.
        (utc(2025, 3, 25, 17, 0), BERLIN, b"20250325T180000"),
        (utc(2025, 3, 25, 17, 0), NEW_YORK, b"20250325T130000"),
        (utc(2025, 3, 9, 6, 30), NEW_YORK, b"20250309T013000"),  # just before the gap
        (utc(2025, 3, 9, 7, 0), NEW_YORK, b"20250309T030000"),  # just after it
        # Autumn: Berlin falls back on 26 October, New York on 2 November.
        (utc(2025, 10, 25, 16, 0), BERLIN, b"20251025T180000"),
        (utc(2025, 10, 27, 17, 0), BERLIN, b"20251027T180000"),
        (utc(2025, 10, 26, 0, 30), BERLIN, b"20251026T023000"),  # first 02:30, CEST
        (utc(2025, 11, 3, 18, 0), NEW_YORK, b"20251103T130000"),
    ],
)
def test_events_in_daylight_saving_weeks_keep_their_instant(start, time_zone, local):
    cal = parse(invite(session(start=start, time_zone=time_zone), stamp=STAMP))
    assert_timezones_complete(cal)
    vevent = only_event(cal)
    assert vevent["DTSTART"].params["TZID"] == time_zone
    assert vevent["DTSTART"].to_ical() == local
    # Through UTC: Python's == is False between zones for a time inside a fold (PEP 495).
    assert vevent.decoded("DTSTART").astimezone(UTC) == start
    assert instant_by_vtimezone(cal, vevent, "DTSTART") == start
    assert instant_by_vtimezone(cal, vevent, "DTEND") == start + timedelta(hours=1)


def test_event_spanning_the_spring_gap_lasts_its_real_length():
    start = utc(2025, 3, 30, 0, 30)  # 01:30 CET, ends 03:30 CEST: one hour
    cal = parse(invite(session(start=start, time_zone=BERLIN), stamp=STAMP))
    vevent = only_event(cal)
    assert (vevent["DTSTART"].to_ical(), vevent["DTEND"].to_ical()) == (b"20250330T013000", b"20250330T033000")
    assert instant_by_vtimezone(cal, vevent, "DTEND") - instant_by_vtimezone(cal, vevent, "DTSTART") == (
        timedelta(hours=1)
    )


def test_second_occurrence_of_a_repeated_local_time_is_written_in_utc():
    # 02:30 happens twice in Berlin on 26 October 2025; a TZID time means the first.
    start = utc(2025, 10, 26, 1, 30)  # the second 02:30, CET
    cal = parse(invite(session(start=start, time_zone=BERLIN), stamp=STAMP))
    vevent = only_event(cal)
    assert vevent["DTSTART"].to_ical() == b"20251026T013000Z"
    assert vevent["DTEND"].params["TZID"] == BERLIN
    assert vevent.decoded("DTSTART") == start
    assert_timezones_complete(cal)


ZONES = [
    BERLIN,
    NEW_YORK,
    "Europe/London",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "America/Santiago",
    "Africa/Casablanca",
    "Pacific/Auckland",
    "UTC",
]


@settings(max_examples=150, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)),
    minutes=st.integers(min_value=15, max_value=240),
    time_zone=st.sampled_from(ZONES),
)
def test_any_instant_in_any_zone_survives_the_round_trip(start, minutes, time_zone):
    start = start.replace(microsecond=0)
    cal = parse(invite(session(start=start, minutes=minutes, time_zone=time_zone), stamp=STAMP))
    assert_timezones_complete(cal)
    vevent = only_event(cal)
    assert instant_by_vtimezone(cal, vevent, "DTSTART") == start
    assert instant_by_vtimezone(cal, vevent, "DTEND") == start + timedelta(minutes=minutes)


# --- feeds -----------------------------------------------------------------------------


def test_feed_has_every_event_and_a_vtimezone_per_zone():
    events = [
        session(1, start=utc(2025, 3, 25, 17, 0), time_zone=BERLIN),
        session(2, start=utc(2025, 3, 25, 17, 0), time_zone=NEW_YORK),
        session(3, start=utc(2025, 11, 3, 18, 0), time_zone=NEW_YORK, cancelled=True, sequence=2),
        session(4, start=utc(2026, 4, 1, 16, 0), time_zone=BERLIN),
    ]
    cal = parse(feed(events, "Maya's PM Cohort sessions", stamp=STAMP))

    assert "METHOD" not in cal
    assert str(cal["X-WR-CALNAME"]) == "Maya's PM Cohort sessions"
    assert cal["REFRESH-INTERVAL"].to_ical() == cal["X-PUBLISHED-TTL"].to_ical() == b"PT1H"
    assert str(cal["PRODID"]) == PRODID
    assert_timezones_complete(cal)
    assert set(vtimezones(cal)) == {BERLIN, NEW_YORK}

    by_uid = {str(vevent["UID"]): vevent for vevent in cal.walk("VEVENT")}
    assert set(by_uid) == {event_uid(n) for n in (1, 2, 3, 4)}
    assert str(by_uid[event_uid(3)]["STATUS"]) == "CANCELLED"
    assert {str(by_uid[event_uid(n)]["STATUS"]) for n in (1, 2, 4)} == {"CONFIRMED"}
    for event in events:
        vevent = by_uid[event.uid]
        assert vevent["DTSTART"].params["TZID"] == event.time_zone
        assert vevent["SEQUENCE"] == event.sequence
        assert instant_by_vtimezone(cal, vevent, "DTSTART") == event.start
        assert instant_by_vtimezone(cal, vevent, "DTEND") == event.end
        assert [str(a) for a in vevent["ATTENDEE"]] == ["mailto:maya@example.com", "mailto:sam@example.com"]
        assert str(vevent["ORGANIZER"]) == "mailto:sessions@pmcohort.app"


def test_feed_keeps_the_latest_version_of_each_event_sorted_by_start():
    old = session(1, start=utc(2025, 7, 1, 16, 0), sequence=0)
    moved = replace(old, sequence=1, start=utc(2025, 7, 2, 16, 0), end=utc(2025, 7, 2, 17, 0))
    earlier = session(2, start=utc(2025, 6, 1, 16, 0))
    cal = parse(feed([moved, earlier, old], "Sessions", stamp=STAMP))
    vevents = cal.walk("VEVENT")
    assert [str(v["UID"]) for v in vevents] == [event_uid(2), event_uid(1)]
    assert vevents[1]["SEQUENCE"] == 1
    assert vevents[1].decoded("DTSTART") == utc(2025, 7, 2, 16, 0)


def test_empty_feed_is_still_a_named_calendar():
    cal = parse(feed([], "Nothing yet", stamp=STAMP))
    assert str(cal["X-WR-CALNAME"]) == "Nothing yet"
    assert cal.walk("VEVENT") == [] and cal.walk("VTIMEZONE") == []


# --- validation ------------------------------------------------------------------------


def test_event_rejects_naive_times_backwards_times_and_unknown_zones():
    naive = datetime(2025, 6, 11, 18, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        session(start=naive)
    with pytest.raises(ValueError, match="end must be after start"):
        session(minutes=0)
    with pytest.raises(ValueError, match="unknown time zone"):
        session(time_zone="Mars/Olympus_Mons")
    with pytest.raises(ValueError, match="SEQUENCE"):
        session(sequence=-1)


def test_attendee_needs_an_email_address():
    assert Attendee("Sam", "mailto:sam@example.com").email == "sam@example.com"
    with pytest.raises(ValueError):
        Attendee("Sam", "not an address")
