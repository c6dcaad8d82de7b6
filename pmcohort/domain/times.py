"""Instants and durations as the product shows them: one way to read a time, one way to say a length.

Times are stored in UTC and shown in the viewer's own zone.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

# The ways a time is shown; weekday and month names come from strftime's C locale.
TIME_STYLES = {
    "full": "%a %d %b %Y, %H:%M",  # Tue 03 Jun 2025, 18:00 CEST
    "day_and_time": "%a %d %b, %H:%M",  # Tue 03 Jun, 18:00 CEST
    "time": "%H:%M",
    "day": "%d %b",
    "weekday_and_date": "%A %d %B",
}
# Styles that name the instant on their own carry the zone's abbreviation.
_ZONED_STYLES = {"full", "day_and_time"}


def as_utc(moment: datetime) -> datetime:
    """The same instant in UTC; a naive datetime is refused, since its instant is unknown."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no time zone; pass an aware datetime")
    return moment.astimezone(UTC)


def format_local(moment: datetime, zone: str, style: str = "full") -> str:
    """An instant as a person in `zone` reads it."""
    local = as_utc(moment).astimezone(ZoneInfo(zone))
    text = local.strftime(TIME_STYLES[style])
    return f"{text} {local.tzname()}" if style in _ZONED_STYLES else text


def format_local_span(start: datetime, end: datetime, zone: str) -> str:
    """Tue 03 Jun 2025, 18:00–19:00 CEST, or both ends in full when they fall on different days."""
    local_start, local_end = as_utc(start).astimezone(ZoneInfo(zone)), as_utc(end).astimezone(ZoneInfo(zone))
    if local_start.date() == local_end.date():
        return f"{local_start.strftime(TIME_STYLES['full'])}\u2013{local_end.strftime('%H:%M')} {local_end.tzname()}"
    return f"{format_local(start, zone)} \u2013 {format_local(end, zone)}"


def format_duration(duration: timedelta) -> str:
    """E.g. "3 h", "2 h 30 min", "45 s"; parts that are zero are left out."""
    hours, remainder = divmod(int(duration.total_seconds()), 3600)
    minutes, seconds = divmod(remainder, 60)
    parts = [f"{value} {unit}" for value, unit in ((hours, "h"), (minutes, "min"), (seconds, "s")) if value]
    return " ".join(parts) or "0 min"
