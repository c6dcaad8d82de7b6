"""Fault tests: a real worker process, real Redis (behind a proxy we can cut) and a real SMTP
server on loopback. Each is bounded in time; none asserts a speed."""

import os
import time
import urllib.request
from collections import Counter
from urllib.parse import urlsplit

import pytest
from sqlalchemy import insert, select

from pmcohort import create_app
from pmcohort.accounts import services as accounts
from pmcohort.accounts.models import User
from pmcohort.core.email import message_id_for
from pmcohort.core.extensions import db
from pmcohort.notifications import outbox
from pmcohort.notifications.models import EmailDelivery, OutboxMessage
from tests.conftest import csrf_token_from, sign_in
from tests.factories import make_user
from tests.faults import TcpProxy
from tests.live import Worker, wait_until
from tests.services import require_redis

pytestmark = pytest.mark.live


def _users(count: int, prefix: str) -> list[tuple[int, str]]:
    """Committed users, made in one statement (the batch test needs many)."""
    template = make_user(email=f"{prefix}-template@example.com")
    rows = [
        {
            "email": f"{prefix}{n}@example.com",
            "name": f"Person {n}",
            "password_hash": template.password_hash,
            "time_zone": "UTC",
        }
        for n in range(count)
    ]
    db.session.execute(insert(User), rows)
    db.session.commit()
    return db.session.execute(
        select(User.id, User.email)
        .where(User.email.like(f"{prefix}%@example.com"), User.email != template.email)
        .order_by(User.id)
    ).all()


def _restart(live, run_dir, **extra_env) -> None:
    live.worker.stop()
    live.worker = Worker(run_dir, {**live.settings, **extra_env})


@pytest.fixture
def redis_behind_a_proxy(live, run_dir, monkeypatch):
    """The worker and an app of its own reach Redis through a proxy the test can cut."""
    require_redis()
    broker = urlsplit(os.environ["CELERY_BROKER_URL"])
    proxy = TcpProxy(broker.hostname, broker.port or 6379)
    proxy.start()
    # Celery reads CELERY_BROKER_URL before its own configuration: both the new app and the worker see this.
    monkeypatch.setenv("CELERY_BROKER_URL", broker._replace(netloc=f"127.0.0.1:{proxy.port}").geturl())
    _restart(live, run_dir)
    app = create_app(
        {
            "TESTING": True,
            "OUTBOX_PUBLISH_ON_COMMIT": True,
            "SMTP_HOST": live.app.config["SMTP_HOST"],
            "SMTP_PORT": live.app.config["SMTP_PORT"],
        }
    )
    try:
        yield proxy, app
    finally:
        proxy.stop()
        live.app.extensions["celery"].set_default()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_change_committed_while_redis_is_down_is_delivered_once_when_it_returns(live, run_dir, redis_behind_a_proxy):
    proxy, app = redis_behind_a_proxy
    with app.app_context():
        user = make_user(email="before@example.com")
        accounts.request_password_reset(user.email)  # while all is well: proves the path works
        live.inbox.wait_for("before@example.com", timeout=60)

        proxy.stop()
        user = make_user(email="during@example.com")
        accounts.request_password_reset(user.email)  # commits; the publish after it fails
        assert db.session.scalar(select(OutboxMessage.published_at).order_by(OutboxMessage.id.desc()).limit(1)) is None
        time.sleep(10)  # Redis stays down a while; nothing can arrive meanwhile
        assert live.inbox.to("during@example.com") == []
        proxy.start()
        returned = time.monotonic()
        if live.worker.process.poll() is not None:
            # kombu 5.7 can exit the worker when Redis goes away while it holds unacknowledged
            # messages; a deployment's supervisor restarts it (compose: restart: unless-stopped).
            _restart(live, run_dir)

        live.inbox.wait_for("during@example.com", timeout=60)
        assert time.monotonic() - returned < 60
        time.sleep(outbox.UNCLAIMED_REPUBLISH.total_seconds())  # long enough for any republish to show up twice
        assert len(live.inbox.to("during@example.com")) == 1
        db.session.remove()


def test_a_change_that_rolls_back_sends_nothing(live):
    with live.app.app_context():
        rolled_back = make_user(email="rolled-back@example.com")
        outbox.enqueue("account.welcome", user_id=rolled_back.id)
        db.session.rollback()
        kept = make_user(email="kept@example.com")
        outbox.enqueue("account.welcome", user_id=kept.id)
        db.session.commit()
        db.session.remove()

    live.inbox.wait_for("kept@example.com", timeout=60)  # the worker is running and caught up with this commit
    assert live.inbox.to("rolled-back@example.com") == []
    assert [message["To"] for message in live.inbox.messages] == ["kept@example.com"]


def test_sigkill_mid_batch_loses_nothing_and_repeats_only_the_in_flight_message(live, run_dir):
    with live.app.app_context():
        people = _users(200, "batch")
        rows = [outbox.enqueue("account.welcome", user_id=user_id) for user_id, _ in people]
        db.session.commit()  # publishes the 200 tasks
        expected = {message_id_for(row.id, email) for row, (_, email) in zip(rows, people, strict=False)}
        db.session.remove()

    wait_until(lambda: len(live.inbox.messages) >= 40, timeout=90, message="the batch to be under way")
    live.worker.kill()
    at_kill = len(live.inbox.messages)
    assert at_kill < 200, "the batch finished before the kill: nothing was tested"
    _restart(live, run_dir)
    restarted = time.monotonic()

    wait_until(
        lambda: {m["Message-ID"] for m in live.inbox.messages} >= expected,
        timeout=60,
        message="every (row, recipient) to arrive within 60 s of the restart",
    )
    assert time.monotonic() - restarted < 60
    seen = Counter(message["Message-ID"] for message in live.inbox.messages)
    repeated = [message_id for message_id, count in seen.items() if count > 1]
    assert set(seen) == expected
    assert len(repeated) <= 1 and all(seen[message_id] == 2 for message_id in repeated), repeated


def _healthz(url: str) -> int:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=3) as response:  # a slow answer fails here
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_healthz_reports_a_killed_worker_within_30_seconds(live):
    wait_until(lambda: _healthz(live.url) == 200, timeout=60, message="healthz 200")
    live.worker.kill()
    killed = time.monotonic()
    wait_until(lambda: _healthz(live.url) == 503, timeout=30, interval=1, message="healthz to report the dead worker")
    assert time.monotonic() - killed <= 30


def test_smtp_4xx_is_retried_until_delivered_and_5xx_fails_that_recipient_for_good(live):
    live.inbox.busy_until = time.monotonic() + 20  # the server answers 451 to everyone for 20 s
    live.inbox.refuse_for_good.add("gone@example.com")
    with live.app.app_context():
        busy = make_user(email="busy@example.com")
        gone = make_user(email="gone@example.com", roles=("admin",))
        outbox.enqueue("account.welcome", user_id=busy.id)
        outbox.enqueue("account.welcome", user_id=gone.id)
        db.session.commit()
        admin_id = gone.id
        db.session.remove()

    live.inbox.wait_for("busy@example.com", timeout=90)
    assert live.inbox.rcpt_attempts["busy@example.com"] >= 2, "it was refused first, then retried"
    with live.app.app_context():
        wait_until(
            lambda: (
                db.session.scalar(select(EmailDelivery.status).where(EmailDelivery.recipient == "gone@example.com"))
                == "failed"
            ),
            timeout=60,
            message="the 5xx recipient to be marked failed",
        )
        attempts = live.inbox.rcpt_attempts["gone@example.com"]
        time.sleep(outbox.LEASE.total_seconds() + outbox.UNCLAIMED_REPUBLISH.total_seconds())  # several sweeps
        assert live.inbox.rcpt_attempts["gone@example.com"] == attempts, "nothing more is sent to a refused address"
        assert live.inbox.to("gone@example.com") == []

        admin_browser = live.app.test_client()
        sign_in(admin_browser, db.session.get(User, admin_id))
        page = admin_browser.get("/admin/deliveries").get_data(as_text=True)
        assert "gone@example.com" in page and "550" in page and csrf_token_from(page)
        db.session.remove()


def test_a_poison_payload_fails_its_row_without_blocking_the_rows_behind_it(live):
    with live.app.app_context():
        poison = outbox.enqueue("session.changed", reason="x")  # no session_id: a payload no handler can use
        people = [make_user(email=f"behind{n}@example.com") for n in range(5)]
        for person in people:
            outbox.enqueue("account.welcome", user_id=person.id)
        db.session.commit()
        poison_id = poison.id
        db.session.remove()

        for n in range(5):
            live.inbox.wait_for(f"behind{n}@example.com", timeout=60)
        failed = wait_until(
            lambda: db.session.scalar(
                select(OutboxMessage).where(OutboxMessage.id == poison_id, OutboxMessage.failed_at.is_not(None))
            ),
            timeout=30,
            message="the poison row to fail",
        )
        assert failed.last_error and failed.attempts == 1
        db.session.remove()
