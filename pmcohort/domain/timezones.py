"""IANA time zone names: the one validator every form and rule uses."""

from functools import cache
from zoneinfo import available_timezones


@cache
def time_zone_names() -> tuple[str, ...]:
    # "localtime" and the POSIX-style aliases are not useful choices for a person.
    return tuple(sorted(name for name in available_timezones() if "/" in name or name == "UTC"))


def is_valid_time_zone(name: str) -> bool:
    return name in time_zone_names()
