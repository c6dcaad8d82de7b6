"""Filters and globals the templates share."""

from datetime import datetime

from flask import Flask
from flask_login import current_user

from pmcohort.domain import limits, statuses, vocabulary
from pmcohort.domain.times import format_duration, format_local


def local_time(value: datetime | None, style: str = "full") -> str:
    """A stored UTC time in the viewer's own time zone, in one of `times.TIME_STYLES`."""
    if value is None:
        return ""
    return format_local(value, current_user.time_zone if current_user.is_authenticated else "UTC", style)


def label(key: str, labels: dict[str, str]) -> str:
    """The readable label of a vocabulary key."""
    return labels.get(key, key)


def init_templating(app: Flask) -> None:
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(label, "label")
    app.add_template_filter(format_duration, "duration")
    from pmcohort.signed_in import unread_notifications

    app.add_template_global(unread_notifications, "unread_notifications")
    app.add_template_global(vocabulary, "vocabulary")
    app.add_template_global(limits, "limits")
    # Templates compare statuses and kinds with the same names as the code does.
    for enum in (statuses.Role, statuses.MemberRole, statuses.MatchStatus, statuses.MatchSide, statuses.MatchSource, statuses.RunStatus,
                 statuses.PairRuleKind, statuses.SessionKind, statuses.SessionStatus, statuses.ParticipantRole, statuses.Attendance):
        app.add_template_global(enum, enum.__name__)
