import re

from sqlalchemy import select

from pmcohort.accounts.models import User
from pmcohort.core.extensions import db
from pmcohort.notifications import outbox
from pmcohort.notifications.models import OutboxMessage
from tests.factories import DEFAULT_PASSWORD
from tests.mail import text_of


def reset_link(message) -> str:
    return re.search(r"http://\S+/auth/reset/\S+", text_of(message)).group(0)


def test_reset_answers_the_same_for_known_and_unknown_emails(client, form_post, user_factory):
    user_factory(email="known@example.com")
    known = form_post("/auth/reset", {"email": "known@example.com"}, follow_redirects=True)
    unknown = form_post("/auth/reset", {"email": "nobody@example.com"}, follow_redirects=True)

    assert known.status_code == unknown.status_code == 200
    assert "If an account uses that email" in known.get_data(as_text=True)
    assert "If an account uses that email" in unknown.get_data(as_text=True)
    assert [m.topic for m in db.session.scalars(select(OutboxMessage))] == ["account.password_reset"]


def test_reset_link_arrives_by_smtp_works_once_and_signs_in_with_the_new_password(
    app, client, form_post, user_factory, mailbox
):
    user = user_factory(email="reset@example.com")
    form_post("/auth/reset", {"email": user.email})
    message_id = db.session.scalar(select(OutboxMessage.id))

    assert outbox.deliver(message_id) is True
    assert outbox.deliver(message_id) is False  # redelivery does nothing
    [email] = mailbox.to("reset@example.com")
    link = reset_link(email).replace(app.config["PUBLIC_URL"], "")

    changed = form_post(link, {"password": "a fresh password", "confirm": "a fresh password"})
    assert changed.status_code == 303
    again = client.get(link)
    assert again.status_code == 303 and again.headers["Location"].endswith("/auth/reset")

    old = form_post("/auth/login", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert old.status_code == 400
    new = form_post("/auth/login", {"email": user.email, "password": "a fresh password"})
    assert new.status_code == 303


def test_expired_reset_link_is_refused(app, client, user_factory):
    from pmcohort.core.tokens import password_reset_token

    user = user_factory()
    with app.test_request_context():
        token = password_reset_token(user)
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    try:
        response = client.get(f"/auth/reset/{token}")
    finally:
        app.config["PASSWORD_RESET_MAX_AGE"] = 3600
    assert response.status_code == 303
    assert db.session.get(User, user.id).password_hash == user.password_hash


def test_reset_rejects_mismatched_passwords_without_changing_anything(app, client, form_post, user_factory):
    from pmcohort.core.tokens import password_reset_token

    user = user_factory()
    before = user.password_hash
    with app.test_request_context():
        token = password_reset_token(user)
    response = form_post(f"/auth/reset/{token}", {"password": "a fresh password", "confirm": "another password"})
    assert response.status_code == 400
    assert "The two passwords differ" in response.get_data(as_text=True)
    assert db.session.get(User, user.id).password_hash == before
