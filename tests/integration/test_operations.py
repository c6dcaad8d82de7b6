import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pmcohort import create_app
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.notifications import outbox
from pmcohort.notifications.models import EmailDelivery, Notification, OutboxMessage
from pmcohort.ops.models import WorkerHeartbeat


def test_unknown_url_gets_the_styled_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "find that page" in html and 'class="site-header"' in html


def test_unexpected_error_shows_the_request_id_and_logs_the_trace(caplog, run_dir):
    app = create_app()  # not TESTING: errors are handled as in production

    @app.get("/explode")
    def explode():
        raise RuntimeError("kaboom in a view")

    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/explode", headers={"X-Request-ID": "trace-me-12345"})
    with app.app_context():
        db.engine.dispose()

    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "trace-me-12345" in html
    assert "kaboom" not in html and "Traceback" not in html
    assert any("kaboom in a view" in (record.exc_text or "") or record.exc_info for record in caplog.records)


def test_every_response_carries_a_request_id(client):
    generated = client.get("/auth/login").headers["X-Request-ID"]
    assert len(generated) == 32
    assert (
        client.get("/auth/login", headers={"X-Request-ID": "from-the-proxy-1"}).headers["X-Request-ID"]
        == "from-the-proxy-1"
    )
    assert client.get("/auth/login", headers={"X-Request-ID": "bad id!"}).headers["X-Request-ID"] != "bad id!"


def test_healthz_is_503_until_a_worker_has_reported_recently(app, client):
    waiting = client.get("/healthz")
    assert waiting.status_code == 503
    assert waiting.json["checks"]["database"] == "ok"
    assert waiting.json["checks"]["broker"] == "ok"
    assert waiting.json["checks"]["worker"] == "no worker has reported yet"

    db.session.add(WorkerHeartbeat(worker="old", seen_at=utcnow() - timedelta(minutes=10)))
    db.session.flush()
    assert client.get("/healthz").json["checks"]["worker"].startswith("last heard from")

    db.session.add(WorkerHeartbeat(worker="fresh", seen_at=utcnow()))
    db.session.flush()
    healthy = client.get("/healthz")
    assert healthy.status_code == 200 and healthy.json["status"] == "ok"


def test_a_rolled_back_change_leaves_no_outbox_row(app, user_factory):
    user = user_factory()
    db.session.commit()
    outbox.enqueue("account.welcome", user_id=user.id)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_enqueue_refuses_a_topic_nobody_handles(app):
    with pytest.raises(ValueError, match="no outbox handler"):
        outbox.enqueue("no.such.topic")


def test_delivery_is_once_per_recipient_even_when_redelivered(app, user_factory, mailbox):
    user = user_factory(email="once@example.com")
    message = outbox.enqueue("account.welcome", user_id=user.id)
    db.session.commit()

    assert outbox.deliver(message.id) is True
    db.session.get(OutboxMessage, message.id).processed_at = None  # as if the worker died before recording it
    db.session.commit()
    outbox.deliver(message.id)

    assert len(mailbox.to("once@example.com")) == 1
    assert db.session.scalar(select(func.count()).select_from(EmailDelivery)) == 1
    assert db.session.scalar(select(func.count()).select_from(Notification).where(Notification.user_id == user.id)) == 1


def test_without_smtp_email_is_written_to_an_eml_file(app, user_factory, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_DIR", str(tmp_path))
    user = user_factory(email="file@example.com")
    message = outbox.enqueue("account.welcome", user_id=user.id)
    db.session.commit()
    outbox.deliver(message.id)
    [written] = tmp_path.glob("*.eml")
    assert "To: file@example.com" in written.read_text()


def test_a_failure_for_one_recipient_does_not_resend_to_the_others(app, user_factory, mailbox):
    from pmcohort.cohorts.models import Match

    engineer, mentor = (
        user_factory(email="first@example.com"),
        user_factory(roles=("mentor",), email="second@example.com"),
    )
    match = Match(engineer_id=engineer.id, mentor_id=mentor.id, source="request", status="active")
    db.session.add(match)
    db.session.flush()
    message = outbox.enqueue("match.accepted", match_id=match.id)
    db.session.commit()
    mailbox.refuse_once.add("second@example.com")

    assert outbox.deliver(message.id) is False
    row = db.session.get(OutboxMessage, message.id)
    assert "451" in row.last_error and row.failed_at is None and row.next_attempt_at > utcnow()
    row.next_attempt_at = utcnow()  # as if the retry delay had passed
    db.session.commit()
    assert outbox.deliver(message.id) is True  # the retry

    assert len(mailbox.to("first@example.com")) == 1
    assert len(mailbox.to("second@example.com")) == 1
