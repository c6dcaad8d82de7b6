"""Calendar invites (iTIP, RFC 5546) and subscription feeds (RFC 5545) for sessions.

Plain data in, iCalendar bytes out: no Flask, no database.

- `invite(event)` is the attachment of an invitation email: METHOD:REQUEST, or
  METHOD:CANCEL with STATUS:CANCELLED. Calendars match updates and
  cancellations to the original by UID and take the highest SEQUENCE, so the
  caller keeps the UID stable (see `event_uid`) and raises the sequence on every
  change it sends.
- `feed(events, name)` is a calendar people subscribe to: no METHOD, every event
  once, cancelled ones kept with STATUS:CANCELLED so subscribers drop them.

Times are written as local times with TZID=<IANA zone>, and each calendar
carries a VTIMEZONE for every TZID it uses (RFC 5545 3.2.19 requires one).
Outlook reads only DTSTART, RRULE, TZOFFSETFROM and TZOFFSETTO of a VTIMEZONE
and ignores RDATE ([MS-STANOICAL] 2.2.47), so zones whose daylight-saving rule
is "the nth (or last) weekday of a month" get one STANDARD and one DAYLIGHT
observance with a yearly RRULE, like Outlook and Google write themselves. The
rule is derived from the zone's real transitions in the years the events use and
checked against every one of them; a zone that does not follow such a rule
there (rare: Morocco, Gaza) gets an exact, RDATE-based definition instead.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard
from icalendar.prop import vCalAddress, vDuration, vRecur

PRODID = "-//PM Cohort//Sessions//EN"
DEFAULT_UID_DOMAIN = "pmcohort.app"
FEED_REFRESH = timedelta(hours=1)

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str

    def __post_init__(self) -> None:
        email = self.email.strip()
        if email.lower().startswith("mailto:"):
            email = email[len("mailto:") :]
        if "@" not in email or any(c.isspace() for c in email):
            raise ValueError(f"not an email address: {self.email!r}")
        object.__setattr__(self, "email", email)


@dataclass(frozen=True, kw_only=True)
class InviteEvent:
    """One session as calendars see it. Keyword-only: there are many fields of one type."""

    uid: str
    sequence: int
    start: datetime  # aware; any zone, converted to time_zone on output
    end: datetime  # aware
    time_zone: str  # IANA zone the event is shown in
    summary: str
    description: str
    location: str | None
    organizer: Attendee
    attendees: tuple[Attendee, ...]
    cancelled: bool = False
    created: datetime  # aware
    last_modified: datetime  # aware

    def __post_init__(self) -> None:
        if not self.uid or any(c.isspace() for c in self.uid):
            raise ValueError(f"UID must be non-empty without spaces: {self.uid!r}")
        if self.sequence < 0:
            raise ValueError("SEQUENCE cannot be negative")
        for field in ("start", "end", "created", "last_modified"):
            value = getattr(self, field)
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"{field} must be timezone-aware")
        if self.end <= self.start:
            raise ValueError("end must be after start")
        _zone(self.time_zone)  # raises for an unknown zone
        object.__setattr__(self, "attendees", tuple(self.attendees))


def event_uid(session_id: int, domain: str = DEFAULT_UID_DOMAIN) -> str:
    """The UID of a session's event: the same for every update and the cancellation."""
    return f"session-{int(session_id)}@{domain}"


def invite(event: InviteEvent, *, stamp: datetime | None = None) -> bytes:
    """An iTIP message for an email attachment (Content-Type: text/calendar; method=...).

    `stamp` is DTSTAMP, when this message was made; it defaults to now.
    """
    cal = _calendar([event], stamp)
    cal.add("method", "CANCEL" if event.cancelled else "REQUEST")
    return _finish(cal)


def feed(events: Iterable[InviteEvent], name: str, *, stamp: datetime | None = None) -> bytes:
    """A subscription calendar with every event once, sorted by start.

    Should an event appear more than once (same UID), the copy with the highest
    SEQUENCE (then the latest LAST-MODIFIED) wins: a feed must not repeat a UID.
    """
    latest: dict[str, InviteEvent] = {}
    for event in events:
        kept = latest.get(event.uid)
        if kept is None or (event.sequence, event.last_modified) > (kept.sequence, kept.last_modified):
            latest[event.uid] = event
    ordered = sorted(latest.values(), key=lambda e: (e.start, e.uid))
    cal = _calendar(ordered, stamp)
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(FEED_REFRESH))  # an X- property is text unless typed
    return _finish(cal)


# --- building ------------------------------------------------------------------------


def _calendar(events: list[InviteEvent], stamp: datetime | None) -> Calendar:
    stamp = (stamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")

    vevents = [_vevent(event, stamp) for event in events]
    # The years each TZID is used in, so its VTIMEZONE covers them.
    years: dict[str, set[int]] = {}
    for vevent in vevents:
        for prop in ("DTSTART", "DTEND"):
            tzid = vevent[prop].params.get("TZID")
            if tzid:
                years.setdefault(tzid, set()).add(vevent.decoded(prop).year)
    # VTIMEZONEs ahead of the events that use them, the usual order.
    for tzid in sorted(years):
        cal.add_component(_vtimezone(tzid, min(years[tzid]), max(years[tzid])))
    for vevent in vevents:
        cal.add_component(vevent)
    return cal


def _finish(cal: Calendar) -> bytes:
    missing = cal.get_missing_tzids()
    if missing:  # a bug here, never the caller's: refuse to send a broken calendar
        raise AssertionError(f"VTIMEZONE missing for {sorted(missing)}")
    return cal.to_ical()


def _vevent(event: InviteEvent, stamp: datetime) -> Event:
    zone = _zone(event.time_zone)
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", _local(event.start, zone))
    vevent.add("dtend", _local(event.end, zone))
    vevent.add("created", _seconds(event.created.astimezone(UTC)))
    vevent.add("last-modified", _seconds(event.last_modified.astimezone(UTC)))
    vevent.add("summary", event.summary)
    vevent.add("description", event.description)
    if event.location:
        vevent.add("location", event.location)
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    vevent.add("transp", "OPAQUE")
    vevent.add("organizer", _address(event.organizer))
    seen: set[str] = set()
    for attendee in event.attendees:
        key = attendee.email.lower()
        if key in seen:
            continue
        seen.add(key)
        params = {"ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION"}
        if not event.cancelled:  # a cancellation asks for no reply
            params["RSVP"] = "TRUE"
        vevent.add("attendee", _address(attendee, **params))
    return vevent


def _address(person: Attendee, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    cn = _common_name(person.name)
    if cn:
        address.params["CN"] = cn
    address.params.update(params)
    return address


def _common_name(name: str) -> str:
    # A parameter value cannot hold line breaks, and Outlook shows RFC 6868's ^' escape
    # for a double quote literally, so use plain substitutes.
    return " ".join(name.replace('"', "'").split())


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    """The moment as a local time in zone, or in UTC when a local time cannot say it.

    A local time repeated by an autumn fold means its first occurrence (RFC 5545
    3.3.5), so the second occurrence is written in UTC ("Z") to keep the instant.
    """
    local = _seconds(moment).astimezone(zone)
    if local.replace(fold=0).utcoffset() != local.utcoffset():
        return local.astimezone(UTC)
    return local


def _seconds(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as error:
        raise ValueError(f"unknown time zone: {name!r}") from error


# --- VTIMEZONE -----------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _vtimezone_lines(tzid: str, first_year: int, last_year: int) -> bytes:
    zone = _zone(tzid)
    # The rules start a year early, so the events' first year is covered from 1 January
    # (before its first onset a client may guess any offset), and a rule must hold for
    # at least two years: one year's changes alone fit some weekday rule by chance.
    observances = _rule_observances(zone, first_year - 1, last_year)
    if observances is None:
        observances = _exact_observances(zone, first_year - 1, last_year)
    vtimezone = Timezone()
    vtimezone.add("tzid", tzid)
    vtimezone.add("x-lic-location", tzid)
    for observance in observances:
        vtimezone.add_component(observance)
    return vtimezone.to_ical()


def _vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    # Cached as text: components are mutable, each calendar gets its own copy.
    return Timezone.from_ical(_vtimezone_lines(tzid, first_year, last_year))


def _rule_observances(
    zone: ZoneInfo, first_year: int, last_year: int
) -> list[TimezoneStandard | TimezoneDaylight] | None:
    """STANDARD and DAYLIGHT with yearly RRULEs true for every transition of the years, or None."""
    start = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    transitions = _transitions(zone, start, end)
    if not transitions:  # one offset all along: a single STANDARD
        return _exact_observances(zone, first_year, last_year)

    by_change: dict[tuple[timedelta, timedelta], list[datetime]] = {}
    for instant, before, after in transitions:
        by_change.setdefault((before, after), []).append(instant)
    years = list(range(first_year, last_year + 1))
    if len(by_change) != 2 or any(len(v) != len(years) for v in by_change.values()):
        return None  # not one change each way per year: no yearly rule describes it

    observances: list[TimezoneStandard | TimezoneDaylight] = []
    for (before, after), instants in sorted(by_change.items(), key=lambda item: item[1][0]):
        onsets = [instant.replace(tzinfo=None) + before for instant in instants]  # local, old offset
        if [onset.year for onset in onsets] != years:
            return None
        byday = _yearly_rule(onsets)
        if byday is None:
            return None
        observance = TimezoneDaylight() if after > before else TimezoneStandard()
        observance.add("dtstart", onsets[0])
        observance.add("rrule", vRecur({"FREQ": "YEARLY", "BYMONTH": onsets[0].month, "BYDAY": byday}))
        observance.add("tzoffsetfrom", before)
        observance.add("tzoffsetto", after)
        observance.add("tzname", instants[0].astimezone(zone).tzname())
        observances.append(observance)
    return observances


def _exact_observances(zone: ZoneInfo, first_year: int, last_year: int) -> list[TimezoneStandard | TimezoneDaylight]:
    """Every offset change of the years, listed with RDATEs: exact, though Outlook ignores RDATE.

    Not icalendar's Timezone.from_tzinfo: in icalendar 7.3 its search steps 64 days at a
    time and misses a shorter excursion, such as Morocco's five weeks on +00 in Ramadan.
    """
    start = datetime(first_year, 1, 1, tzinfo=UTC)
    initial = start.astimezone(zone)
    standard = TimezoneStandard()
    standard.add("dtstart", datetime(first_year, 1, 1))
    standard.add("tzoffsetfrom", initial.utcoffset())
    standard.add("tzoffsetto", initial.utcoffset())
    standard.add("tzname", initial.tzname())
    observances: list[TimezoneStandard | TimezoneDaylight] = [standard]
    by_change: dict[tuple[timedelta, timedelta, str | None], list[datetime]] = {}
    for instant, before, after in _transitions(zone, start, datetime(last_year + 1, 1, 1, tzinfo=UTC)):
        key = (before, after, instant.astimezone(zone).tzname())
        by_change.setdefault(key, []).append(instant.replace(tzinfo=None) + before)
    for (before, after, name), onsets in by_change.items():
        observance = TimezoneDaylight() if after > before else TimezoneStandard()
        observance.add("dtstart", onsets[0])
        if onsets[1:]:
            observance.add("rdate", onsets[1:])
        observance.add("tzoffsetfrom", before)
        observance.add("tzoffsetto", after)
        observance.add("tzname", name)
        observances.append(observance)
    return observances


def _yearly_rule(onsets: list[datetime]) -> str | None:
    """A BYDAY value ("2SU", "-1SU") that, with the month, gives every onset; None if none does."""
    first = onsets[0]
    if any((o.month, o.weekday(), o.time()) != (first.month, first.weekday(), first.time()) for o in onsets):
        return None
    weekday = _WEEKDAYS[first.weekday()]
    from_start = {(o.day - 1) // 7 + 1 for o in onsets}
    from_end = {-((calendar.monthrange(o.year, o.month)[1] - o.day) // 7 + 1) for o in onsets}
    if len(from_end) == 1 and from_end == {-1}:
        return f"-1{weekday}"  # "last Sunday": the common rule; prefer it when both fit
    if len(from_start) == 1:
        return f"{from_start.pop()}{weekday}"
    if len(from_end) == 1:
        return f"{from_end.pop()}{weekday}"
    return None


def _transitions(zone: ZoneInfo, start: datetime, end: datetime) -> list[tuple[datetime, timedelta, timedelta]]:
    """(UTC instant, offset before, offset after) for each UTC-offset change in [start, end)."""
    found = []
    step = timedelta(days=1)
    here, offset = start, start.astimezone(zone).utcoffset()
    while here < end:
        there = min(here + step, end)
        next_offset = there.astimezone(zone).utcoffset()
        if next_offset != offset:
            # Bisect whole seconds: offset at here + low is the old one, at here + high the new.
            low, high = 0, int((there - here).total_seconds())
            while high - low > 1:
                middle = (low + high) // 2
                if (here + timedelta(seconds=middle)).astimezone(zone).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            found.append((here + timedelta(seconds=high), offset, next_offset))
        here, offset = there, next_offset
    return found
