"""Filters and globals the templates share."""

from datetime import datetime

from flask import Flask
from flask_login import current_user

from pmcohort.domain import limits, statuses, vocabulary
from pmcohort.domain.times import format_duration, format_local
from pmcohort.domain.wording import addressed, counted, possessive


def local_time(value: datetime | None, style: str = "full") -> str:
    """A stored UTC time in the viewer's own time zone, in one of `times.TIME_STYLES`."""
    if value is None:
        return ""
    return format_local(value, current_user.time_zone if current_user.is_authenticated else "UTC", style)


def label(key: str, labels: dict[str, str]) -> str:
    """The readable label of a vocabulary key."""
    return labels.get(key, key)


def for_reader(sentence: str, engineer) -> str:
    """A stored reason written for the current user; `engineer` is the User, or their full name (never the reader then)."""
    if isinstance(engineer, str):
        return addressed(sentence, engineer.split()[0], reader_is_engineer=False)
    return addressed(sentence, engineer.first_name, reader_is_engineer=engineer.id == current_user.id)


def init_templating(app: Flask) -> None:
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(label, "label")
    app.add_template_filter(counted, "counted")
    app.add_template_filter(possessive, "possessive")
    app.add_template_filter(for_reader, "for_reader")
    app.add_template_filter(format_duration, "duration")
    from pmcohort.accounts.signed_in import unread_notifications

    app.add_template_global(unread_notifications, "unread_notifications")
    app.add_template_global(vocabulary, "vocabulary")
    app.add_template_global(limits, "limits")
    # Templates compare statuses and kinds with the same names as the code does.
    for enum in (
        statuses.Role,
        statuses.MemberRole,
        statuses.MatchStatus,
        statuses.MatchSource,
        statuses.RunStatus,
        statuses.PairRuleKind,
        statuses.SessionKind,
        statuses.SessionStatus,
        statuses.ParticipantRole,
        statuses.Attendance,
        statuses.DocumentStatus,
        statuses.ReviewRole,
        statuses.ReviewDecision,
        statuses.RematchStatus,
        statuses.CohortStatus,
        statuses.ImportStatus,
        statuses.DepartureKind,
    ):
        app.add_template_global(enum, enum.__name__)
    app.add_template_global(statuses.COHORT_STATUS_LABELS, "COHORT_STATUS_LABELS")
