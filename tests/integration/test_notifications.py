"""Notifications as people receive them: emails parsed with Python's email parser, invites imported
with icalendar, inbox items, preferences and one-click unsubscribe, and failures an admin can see."""

from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import func, select

from pmcohort.cohorts import services as cohorts
from pmcohort.cohorts.models import Announcement, CohortInvitation, CohortMember
from pmcohort.core.config import Config
from pmcohort.core.email import message_id_for
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain.statuses import RematchChoice, RematchStatus
from pmcohort.mentoring import changes
from pmcohort.notifications import outbox
from pmcohort.notifications import services as preferences
from pmcohort.notifications.models import EmailDelivery, Notification, OutboxMessage
from pmcohort.ops.models import AuditEvent
from pmcohort.writing import services as writing
from tests.conftest import sign_in
from tests.factories import book, rematch_proposal, tomorrow_at
from tests.mail import deliver_pending, html_of, inbox_titles, text_of
from tests.services import REDIS_URL, require_postgres
from worker.schedule import BEAT_SCHEDULE


def calendar_part(message):
    [part] = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    return part


def invite_event(message):
    calendar = Calendar.from_ical(calendar_part(message).get_content())
    return calendar, next(iter(calendar.walk("VEVENT")))


def test_invites_are_calendar_alternatives_with_their_method_and_an_ics_attachment(app, pair, mailbox):
    engineer, mentor, match = pair
    session = book(match, engineer)
    deliver_pending()

    [message] = mailbox.to(engineer.email)
    assert message.get_content_type() == "multipart/mixed"
    alternative = next(part for part in message.walk() if part.get_content_type() == "multipart/alternative")
    assert [part.get_content_type() for part in alternative.iter_parts()] == [
        "text/plain",
        "text/html",
        "text/calendar",
    ]
    calendar = calendar_part(message)
    assert calendar.get_param("method") == "REQUEST" and calendar.get_param("charset").upper() == "UTF-8"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "invite.ics" and attachment.get_content_type() == "application/ics"
    assert Calendar.from_ical(attachment.get_content())["METHOD"] == "REQUEST"
    assert session.title in text_of(message)


def test_the_invite_keeps_its_uid_and_counts_its_sequence_through_a_reschedule_and_a_cancel(app, pair, mailbox):
    engineer, mentor, match = pair
    session = book(match, engineer)
    deliver_pending()
    changes.reschedule(session.id, actor_id=engineer.id, start=tomorrow_at(14), end=tomorrow_at(15), reason="Clash")
    deliver_pending()
    changes.cancel(session.id, actor_id=mentor.id, reason="Ill")
    deliver_pending()

    scheduled, moved, cancelled = mailbox.to(engineer.email)
    events = [invite_event(message) for message in (scheduled, moved, cancelled)]
    assert {str(event["UID"]) for _, event in events} == {f"session-{session.id}@pmcohort.app"}
    assert [int(event["SEQUENCE"]) for _, event in events] == [0, 1, 2]
    assert [str(calendar["METHOD"]) for calendar, _ in events] == ["REQUEST", "REQUEST", "CANCEL"]
    assert [calendar_part(message).get_param("method") for message in (scheduled, moved, cancelled)] == [
        "REQUEST",
        "REQUEST",
        "CANCEL",
    ]
    assert events[1][1].decoded("DTSTART") == tomorrow_at(14)
    assert str(events[2][1]["STATUS"]) == "CANCELLED"


def _every_topic(engineer, mentor, lead, match) -> dict[str, tuple[dict, set]]:
    """Each topic with its payload and who receives it."""
    cohort = cohorts.create_cohort(lead.id, "Spring", utcnow().date())
    match.cohort_id = cohort.id
    session = book(match, engineer)
    session.proposed_by = engineer.id
    match.closed_by, match.close_reason = engineer.id, "Found a mentor at work"
    proposal = rematch_proposal(
        match, status=RematchStatus.APPROVED, choice=RematchChoice.SECONDARY, new_match_id=match.id
    )

    db.session.add_all(
        [
            CohortMember(cohort_id=cohort.id, user_id=engineer.id, role="engineer"),
            CohortMember(cohort_id=cohort.id, user_id=mentor.id, role="mentor"),
        ]
    )
    announcement = Announcement(cohort_id=cohort.id, author_id=lead.id, title="Week 2", body="Workshop on Thursday.")
    invitation = CohortInvitation(
        cohort_id=cohort.id,
        email=engineer.email,
        name=engineer.name,
        role="engineer",
        expires_at=utcnow() + timedelta(days=3),
    )
    db.session.add_all([announcement, invitation])
    db.session.commit()
    both, all_three = {engineer.email, mentor.email}, {engineer.email, mentor.email, lead.email}
    document, review = _reviewed_document(engineer, mentor)
    waiting = _waiting_document(engineer)
    chaser = {"document_id": waiting.id, "version": 1, "kind": "review-3d"}
    return {
        "account.welcome": ({"user_id": engineer.id}, {engineer.email}),
        "account.password_reset": ({"user_id": engineer.id}, {engineer.email}),
        "account.sign_in_throttled": ({"user_id": engineer.id}, {engineer.email}),
        "match.proposed": ({"match_id": match.id}, both),
        "match.requested": ({"match_id": match.id}, {mentor.email}),
        "match.accepted": ({"match_id": match.id}, both),
        "match.declined": ({"match_id": match.id}, {mentor.email, lead.email}),
        "match.withdrawn": ({"match_id": match.id}, {mentor.email}),
        "match.expired": ({"match_id": match.id}, all_three),
        "match.proposal_nudge": ({"match_id": match.id}, both),
        "match.proposal_expiring": ({"match_id": match.id}, all_three),
        "session.scheduled": ({"session_id": session.id}, both),
        "session.proposed": ({"session_id": session.id}, {mentor.email}),
        "session.changed": ({"session_id": session.id, "reason": "A clash"}, both),
        "session.cancelled": ({"session_id": session.id, "user_ids": [engineer.id, mentor.id]}, both),
        "session.reminder": ({"session_id": session.id, "kind": "24h"}, both),
        "session.feedback_request": ({"session_id": session.id}, both),
        "session.feedback_chaser": ({"session_id": session.id}, both),
        "session.feedback_overdue": ({"session_id": session.id}, {lead.email}),
        "session.observation": ({"session_id": session.id}, {mentor.email}),
        "session.debrief_published": ({"session_id": session.id, "engineer_id": engineer.id}, {engineer.email}),
        "digest.weekly": ({"lead_id": lead.id, "week": "2026-W49"}, {lead.email}),
        "plan.changed": (
            {
                "engineer_id": engineer.id,
                "actor_id": mentor.id,
                "change": "moved",
                "title": "Ask",
                "week": 9,
                "note": "Later",
            },
            {engineer.email},
        ),
        "writing.review_requested": ({"document_id": document.id, "version_id": review.version_id}, {mentor.email}),
        "writing.review_done": ({"document_id": document.id, "review_id": review.id}, {engineer.email}),
        "writing.claim_lapsed": ({"document_id": document.id, "mentor_id": mentor.id}, {mentor.email}),
        "writing.review_overdue": (chaser, {mentor.email}),
        "writing.review_overdue_lead": ({**chaser, "kind": "review-lead"}, {lead.email}),
        "rematch.proposed": ({"proposal_id": proposal.id}, {lead.email}),
        "rematch.approved": ({"proposal_id": proposal.id}, {mentor.email}),
        "cohort.invitations": ({"invitation_ids": [invitation.id]}, {engineer.email}),
        "cohort.enrolled": ({"cohort_id": cohort.id, "user_ids": [engineer.id]}, {engineer.email}),
        "cohort.nudge": (
            {"cohort_id": cohort.id, "user_id": engineer.id, "lead_id": lead.id, "text": "Book a session"},
            {engineer.email},
        ),
        "cohort.announcement": ({"announcement_id": announcement.id}, both),
    }


def _reviewed_document(engineer, mentor):
    writing.seed_kinds()
    document = writing.create_document(engineer.id, kind_key="release_notes", title="Faster builds")
    writing.submit(document.id, engineer.id, title="Faster builds", body="# What's new\n\nBuilds take half the time.")
    review = writing.submit_review(
        document.id,
        mentor.id,
        scores={"customer_value": 3, "plain_reader": 4, "concise": 4},
        summary="Clear and short.",
        decision="approved",
    )
    return document, review


def _waiting_document(engineer):
    document = writing.create_document(engineer.id, kind_key="release_notes", title="Dark mode")
    return writing.submit(document.id, engineer.id, title="Dark mode", body="# What's new\n\nA dark theme.")


def test_every_topic_delivers_a_parsed_email_and_an_inbox_item_to_each_recipient(app, pair, mailbox, user_factory):
    engineer, mentor, match = pair
    lead = user_factory(roles=("lead",))
    cases = _every_topic(engineer, mentor, lead, match)
    # Not notifications: they start the matching solve and a CSV import on the worker.
    assert set(cases) == set(outbox.topics()) - {"matching.run", "cohort.import"}, "a new topic needs a case here"
    match.status = "proposed"  # the proposal reminders only go out for a match still waiting
    db.session.execute(db.delete(OutboxMessage))
    rows = {topic: outbox.enqueue(topic, **payload) for topic, (payload, _) in cases.items()}
    db.session.commit()
    deliver_pending()

    people = {person.email: person for person in (engineer, mentor, lead)}
    by_id = {message["Message-ID"]: message for message in mailbox.messages}
    for topic, (_, recipients) in cases.items():
        row = rows[topic]
        assert row.processed_at is not None and row.failed_at is None, topic
        for address in recipients:
            message = by_id.get(message_id_for(row.id, address))
            assert message is not None, f"{topic}: no email to {address}"
            assert message["To"] == address and message["Subject"]
            assert f"Hello {people[address].first_name}" in text_of(message)
            assert message["Subject"] in html_of(message) and 'name="color-scheme"' in html_of(message)
            item = db.session.scalar(
                select(Notification).where(Notification.outbox_id == row.id, Notification.user_id == people[address].id)
            )
            if topic in ("account.password_reset", "account.sign_in_throttled", "cohort.invitations"):
                # An invitation goes to an address that may have no account (and so no inbox) yet.
                assert item is None, "a security notice with a reset link belongs in email only"
            else:
                assert item is not None and item.title == message["Subject"], f"{topic}: no inbox item for {address}"
            if topic.startswith("account.") or topic == "cohort.invitations":
                assert message["List-Unsubscribe"] is None, "account and security email cannot be unsubscribed from"
            else:
                assert message["List-Unsubscribe"] and message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        for address in set(people) - recipients:
            assert message_id_for(row.id, address) not in by_id, f"{topic}: {address} should not be told"
    assert len(mailbox.messages) == sum(len(recipients) for _, recipients in cases.values())


def test_a_repeat_after_a_crash_between_smtp_and_commit_carries_the_same_message_id(app, user_factory, mailbox):
    user = user_factory(email="crash@example.com")
    row = outbox.enqueue("account.welcome", user_id=user.id)
    db.session.commit()
    outbox.deliver(row.id)
    # The state a crash leaves after the server accepted the email and before "sent" was committed.
    delivery = db.session.scalar(select(EmailDelivery).where(EmailDelivery.outbox_id == row.id))
    delivery.status, delivery.sent_at = "sending", None
    row.processed_at = None
    db.session.commit()
    outbox.deliver(row.id)

    first, repeat = mailbox.to("crash@example.com")
    assert first["Message-ID"] == repeat["Message-ID"] == message_id_for(row.id, "crash@example.com")
    assert delivery.status == "sent"
    assert db.session.scalar(select(func.count()).select_from(Notification).where(Notification.user_id == user.id)) == 1


def test_a_payload_that_cannot_be_handled_fails_its_row_without_holding_up_the_next(app, user_factory, mailbox):
    user = user_factory(email="next@example.com")
    poison = outbox.enqueue("account.welcome")  # no user_id: the handler can never run it
    after = outbox.enqueue("account.welcome", user_id=user.id)
    db.session.commit()
    deliver_pending()

    assert poison.failed_at is not None and "KeyError" in poison.last_error and poison.attempts == 1
    assert after.processed_at is not None and len(mailbox.to("next@example.com")) == 1
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "outbox.failed")).subject_id == poison.id
    assert outbox.due_ids() == [], "a failed row is not republished"


def test_a_nul_byte_fails_only_that_recipient_on_postgres(app, pair, mailbox):
    require_postgres()
    engineer, mentor, match = pair
    session = book(match, engineer)
    deliver_pending()
    row = outbox.enqueue("session.changed", session_id=session.id, reason="bad\x00input")
    db.session.commit()
    deliver_pending()

    deliveries = db.session.scalars(select(EmailDelivery).where(EmailDelivery.outbox_id == row.id)).all()
    assert {delivery.status for delivery in deliveries} == {"failed"} and len(deliveries) == 2
    assert all("NUL" in delivery.error for delivery in deliveries)
    assert row.processed_at is not None, "the row is done: nothing more can be sent for it"


def test_an_smtp_5xx_fails_that_recipient_for_good_shows_to_admins_and_can_be_retried(app, pair, mailbox, user_factory):
    engineer, mentor, match = pair
    mailbox.refuse_for_good.add(mentor.email)
    row = outbox.enqueue("match.accepted", match_id=match.id)
    db.session.commit()
    deliver_pending()

    assert len(mailbox.to(engineer.email)) == 1 and mailbox.to(mentor.email) == []
    failed = db.session.scalar(
        select(EmailDelivery).where(EmailDelivery.outbox_id == row.id, EmailDelivery.recipient == mentor.email)
    )
    assert failed.status == "failed" and "550" in failed.error
    assert outbox.due_ids() == [] and outbox.deliver(row.id) is False, "nothing more is sent for that recipient"

    admin = user_factory(roles=("admin",))
    client = app.test_client()
    sign_in(client, admin)
    page = client.get("/admin/deliveries").get_data(as_text=True)
    assert mentor.email in page and "550 No such mailbox here" in page and "match.accepted" in page

    mailbox.refuse_for_good.clear()  # the cause is fixed
    from tests.conftest import csrf_token_from

    response = client.post(f"/admin/deliveries/{row.id}/retry", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 303
    assert outbox.due_ids() == [row.id]
    deliver_pending()
    assert len(mailbox.to(mentor.email)) == 1 and len(mailbox.to(engineer.email)) == 1
    assert "Nothing failed" in client.get("/admin/deliveries").get_data(as_text=True)
    assert client.post("/admin/deliveries/999999/retry", data={"csrf_token": csrf_token_from(page)}).status_code == 404


def test_the_failed_email_page_is_for_admins_only(app, client, login, user_factory):
    login(user_factory(roles=("lead",)))
    assert client.get("/admin/deliveries").status_code in (403, 404)


def test_a_transient_error_retries_with_backoff_and_fails_after_the_last_attempt(app, user_factory, mailbox):
    user = user_factory(email="busy@example.com")
    row = outbox.enqueue("account.welcome", user_id=user.id)
    db.session.commit()
    app.config["SMTP_PORT"], port = 1, app.config["SMTP_PORT"]  # nobody listens there: connection refused
    try:
        for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
            assert outbox.deliver(row.id) is False
            assert row.attempts == attempt
            if attempt < outbox.MAX_ATTEMPTS:
                assert row.failed_at is None and row.next_attempt_at - utcnow() <= outbox.retry_delay(attempt)
                assert outbox.deliver(row.id) is False and row.attempts == attempt, "not before its retry time"
                row.next_attempt_at = utcnow() - timedelta(seconds=1)
                db.session.commit()
    finally:
        app.config["SMTP_PORT"] = port
    assert row.failed_at is not None and "Connection refused" in row.last_error
    assert outbox.retry_delay(1) == outbox.FIRST_RETRY_DELAY and outbox.retry_delay(20) == outbox.RETRY_DELAY_MAX


def test_preferences_choose_the_channels_per_category(app, pair, mailbox, form_post, login):
    engineer, mentor, match = pair
    login(mentor)
    fields = {
        f"{category}-{channel}": "y"
        for category in preferences.preferences_of(mentor.id)
        for channel in ("email", "in_app")
    }
    del fields["sessions-email"]  # sessions: inbox only
    del fields["matches-in_app"]  # matches: email only
    response = form_post("/settings/notifications", fields)
    assert response.status_code == 303
    assert preferences.channels_for(mentor.id, "sessions") == (False, True)
    assert preferences.channels_for(mentor.id, "matches") == (True, False)

    book(match, engineer)
    accepted = outbox.enqueue("match.accepted", match_id=match.id)
    db.session.commit()
    deliver_pending()

    subjects = [message["Subject"] for message in mailbox.to(mentor.email)]
    assert subjects == ["Your match is active"]
    assert inbox_titles(mentor) == ["Session scheduled"]
    assert len(mailbox.to(engineer.email)) == 2, "the other person's choices are their own"
    assert (
        db.session.scalar(
            select(EmailDelivery.status).where(
                EmailDelivery.outbox_id == accepted.id, EmailDelivery.recipient == mentor.email
            )
        )
        == "sent"
    )


def test_one_click_unsubscribe_needs_no_login_and_works_once(app, pair, mailbox):
    engineer, mentor, match = pair
    book(match, engineer)
    deliver_pending()
    [message] = mailbox.to(engineer.email)
    url = message["List-Unsubscribe"].strip("<>")
    assert url in text_of(message) and url in html_of(message)
    path = url.split("://", 1)[1].split("/", 1)[1]

    anonymous = app.test_client()
    confirm = anonymous.get(f"/{path}")
    assert confirm.status_code == 200 and "Stop sessions emails?" in confirm.get_data(as_text=True)
    assert preferences.channels_for(engineer.id, "sessions") == (True, True), "a GET (a link scanner) changes nothing"

    done = anonymous.post(f"/{path}", data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "You are unsubscribed" in done.get_data(as_text=True)
    assert preferences.channels_for(engineer.id, "sessions") == (False, True)
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "notifications.unsubscribed")).subject_id
        == engineer.id
    )

    again = anonymous.post(f"/{path}", data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 410 and "already used" in again.get_data(as_text=True)
    assert anonymous.get(f"/{path}x").status_code == 404


def test_the_inbox_counts_unread_and_pages_past_the_first_twenty(app, client, login, user_factory):
    user = user_factory()
    for number in range(45):
        db.session.add(
            Notification(user_id=user.id, title=f"Item {number:02d}", created_at=utcnow() + timedelta(seconds=number))
        )
    db.session.commit()
    login(user)

    first = client.get("/inbox").get_data(as_text=True)
    assert 'aria-label="45 unread"' in first and "45 unread of 45" in first
    assert "Item 44" in first and "Item 25" in first and "Item 24" not in first and "Page 1 of 3" in first
    last = client.get("/inbox?page=3").get_data(as_text=True)
    assert "Item 04" in last and "Item 00" in last and "Item 05" not in last

    page = client.get("/inbox").get_data(as_text=True)
    from tests.conftest import csrf_token_from

    client.post("/inbox/read", data={"csrf_token": csrf_token_from(page)})
    assert "All 45 read." in client.get("/inbox").get_data(as_text=True)


def test_the_broker_visibility_timeout_outlasts_every_wait_a_delivery_can_have(app, monkeypatch, tmp_path):
    deliver = app.extensions["celery"].tasks[outbox.DELIVER_TASK]
    assert deliver.acks_late and deliver.reject_on_worker_lost
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    options = Config(str(tmp_path)).CELERY["broker_transport_options"]
    timeout = options["visibility_timeout"]
    # A task held unacknowledged longer than this is handed to a second worker while the first still has it.
    assert timeout > outbox.RETRY_DELAY_MAX.total_seconds()
    assert timeout > 10 * (outbox.LEASE + outbox.UNCLAIMED_REPUBLISH).total_seconds()
    assert all(entry.get("options", {}).get("countdown", 0) < timeout for entry in BEAT_SCHEDULE.values())
    if REDIS_URL:  # the app under test runs on Redis: its own broker is configured the same way
        assert app.extensions["celery"].conf.broker_transport_options["visibility_timeout"] == timeout
