"""Sign-out ends the session on the server: copies of the cookies stop working."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http.cookies import SimpleCookie
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from pmcohort import create_app
from pmcohort.accounts.models import User
from pmcohort.core.extensions import db
from pmcohort.ops.models import AuditEvent
from tests.conftest import csrf_token_from
from tests.factories import DEFAULT_PASSWORD, make_user


def _sign_in(client, user, remember: bool = False):
    token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
    data = {
        "email": user.email,
        "password": DEFAULT_PASSWORD,
        "csrf_token": token,
        **({"remember": "y"} if remember else {}),
    }
    response = client.post("/auth/login", data=data)
    assert response.status_code == 303
    return response


def _copy_of(app, name: str, value: str, address: str = "203.0.113.9"):
    """Another browser, elsewhere, holding only a copy of one cookie."""
    thief = app.test_client()
    thief.environ_base["REMOTE_ADDR"] = address
    thief.set_cookie(name, value)
    return thief


def _opens_dashboard(client) -> bool:
    return client.get("/dashboard").status_code == 200


def test_a_copied_session_cookie_stops_working_at_sign_out(app, client, form_post, user_factory):
    user = user_factory()
    _sign_in(client, user)
    copy = _copy_of(app, "session", client.get_cookie("session").value, address="127.0.0.1")
    assert _opens_dashboard(copy)

    assert form_post("/auth/logout", {}, page_url="/dashboard").status_code == 303

    assert not _opens_dashboard(copy)
    assert not _opens_dashboard(client)


def test_a_copied_remember_cookie_stops_working_at_sign_out_even_from_another_address(
    app, client, form_post, user_factory
):
    user = user_factory()
    _sign_in(client, user, remember=True)
    copy = _copy_of(app, "remember_token", client.get_cookie("remember_token").value)
    assert _opens_dashboard(copy)

    form_post("/auth/logout", {}, page_url="/dashboard")

    assert not _opens_dashboard(_copy_of(app, "remember_token", copy.get_cookie("remember_token").value))
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.subject_id == user.id)) == "user.signed_out"


@pytest.mark.parametrize("change", ["password", "sign out everywhere"])
def test_the_remember_cookie_is_refused_after_a_password_change_or_sign_out_everywhere(
    app, client, form_post, user_factory, change
):
    user = user_factory()
    _sign_in(client, user, remember=True)
    remembered = client.get_cookie("remember_token").value
    other_device = _copy_of(app, "remember_token", remembered)
    assert _opens_dashboard(other_device)

    if change == "password":
        response = form_post(
            "/auth/account/password",
            {
                "current_password": DEFAULT_PASSWORD,
                "new_password": "a brand new password",
                "confirm": "a brand new password",
            },
            page_url="/auth/account",
        )
    else:
        response = form_post("/auth/account/sign-out-everywhere", {}, page_url="/auth/account")
    assert response.status_code == 303

    assert not _opens_dashboard(_copy_of(app, "remember_token", remembered))
    if change == "sign out everywhere":
        assert not _opens_dashboard(client)  # this device too
        assert (
            db.session.scalar(select(AuditEvent.action).where(AuditEvent.subject_id == user.id))
            == "user.signed_out_everywhere"
        )


def test_the_remember_cookie_is_secure_with_the_session_cookie_httponly_lax_and_lasts_30_days(committed_db):
    make_user(email="remember@example.com")
    committed_db.session.commit()
    committed_db.session.remove()  # SQLite: no transaction of this app may hold the lock the other app needs
    app = create_app({"SESSION_COOKIE_SECURE": True})
    try:
        response = _sign_in(app.test_client(), SimpleNamespace(email="remember@example.com"), remember=True)
    finally:
        with app.app_context():
            db.engine.dispose()

    header = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("remember_token="))
    morsel = SimpleCookie(header)["remember_token"]
    assert morsel["secure"] is True
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"
    lasts = parsedate_to_datetime(morsel["expires"]) - datetime.now(UTC)
    assert timedelta(days=29) < lasts <= timedelta(days=30)


def test_the_remember_cookie_is_not_secure_while_the_session_cookie_is_not(client, user_factory):
    header = next(
        v
        for v in _sign_in(client, user_factory(), remember=True).headers.getlist("Set-Cookie")
        if v.startswith("remember_token=")
    )
    assert "Secure" not in header


def test_changing_the_email_asks_for_the_current_password(app, client, form_post, user_factory, login):
    user = login(user_factory(email="before@example.com"))

    wrong = form_post(
        "/auth/account/email",
        {"email": "after@example.com", "current_password": "not my password"},
        page_url="/auth/account",
    )
    assert wrong.status_code == 400
    assert "That is not your current password" in wrong.get_data(as_text=True)
    assert db.session.get(User, user.id).email == "before@example.com"

    taken = user_factory(email="taken@example.com")
    clash = form_post(
        "/auth/account/email", {"email": taken.email, "current_password": DEFAULT_PASSWORD}, page_url="/auth/account"
    )
    assert clash.status_code == 400 and "Another account uses this email" in clash.get_data(as_text=True)

    right = form_post(
        "/auth/account/email",
        {"email": "After@Example.com", "current_password": DEFAULT_PASSWORD},
        page_url="/auth/account",
    )
    assert right.status_code == 303
    assert db.session.get(User, user.id).email == "after@example.com"
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.email_changed"))
    assert audit.subject_id == user.id and audit.details["old_email"] == "before@example.com"
