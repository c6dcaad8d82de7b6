"""When reminders and chasers fall due: plain rules on times, nothing stored or sent here.

Each plan lists (kind, topic, due time) for one subject; the reminders service stores them as
rows and the beat sweep sends them when due. A reminder whose time passed before it was planned
is left out: a session booked for this afternoon gets its confirmation, not a late "24 h ahead".
One exception: a session planned less than an hour before it starts (booked or moved at short
notice, or planned by a backfill) still gets its "within the hour" reminder, at once, since that
is the one that gets people to turn up.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from pmcohort.domain.limits import REVIEW_DUE_WITHIN, REVIEW_LEAD_AFTER, REVIEW_NUDGE_AFTER

SESSION_REMINDERS = (("24h", timedelta(hours=24)), ("1h", timedelta(hours=1)))
LAST_REMINDER, LAST_REMINDER_AHEAD = SESSION_REMINDERS[-1]
FEEDBACK_CHASERS = (("feedback-24h", timedelta(hours=24)), ("feedback-72h", timedelta(hours=72)))
FEEDBACK_LEAD_AFTER = timedelta(days=7)
PROPOSAL_NUDGE_AFTER = timedelta(days=3)
PROPOSAL_LAST_DAY = timedelta(days=1)
DIGEST_WEEKDAY, DIGEST_TIME = 0, time(8, 0)  # Monday 08:00 in the lead's own time zone


@dataclass(frozen=True)
class Planned:
    kind: str
    topic: str
    due_at: datetime


def session_plan(start: datetime, end: datetime, now: datetime) -> list[Planned]:
    """Reminders 24 h and 1 h ahead; the feedback request at the end, chasers at 24 h and 72 h,
    and the cohort lead told at 7 days while feedback is still missing."""
    planned = [Planned(kind, "session.reminder", start - ahead) for kind, ahead in SESSION_REMINDERS]
    planned.append(Planned("feedback", "session.feedback_request", end))
    planned += [Planned(kind, "session.feedback_chaser", end + after) for kind, after in FEEDBACK_CHASERS]
    planned.append(Planned("feedback-lead", "session.feedback_overdue", end + FEEDBACK_LEAD_AFTER))
    kept = [each for each in planned if each.due_at > now]
    if start - LAST_REMINDER_AHEAD <= now < start:
        kept.insert(0, Planned(LAST_REMINDER, "session.reminder", now))
    return kept


def proposal_plan(proposed_at: datetime, expires_at: datetime, now: datetime) -> list[Planned]:
    """The side that has not answered after 3 days is reminded; the day before expiry, both
    sides and the lead are told."""
    planned = [
        Planned("nudge", "match.proposal_nudge", proposed_at + PROPOSAL_NUDGE_AFTER),
        Planned("last-day", "match.proposal_expiring", expires_at - PROPOSAL_LAST_DAY),
    ]
    return [each for each in planned if each.due_at > now]


REVIEW_NUDGE, REVIEW_DUE = "review-3d", "review-5d"
REVIEW_REMINDERS = ((REVIEW_NUDGE, REVIEW_NUDGE_AFTER), (REVIEW_DUE, REVIEW_DUE_WITHIN))


def review_plan(submitted_at: datetime, now: datetime) -> list[Planned]:
    """Whoever owes the review is reminded 3 days after the submission and again when it is due
    (5 days); the cohort's leads are told at 7 days. A time already passed is left out."""
    planned = [Planned(kind, "writing.review_overdue", submitted_at + after) for kind, after in REVIEW_REMINDERS]
    planned.append(Planned("review-lead", "writing.review_overdue_lead", submitted_at + REVIEW_LEAD_AFTER))
    return [each for each in planned if each.due_at > now]


def waited(since: datetime, now: datetime) -> str:
    """How long something has waited, in whole days as people say it: "3 days", "1 day", "less than a day"."""
    days = (now - since).days
    if days < 1:
        return "less than a day"
    return "1 day" if days == 1 else f"{days} days"


def next_digest_at(now: datetime, time_zone: str) -> datetime:
    """The next Monday 08:00 in `time_zone` at or after `now`, in UTC terms (aware)."""
    zone = ZoneInfo(time_zone)
    local = now.astimezone(zone)
    days_ahead = (DIGEST_WEEKDAY - local.weekday()) % 7
    candidate = datetime.combine(local.date() + timedelta(days=days_ahead), DIGEST_TIME, tzinfo=zone)
    if candidate < local:
        candidate = datetime.combine(candidate.date() + timedelta(days=7), DIGEST_TIME, tzinfo=zone)
    return candidate


def digest_week(due_at: datetime) -> str:
    """The ISO week a digest belongs to, e.g. "2026-W49": one digest per lead and week."""
    year, week, _ = due_at.isocalendar()
    return f"{year}-W{week:02d}"
