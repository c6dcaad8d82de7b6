"""Failed sign-ins are limited per account, whatever address they come from, without saying so."""

import re

import pytest
from sqlalchemy import select

from pmcohort.core.extensions import db, limiter
from pmcohort.notifications import outbox
from pmcohort.notifications.models import OutboxMessage
from pmcohort.ops.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD
from tests.mail import text_of


@pytest.fixture
def three_failures_an_hour(app):
    previous = app.config["ACCOUNT_SIGN_IN_LIMIT"]
    app.config["ACCOUNT_SIGN_IN_LIMIT"] = "3 per hour"
    limiter.reset()
    yield
    limiter.reset()
    app.config["ACCOUNT_SIGN_IN_LIMIT"] = previous


def _sign_in_from(client, form_post, address: str, email: str, password: str):
    client.environ_base["REMOTE_ADDR"] = address
    return form_post("/auth/login", {"email": email, "password": password})


def _error_of(response) -> str:
    return re.search(r'id="password-error">([^<]*)<', response.get_data(as_text=True)).group(1)


def _throttle_messages() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "account.sign_in_throttled")))


def test_the_limit_counts_every_address_answers_like_a_wrong_password_and_tells_the_owner_once(
    app, client, form_post, user_factory, mailbox, three_failures_an_hour
):
    owner = user_factory(email="target@example.com")
    bystander = user_factory(email="bystander@example.com")
    for number in range(3):
        assert _sign_in_from(client, form_post, f"198.51.100.{number}", owner.email, "a wrong guess").status_code == 400

    paused = _sign_in_from(client, form_post, "198.51.100.77", owner.email, DEFAULT_PASSWORD)
    wrong = _sign_in_from(client, form_post, "198.51.100.78", bystander.email, "a wrong guess")
    assert paused.status_code == wrong.status_code == 400
    assert _error_of(paused) == _error_of(wrong) == "That email and password do not match an account."
    assert client.get("/dashboard").status_code == 302  # not signed in
    assert _sign_in_from(client, form_post, "198.51.100.79", bystander.email, DEFAULT_PASSWORD).status_code == 303

    [message] = _throttle_messages()  # more failures while paused send nothing more
    assert (
        db.session.scalar(select(AuditEvent.subject_id).where(AuditEvent.action == "user.sign_in_throttled"))
        == owner.id
    )
    assert outbox.deliver(message.id)
    [email] = mailbox.to(owner.email)
    assert email["Subject"] == "Sign-ins to your PM Cohort account are paused"
    assert "/auth/reset" in text_of(email)


def test_an_unknown_email_is_counted_but_nobody_is_told(client, form_post, three_failures_an_hour):
    for _ in range(4):
        assert (
            _sign_in_from(client, form_post, "198.51.100.5", "nobody@example.com", "a wrong guess").status_code == 400
        )
    assert _throttle_messages() == []


def test_a_new_password_lifts_the_pause(app, client, form_post, user_factory, three_failures_an_hour):
    from pmcohort.core.tokens import password_reset_token

    owner = user_factory(email="locked@example.com")
    for _ in range(3):
        _sign_in_from(client, form_post, "198.51.100.9", owner.email, "a wrong guess")
    assert _sign_in_from(client, form_post, "198.51.100.9", owner.email, DEFAULT_PASSWORD).status_code == 400

    with app.test_request_context():
        link = f"/auth/reset/{password_reset_token(owner)}"
    assert form_post(link, {"password": "a fresh password", "confirm": "a fresh password"}).status_code == 303
    assert _sign_in_from(client, form_post, "198.51.100.9", owner.email, "a fresh password").status_code == 303
