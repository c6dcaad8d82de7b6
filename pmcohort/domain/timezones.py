"""IANA time zone names: the one validator every form and rule uses."""

from functools import cache
from zoneinfo import available_timezones


@cache
def time_zone_names() -> tuple[str, ...]:
    # "localtime" and the POSIX-style aliases are not useful choices for a person.
    return tuple(sorted(name for name in available_timezones() if "/" in name or name == "UTC"))


def is_valid_time_zone(name: object) -> bool:
    # An exact lookup rather than trying ZoneInfo(name): ZoneInfo accepts file paths
    # and odd casing on some systems, and fails with several exception types.
    return isinstance(name, str) and name in _zone_set()


@cache
def _zone_set() -> frozenset[str]:
    return frozenset(time_zone_names())
