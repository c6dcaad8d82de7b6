"""Weekly availability in a person's own time zone, turned into real UTC time.

People say "Tuesdays 18:00-20:00" in their own zone; matching needs the hours
two people share in an actual week. Windows are laid on each concrete local
date and converted with that date's UTC offset, so daylight-saving changes and
the date line come out right.

Local times that do not exist or happen twice follow RFC 5545, the rule the
calendar invites use too:
- a time skipped by a spring-forward gap is read with the offset in force
  before the gap, so it lands as far past the gap as it was into it
  (Berlin, 30 March 2025: 02:30 is taken as 03:30 CEST). A window lying
  wholly inside the gap shrinks to nothing and is dropped;
- a time repeated in an autumn fold means its first occurrence, so a window
  spanning the fold lasts an extra hour, as the clock says it should.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pmcohort.domain.times import as_utc

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
WEEK = timedelta(days=7)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class WeeklyWindow:
    """A recurring window in local time; end_minute 1440 means midnight at the end of the day."""

    weekday: int  # 0 = Monday .. 6 = Sunday
    start_minute: int  # minutes since local midnight
    end_minute: int

    def __str__(self) -> str:
        day = WEEKDAY_NAMES[self.weekday] if 0 <= self.weekday <= 6 else f"Day {self.weekday}"
        return f"{day} {_clock(self.start_minute)}\u2013{_clock(self.end_minute)}"


@dataclass(frozen=True)
class Away:
    """Unavailable on every local date from first_day to last_day, both included."""

    first_day: date
    last_day: date

    def __str__(self) -> str:
        return f"Away from {self.first_day.isoformat()} to {self.last_day.isoformat()}"

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


@dataclass(frozen=True)
class Availability:
    time_zone: str  # IANA name, e.g. "Europe/Berlin"
    windows: tuple[WeeklyWindow, ...] = ()
    away: tuple[Away, ...] = ()


def _clock(minute: int) -> str:
    hours, minutes = divmod(minute, 60)
    return f"{hours:02d}:{minutes:02d}"


# --- validation


def validate_windows(windows: Iterable[WeeklyWindow]) -> list[str]:
    """Messages a person can act on; empty when the windows are usable."""
    errors: list[str] = []
    well_formed: list[WeeklyWindow] = []
    for window in windows:
        if not 0 <= window.weekday <= 6:
            errors.append(f"{window}: pick a day from Monday to Sunday.")
        elif not (0 <= window.start_minute <= MINUTES_PER_DAY and 0 <= window.end_minute <= MINUTES_PER_DAY):
            errors.append(f"{window}: times must be between 00:00 and 24:00.")
        elif window.start_minute >= window.end_minute:
            errors.append(f"{window}: the end must be after the start.")
        else:
            well_formed.append(window)

    # Windows that merely touch (18:00-20:00 and 20:00-22:00) are fine.
    well_formed.sort(key=lambda w: (w.weekday, w.start_minute, w.end_minute))
    latest_ending: WeeklyWindow | None = None
    for window in well_formed:
        if latest_ending is not None and latest_ending.weekday == window.weekday:
            if window.start_minute < latest_ending.end_minute:
                errors.append(f"{window} overlaps {latest_ending}.")
            if window.end_minute <= latest_ending.end_minute:
                continue
        latest_ending = window
    return errors


def validate_away(away: Iterable[Away]) -> list[str]:
    return [
        f"{period}: the last day cannot be before the first." for period in away if period.last_day < period.first_day
    ]


# --- concrete time


def utc_intervals(availability: Availability, start_utc: datetime, end_utc: datetime) -> list[Interval]:
    """The UTC intervals within [start_utc, end_utc) when the person is available.

    Sorted, with touching or overlapping intervals merged. Away dates remove
    the windows of those local dates.
    """
    start_utc = as_utc(start_utc)
    end_utc = as_utc(end_utc)
    if end_utc <= start_utc:
        return []
    zone = ZoneInfo(availability.time_zone)
    windows_by_weekday: dict[int, list[WeeklyWindow]] = defaultdict(list)
    for window in availability.windows:
        windows_by_weekday[window.weekday].append(window)

    # A window stays within its own local date (ending at the next midnight at
    # the latest), so the local dates touching the range are all that can reach
    # into it; starting a day early keeps a window ending at midnight in view.
    day = start_utc.astimezone(zone).date() - timedelta(days=1)
    last_day = end_utc.astimezone(zone).date()
    intervals: list[Interval] = []
    while day <= last_day:
        if not any(period.covers(day) for period in availability.away):
            for window in windows_by_weekday[day.weekday()]:
                start = max(_local_to_utc(day, window.start_minute, zone), start_utc)
                end = min(_local_to_utc(day, window.end_minute, zone), end_utc)
                if start < end:
                    intervals.append((start, end))
        day += timedelta(days=1)
    return merged(intervals)


def overlap_hours(a: Availability, b: Availability, week_start_utc: datetime) -> float:
    """Hours both are available in the seven days from week_start_utc."""
    week_end_utc = week_start_utc + WEEK
    shared = _intersection(
        utc_intervals(a, week_start_utc, week_end_utc), utc_intervals(b, week_start_utc, week_end_utc)
    )
    return sum((end - start).total_seconds() for start, end in shared) / 3600


def weekly_minutes(availability: Availability, week_start_utc: datetime) -> tuple[tuple[int, int], ...]:
    """Available [start, end) minutes from week_start_utc (0..10080), sorted and merged."""
    week_start_utc = as_utc(week_start_utc)
    offsets = []
    for start, end in utc_intervals(availability, week_start_utc, week_start_utc + WEEK):
        # Round inward, so a week start off the minute never claims time nobody offered.
        first = -(-(start - week_start_utc) // timedelta(minutes=1))
        last = (end - week_start_utc) // timedelta(minutes=1)
        if first < last:
            offsets.append((first, last))
    return tuple(offsets)


def windows_keeping_instants(
    windows: Iterable[WeeklyWindow], from_zone: str, to_zone: str, week_start_utc: datetime
) -> tuple[WeeklyWindow, ...]:
    """The same weekly moments written in another zone, as they fall in the week from week_start_utc.

    A window that crosses midnight in the new zone is split at it; the offsets of that week are
    used, so across a daylight-saving change the result can differ by an hour from other weeks.
    """
    week_start_utc = as_utc(week_start_utc)
    source, target = ZoneInfo(from_zone), ZoneInfo(to_zone)
    first_day = week_start_utc.astimezone(source).date()
    minutes_by_weekday: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for window in windows:
        day = first_day + timedelta(days=(window.weekday - first_day.weekday()) % 7)
        start = _local_to_utc(day, window.start_minute, source).astimezone(target)
        end = _local_to_utc(day, window.end_minute, source).astimezone(target)
        while start < end:
            midnight = datetime.combine(start.date() + timedelta(days=1), time(), tzinfo=target)
            piece_end = min(end, midnight)
            start_minute = start.hour * 60 + start.minute
            length = int((piece_end - start).total_seconds() // 60)
            minutes_by_weekday[start.weekday()].append((start_minute, min(start_minute + length, MINUTES_PER_DAY)))
            start = piece_end
    converted = []
    for weekday, spans in sorted(minutes_by_weekday.items()):
        for start_minute, end_minute in merged(spans):
            converted.append(WeeklyWindow(weekday, start_minute, end_minute))
    return tuple(converted)


def _local_to_utc(day: date, minute: int, zone: ZoneInfo) -> datetime:
    # Wall-clock arithmetic on a naive datetime, then fold=0 (the default):
    # exactly the RFC 5545 reading of gap and fold times described above.
    wall_clock = datetime.combine(day, time()) + timedelta(minutes=minute)
    return wall_clock.replace(tzinfo=zone).astimezone(UTC)


def merged(intervals: Iterable[tuple]) -> list[tuple]:
    """(start, end) intervals, sorted, with the overlapping and touching ones joined."""
    joined: list[tuple] = []
    for start, end in sorted(intervals):
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return joined


def _intersection(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """Both inputs sorted and merged; walks them together."""
    shared: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start = max(a[i][0], b[j][0])
        end = min(a[i][1], b[j][1])
        if start < end:
            shared.append((start, end))
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1
    return shared
