"""Booking sessions: clashes, what makes a requested time bookable, free slots,
weekly series and late cancellations.

Every session is a half-open UTC interval [start, end): one ending at 18:00 and
the next starting at 18:00 do not clash, so back-to-back sessions are allowed.
Times are checked in UTC; the web layer words messages in each viewer's zone,
which is why every problem carries a code (and, for a clash, the other session)
besides its ready-made message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from pmcohort.domain.availability import Availability, Interval, utc_intervals
from pmcohort.domain.limits import CANCELLATION_NOTICE
from pmcohort.domain.times import as_utc, format_duration, format_local_span

MAX_SESSION_LENGTH = timedelta(hours=3)
MIN_SESSION_LENGTH = timedelta(minutes=15)
DEFAULT_SLOT_STEP = timedelta(minutes=30)
# Sessions start and end on the quarter hour, the grid availability is counted in. Every time
# zone's offset is a multiple of 15 minutes, so a time on the grid in UTC is on it everywhere.
GRID_MINUTES = 15

# Availability windows never run past their local midnight, so widening a range
# by a day on each side brings whole windows into view, not the range's cut of them.
_WHOLE_WINDOW_MARGIN = timedelta(days=1)

ProblemCode = Literal["order", "past", "off_grid", "too_long", "too_short", "outside_availability", "overlap"]


@dataclass(frozen=True)
class Booking:
    """A session's time: aware datetimes, stored in UTC, with start before end."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        # Normalising here means every Booking compares, sorts and prints in UTC,
        # whatever zone the caller's datetimes carried.
        object.__setattr__(self, "start", as_utc(self.start))
        object.__setattr__(self, "end", as_utc(self.end))
        if self.end <= self.start:
            # An empty or reversed interval is never a real session, and overlaps()
            # would misjudge it, so it is a caller's mistake: validate_booking reports
            # the user's version ("order") before building a Booking.
            raise ValueError(f"Booking must end after it starts: {self.start.isoformat()} to {self.end.isoformat()}")


@dataclass(frozen=True)
class BookingProblem:
    code: ProblemCode
    message: str
    conflict: Booking | None = None  # the clashing session, for "overlap" only


def on_grid(moment: datetime) -> bool:
    return moment.minute % GRID_MINUTES == 0 and moment.second == 0 and moment.microsecond == 0


def grid_neighbours(moment: datetime) -> tuple[datetime, datetime]:
    """The quarter hours just before and just after an off-grid time."""
    earlier = moment.replace(minute=moment.minute - moment.minute % GRID_MINUTES, second=0, microsecond=0)
    return earlier, earlier + timedelta(minutes=GRID_MINUTES)


def overlaps(a: Booking, b: Booking) -> bool:
    return a.start < b.end and b.start < a.end


def conflicts(candidate: Booking, existing: Iterable[Booking]) -> list[Booking]:
    """The existing bookings that clash with candidate, earliest first."""
    return sorted(
        (booking for booking in existing if overlaps(candidate, booking)),
        key=lambda booking: (booking.start, booking.end),
    )


def validate_booking(
    start: datetime,
    end: datetime,
    *,
    now: datetime,
    host_availability: Availability | None,
    busy: Iterable[Booking],
    max_length: timedelta = MAX_SESSION_LENGTH,
    min_length: timedelta = MIN_SESSION_LENGTH,
) -> list[BookingProblem]:
    """Everything wrong with booking [start, end); empty when it can be booked.

    All problems are reported together so a person can fix them in one go.
    busy holds the sessions of everyone taking part; when moving a session,
    leave the session being moved out of it. A naive datetime is a programming
    error and raises ValueError.
    """
    start, end, now = as_utc(start), as_utc(end), as_utc(now)
    problems: list[BookingProblem] = []
    if start < now:
        problems.append(BookingProblem("past", "This time has already passed; pick a time in the future."))
    if end <= start:
        # Length, availability and clashes mean nothing for a reversed interval.
        problems.append(BookingProblem("order", "The end must be after the start."))
        return problems

    length = end - start
    if length > max_length:
        problems.append(
            BookingProblem(
                "too_long",
                f"A session can last at most {format_duration(max_length)}; this one lasts {format_duration(length)}.",
            )
        )
    if length < min_length:
        problems.append(
            BookingProblem(
                "too_short",
                f"A session must last at least {format_duration(min_length)}; this one lasts {format_duration(length)}.",
            )
        )

    # After the length: "at least 15 min" helps more than "off the grid" for a 10-minute session.
    if not (on_grid(start) and on_grid(end)):
        problems.append(
            BookingProblem("off_grid", "Sessions start and end on the quarter hour (:00, :15, :30 or :45).")
        )
    if host_availability is not None and not _within_availability(host_availability, start, end):
        problems.append(
            BookingProblem(
                "outside_availability",
                "This time is outside the host's availability; pick a time within their available hours.",
            )
        )

    for clash in conflicts(Booking(start, end), busy):
        problems.append(
            BookingProblem(
                "overlap",
                f"This overlaps your session on {format_local_span(clash.start, clash.end, 'UTC')}.",
                conflict=clash,
            )
        )
    return problems


def free_slots(
    availability: Availability,
    busy: Iterable[Booking],
    *,
    start_utc: datetime,
    end_utc: datetime,
    length: timedelta,
    step: timedelta = DEFAULT_SLOT_STEP,
    now: datetime,
) -> list[Booking]:
    """Bookable slots of the given length within [start_utc, end_utc), earliest first.

    A slot lies wholly inside the host's availability and the range, clashes
    with no busy booking and does not start before now. Slots start every step
    from the real start of each availability interval, not from where the range
    or now happens to cut it, so a host free from 18:00 is offered 18:00, 18:30,
    ... whenever one asks. (Availability that runs on for days without a break
    has no real start within reach; its steps count from a day before the range.)
    """
    if length <= timedelta(0) or step <= timedelta(0):
        raise ValueError("Slot length and step must be positive.")
    start_utc, end_utc, now = as_utc(start_utc), as_utc(end_utc), as_utc(now)
    earliest_start = max(start_utc, now)
    # Only bookings touching the range can block a slot; the rest need not be checked per slot.
    in_range = [booking for booking in busy if booking.start < end_utc and start_utc < booking.end]

    slots: list[Booking] = []
    for interval_start, interval_end in _whole_intervals(availability, start_utc, end_utc):
        slot_start = interval_start
        while slot_start + length <= min(interval_end, end_utc):
            slot = Booking(slot_start, slot_start + length)
            if slot_start >= earliest_start and not any(overlaps(slot, booking) for booking in in_range):
                slots.append(slot)
            slot_start += step
    return slots


def weekly_occurrences(first_start_local: datetime, duration: timedelta, count: int) -> list[Booking]:
    """count weekly sessions keeping first_start_local's wall-clock time, in UTC.

    first_start_local must carry its series' IANA zone (a ZoneInfo): a cohort
    workshop at Tuesday 18:00 Europe/Berlin stays at 18:00 in Berlin, so its UTC
    time moves by an hour when Berlin changes clocks. Local times that do not
    exist or happen twice follow RFC 5545, as availability does:
    - a time in a spring-forward gap moves forward by the gap's length
      (Berlin, 30 March 2025: 02:30 becomes 03:30 CEST), for that week only;
    - a time in an autumn fold takes its first occurrence (the earlier instant),
      the first session included.
    """
    zone = first_start_local.tzinfo
    if not isinstance(zone, ZoneInfo):
        # A fixed offset (such as one from astimezone) would silently drop the
        # zone's daylight-saving rules and the series would drift in local time.
        raise ValueError(
            f"{first_start_local.isoformat()} needs its series' time zone as a ZoneInfo, "
            'e.g. ZoneInfo("Europe/Berlin") or ZoneInfo("UTC")'
        )
    if count < 0:
        raise ValueError(f"count cannot be negative: {count}")
    # Each date is the first plus whole weeks of wall-clock time (aware datetime
    # arithmetic within one zone), never the previous occurrence plus a week, so
    # a gap shift in one week is not carried into the next. Adding a timedelta
    # always yields fold=0 (PEP 495), week 0 included, and fold=0 is exactly the
    # RFC 5545 reading of gap and fold times when converting to UTC.
    occurrences: list[Booking] = []
    for week in range(count):
        start = (first_start_local + timedelta(weeks=week)).astimezone(UTC)
        occurrences.append(Booking(start, start + duration))
    return occurrences


def is_late_cancellation(start: datetime, cancelled_at: datetime, notice: timedelta = CANCELLATION_NOTICE) -> bool:
    """Cancelling less than notice before the start (or after it) is late; exactly notice is not."""
    return as_utc(start) - as_utc(cancelled_at) < notice


# --- helpers


def _whole_intervals(availability: Availability, start_utc: datetime, end_utc: datetime) -> list[Interval]:
    """Availability intervals reaching into [start_utc, end_utc), not cut at its edges.

    utc_intervals merges touching windows, so a session may run from one window
    straight into the next (20:00-22:00 after 18:00-20:00, or across midnight).
    """
    return [
        (interval_start, interval_end)
        for interval_start, interval_end in utc_intervals(
            availability, start_utc - _WHOLE_WINDOW_MARGIN, end_utc + _WHOLE_WINDOW_MARGIN
        )
        if interval_start < end_utc and start_utc < interval_end
    ]


def _within_availability(availability: Availability, start: datetime, end: datetime) -> bool:
    return any(
        interval_start <= start and end <= interval_end
        for interval_start, interval_end in _whole_intervals(availability, start, end)
    )
