"""Reminders, chasers and the lead digest: planned as rows with the change, sent by the sweep
when due, re-planned when a session moves, and sent once even when two sweeps run."""

from datetime import datetime, timedelta

from sqlalchemy import func, select, text

from pmcohort.cohorts import services as cohorts
from pmcohort.cohorts.models import Match
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain import reminders as rules
from pmcohort.mentoring import booking, changes
from pmcohort.mentoring.models import SessionFeedback
from pmcohort.mentorships import services as matching
from pmcohort.notifications import outbox, reminders
from pmcohort.notifications.models import DueReminder, OutboxMessage
from tests.factories import book, person, tomorrow_at
from tests.mail import deliver_pending, text_of
from tests.services import require_postgres


def planned(session_id: int) -> dict[str, datetime]:
    rows = db.session.scalars(
        select(DueReminder).where(
            DueReminder.subject_type == "session", DueReminder.subject_id == session_id, DueReminder.sent_at.is_(None)
        )
    ).all()
    return {row.payload["kind"]: row.due_at for row in rows}


def queued_topics() -> list[str]:
    return db.session.scalars(select(OutboxMessage.topic).order_by(OutboxMessage.id)).all()


def test_booking_plans_reminders_feedback_and_chasers_and_the_sweep_sends_each_once(app, pair):
    engineer, _, match = pair
    session = book(match, engineer, start=tomorrow_at(10) + timedelta(days=1))
    start, end = session.start_at, session.end_at
    assert planned(session.id) == {
        "24h": start - timedelta(hours=24),
        "1h": start - timedelta(hours=1),
        "feedback": end,
        "feedback-24h": end + timedelta(hours=24),
        "feedback-72h": end + timedelta(hours=72),
        "feedback-lead": end + timedelta(days=7),
    }
    db.session.execute(db.delete(OutboxMessage))

    assert reminders.send_due(now=start - timedelta(hours=2)) == 1
    assert reminders.send_due(now=start - timedelta(minutes=30)) == 1
    assert reminders.send_due(now=start - timedelta(minutes=30)) == 0, "a second sweep finds nothing"
    assert reminders.send_due(now=end + timedelta(days=8)) == 4
    assert queued_topics()[-4:] == [
        "session.feedback_request",
        "session.feedback_chaser",
        "session.feedback_chaser",
        "session.feedback_overdue",
    ]
    assert queued_topics().count("session.reminder") == 2


def test_a_move_re_plans_in_the_same_transaction_and_a_cancel_drops_the_plan(app, pair):
    engineer, mentor, match = pair
    session = book(match, engineer)
    changes.reschedule(session.id, actor_id=mentor.id, start=tomorrow_at(15), end=tomorrow_at(16), reason="Clash")
    assert planned(session.id) == {}, "a proposed time is not reminded until accepted"
    booking.accept(session.id, user_id=engineer.id)
    assert planned(session.id)["1h"] == tomorrow_at(14)
    keys = db.session.scalars(select(DueReminder.key).where(DueReminder.subject_id == session.id)).all()
    assert all(f":v{session.sequence}:" in key for key in keys)

    changes.cancel(session.id, actor_id=engineer.id, reason="Ill")
    assert planned(session.id) == {}
    assert reminders.send_due(now=tomorrow_at(23) + timedelta(days=30)) == 0


def test_a_session_booked_for_soon_gets_its_within_the_hour_reminder_at_once_and_no_late_24_hour_one(
    app, pair, mailbox
):
    engineer, mentor, match = pair
    # 35 to 50 minutes ahead, on the quarter-hour grid bookings use.
    in_35_minutes = utcnow().replace(second=0, microsecond=0) + timedelta(minutes=35)
    booked_at = utcnow()
    soon = book(match, engineer, start=in_35_minutes + timedelta(minutes=-in_35_minutes.minute % 15))
    plan = planned(soon.id)
    assert "24h" not in plan and "feedback" in plan
    assert booked_at <= plan["1h"] <= utcnow(), "due at once: its hour-ahead time had passed"

    db.session.execute(db.delete(OutboxMessage))
    assert reminders.send_due() == 1
    [reminder] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "session.reminder")).all()
    outbox.deliver(reminder.id)
    assert sorted(m["To"] for m in mailbox.messages) == sorted([engineer.email, mentor.email])
    assert {m["Subject"] for m in mailbox.messages} == {"Reminder: your session starts within the hour"}


def test_sessions_scheduled_without_a_plan_get_one_and_only_once(app, pair):
    engineer, _, match = pair
    ahead = book(match, engineer, start=tomorrow_at(10) + timedelta(days=2))
    db.session.execute(db.delete(DueReminder))  # as a session scheduled before reminders were rows

    assert reminders.plan_unplanned_sessions() == 1
    assert set(planned(ahead.id)) == {"24h", "1h", "feedback", "feedback-24h", "feedback-72h", "feedback-lead"}
    assert reminders.plan_unplanned_sessions() == 0, "planned sessions are left alone"


def test_the_demo_s_upcoming_sessions_have_their_reminders_planned(app):
    from pmcohort.demo import seed_demo
    from pmcohort.mentoring.models import MentoringSession

    seed_demo()
    upcoming = db.session.scalars(
        select(MentoringSession).where(MentoringSession.status == "scheduled", MentoringSession.start_at > utcnow())
    ).all()
    assert upcoming, "the demo has sessions coming up"
    for mentoring_session in upcoming:
        assert {"24h", "1h"} <= set(planned(mentoring_session.id)), mentoring_session.title


def test_feedback_chasers_reach_only_who_has_not_answered_and_the_lead_hears_at_seven_days(
    app, pair, mailbox, user_factory
):
    engineer, mentor, match = pair
    lead = user_factory(roles=("lead",))
    match.cohort_id = cohorts.create_cohort(lead.id, "Autumn", utcnow().date()).id
    session = book(match, engineer)
    db.session.add(SessionFeedback(session_id=session.id, author_id=mentor.id, rating=4, notes="Good"))
    db.session.commit()
    reminders.send_due(now=session.end_at + timedelta(days=8))
    deliver_pending()

    chasers = [m for m in mailbox.messages if m["Subject"] == "Your feedback is still missing"]
    assert [m["To"] for m in chasers] == [engineer.email, engineer.email]  # at 24 h and at 72 h
    [to_lead] = [m for m in mailbox.messages if m["Subject"] == "Feedback a week overdue"]
    assert to_lead["To"] == lead.email and engineer.name in text_of(to_lead) and mentor.name not in text_of(to_lead)


def test_an_unanswered_proposal_reminds_whoever_has_not_answered_then_everyone_the_day_before_expiry(
    app, user_factory, mailbox
):
    engineer = person(user_factory, ("engineer",))
    mentor = person(user_factory, ("mentor",))
    lead = user_factory(roles=("lead",))
    cohort = cohorts.create_cohort(lead.id, "Winter", utcnow().date())
    match = Match(
        engineer_id=engineer.id, mentor_id=mentor.id, source="cohort", cohort_id=cohort.id, created_at=utcnow()
    )
    db.session.add(match)
    reminders.plan_proposal(match, matching.PROPOSAL_EXPIRES_AFTER)
    db.session.commit()
    matching.accept(match.id, user_id=mentor.id)

    reminders.send_due(now=match.created_at + timedelta(days=3, minutes=1))
    deliver_pending()
    assert [m["To"] for m in mailbox.messages] == [engineer.email], "the mentor already answered"

    mailbox.messages.clear()
    reminders.send_due(now=match.created_at + timedelta(days=6, minutes=1))
    deliver_pending()
    assert sorted(m["To"] for m in mailbox.messages) == sorted([engineer.email, mentor.email, lead.email])
    assert {m["Subject"] for m in mailbox.messages} == {"A proposed match expires tomorrow"}


def test_the_digest_falls_on_monday_8am_in_each_leads_zone():
    sunday_evening_utc = datetime(2026, 3, 29, 23, 30, tzinfo=rules.ZoneInfo("UTC"))
    tokyo = rules.next_digest_at(sunday_evening_utc, "Asia/Tokyo")  # already Monday 08:30 there: next week
    assert (tokyo.weekday(), tokyo.hour, tokyo.date().isoformat()) == (0, 8, "2026-04-06")
    los_angeles = rules.next_digest_at(sunday_evening_utc, "America/Los_Angeles")
    assert (los_angeles.weekday(), los_angeles.hour, los_angeles.date().isoformat()) == (0, 8, "2026-03-30")
    berlin = rules.next_digest_at(datetime(2026, 3, 23, 12, tzinfo=rules.ZoneInfo("UTC")), "Europe/Berlin")
    assert berlin.utcoffset() == timedelta(hours=2), "the Monday after the spring change is in summer time"
    assert rules.digest_week(berlin) == "2026-W14"


def test_the_digest_is_planned_once_per_lead_and_week_and_tells_what_needs_doing(app, pair, mailbox, user_factory):
    engineer, mentor, match = pair
    lead = user_factory(roles=("lead",), time_zone="Europe/Berlin")
    match.cohort_id = cohorts.create_cohort(lead.id, "Summer", utcnow().date()).id
    session = book(match, engineer)
    db.session.commit()
    assert reminders.plan_digests() == 1
    assert reminders.plan_digests() == 0, "a second beat, or a second run, plans nothing more"
    [row] = db.session.scalars(select(DueReminder).where(DueReminder.topic == "digest.weekly")).all()
    assert row.due_at.astimezone(rules.ZoneInfo("Europe/Berlin")).strftime("%a %H:%M") == "Mon 08:00"

    assert reminders.send_due(now=row.due_at) >= 1
    digest_row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.topic == "digest.weekly"))
    outbox.deliver(digest_row.id)
    [message] = mailbox.to(lead.email)
    body = text_of(message)
    assert "Overdue:" in body and "At risk:" in body and "This week's sessions:" in body
    if session.start_at < utcnow() + timedelta(days=7):
        assert session.title in body


def test_two_sweeps_at_once_never_claim_the_same_reminder(committed_db):
    require_postgres()
    now = utcnow()
    db.session.add_all(
        DueReminder(
            key=f"test:{n}",
            topic="account.welcome",
            payload={"user_id": 0},
            subject_type="user",
            subject_id=n,
            due_at=now - timedelta(minutes=1),
        )
        for n in range(10)
    )
    db.session.commit()
    with db.engine.connect() as other_sweep:
        other_sweep.begin()
        held = (
            other_sweep.execute(text("SELECT id FROM due_reminders ORDER BY id LIMIT 4 FOR UPDATE SKIP LOCKED"))
            .scalars()
            .all()
        )
        assert len(held) == 4
        assert reminders.send_due(now=now) == 6, "the rows another sweep holds are skipped, not waited for"
        other_sweep.rollback()
    assert (
        db.session.scalar(
            select(func.count()).select_from(DueReminder).where(DueReminder.id.in_(held), DueReminder.sent_at.is_(None))
        )
        == 4
    )
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 6
