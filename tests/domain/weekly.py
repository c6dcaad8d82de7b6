"""Builders for weekly availability in tests: "18:00" clocks, windows on several days, UTC instants."""

from datetime import UTC, datetime

from pmcohort.domain.availability import WeeklyWindow

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def hm(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def windows(days, start: str, end: str) -> tuple[WeeklyWindow, ...]:
    return tuple(WeeklyWindow(day, hm(start), hm(end)) for day in days)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)
