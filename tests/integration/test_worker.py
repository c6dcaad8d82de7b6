"""The real thing: a live server, a Celery worker with beat, the broker and an SMTP server."""

import urllib.request

import pytest
from sqlalchemy import select

from pmcohort.accounts import services as accounts
from pmcohort.core.extensions import db
from pmcohort.notifications.models import OutboxMessage
from tests.live import wait_until
from tests.mail import text_of

pytestmark = pytest.mark.live


def healthz_status(url: str) -> int:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_signing_up_sends_the_welcome_email_through_the_worker(live):
    with live.app.app_context():
        accounts.sign_up(accounts.NewAccount("new@example.com", "New Person", "a long enough pass", "UTC", "mentor"))

    [message] = live.inbox.wait_for("new@example.com", timeout=60)
    assert message["Subject"] == "Welcome to PM Cohort"
    assert "mentor profile" in text_of(message)
    with live.app.app_context():
        wait_until(lambda: db.session.scalar(select(OutboxMessage.processed_at)) is not None, message="processed_at")
        db.session.remove()


def test_work_committed_while_the_broker_was_unreachable_is_delivered_by_the_sweep(live):
    live.app.config["OUTBOX_PUBLISH_ON_COMMIT"] = False  # as if the publish after commit had failed
    with live.app.app_context():
        user = accounts.create_user(
            accounts.NewAccount("late@example.com", "Late Person", "a long enough pass", "UTC", "engineer"),
            roles=("engineer",),
        )
        accounts.request_password_reset(user.email)
        assert db.session.scalar(select(OutboxMessage.published_at)) is None
        db.session.remove()

    [message] = live.inbox.wait_for("late@example.com", timeout=60)
    assert message["Subject"] == "Reset your PM Cohort password"


def test_healthz_turns_ok_once_the_worker_reports(live):
    wait_until(lambda: healthz_status(live.url) == 200, timeout=60, message="healthz 200")
