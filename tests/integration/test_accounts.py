import html

import pytest
from sqlalchemy import func, select

from pmcohort.accounts.models import User
from pmcohort.cohorts.models import Match
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.notifications.models import OutboxMessage
from pmcohort.ops.models import AuditEvent
from pmcohort.profiles.services import windows_of
from tests.conftest import sign_in
from tests.factories import DEFAULT_PASSWORD


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


GOOD_SIGNUP = {
    "name": "Priya Raman",
    "email": "Priya@Example.com",
    "password": "a long enough pass",
    "time_zone": "Europe/Berlin",
    "role": "engineer",
}


def test_sign_up_creates_an_engineer_signs_them_in_and_queues_the_welcome_email(client, form_post):
    response = form_post("/auth/signup", GOOD_SIGNUP)

    assert response.status_code == 303
    user = db.session.scalar(select(User).where(User.email == "priya@example.com"))
    assert user.roles == {"engineer"}
    assert user.time_zone == "Europe/Berlin"
    assert user.password_hash.startswith("$argon2id$")
    outbox = db.session.scalars(select(OutboxMessage)).all()
    assert [(m.topic, m.payload) for m in outbox] == [("account.welcome", {"user_id": user.id})]
    assert client.get("/dashboard").status_code == 200


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"email": "TAKEN@example.com"}, "email", "be used for a new account"),
        ({"password": "short"}, "password", "at least 10 characters"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "Choose a time zone from the list"),
        ({"email": "not-an-email"}, "email", "Enter an email address"),
        ({"role": "admin"}, "role", "Not a valid choice"),
        ({"name": ""}, "name", "This field is required"),
    ],
)
def test_sign_up_rejects_bad_input_at_the_field_and_stores_nothing(form_post, user_factory, change, field, message):
    user_factory(email="taken@example.com")
    users_before = count(User)

    response = form_post("/auth/signup", {**GOOD_SIGNUP, **change})

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html or (field == "role" and message in html)
    assert message in html
    assert count(User) == users_before
    assert count(OutboxMessage) == 0


def test_sign_up_without_csrf_token_is_refused_and_stores_nothing(client):
    response = client.post("/auth/signup", data=GOOD_SIGNUP)

    assert response.status_code == 400
    assert "security token was missing" in response.get_data(as_text=True)
    assert count(User) == 0


def test_login_gives_a_fresh_session_and_wrong_password_a_clear_message(client, form_post, user_factory):
    user = user_factory(email="sam@example.com")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"

    wrong = form_post("/auth/login", {"email": "sam@example.com", "password": "wrong password!"})
    assert wrong.status_code == 400
    assert "do not match an account" in wrong.get_data(as_text=True)

    right = form_post("/auth/login", {"email": "SAM@example.com", "password": DEFAULT_PASSWORD})
    assert right.status_code == 303
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == f"{user.id}:{user.auth_token}"


def test_login_redirects_only_to_local_next_urls(form_post, user_factory):
    user = user_factory()
    response = form_post("/auth/login?next=https://evil.example/", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.headers["Location"] == "/dashboard"


def test_logout_requires_post_and_ends_the_session(client, login, user_factory, form_post):
    login(user_factory())
    assert client.get("/auth/logout").status_code == 405
    form_post("/auth/logout", {}, page_url="/dashboard")
    assert client.get("/dashboard").status_code == 302


def test_change_password_needs_the_current_one_and_signs_out_other_sessions(
    app, client, login, user_factory, form_post
):
    user = login(user_factory())
    other_device = app.test_client()
    sign_in(other_device, user)
    assert other_device.get("/dashboard").status_code == 200

    wrong = form_post(
        "/auth/account/password",
        {"current_password": "nope nope nope", "new_password": "brand new password", "confirm": "brand new password"},
        page_url="/auth/account",
    )
    assert wrong.status_code == 400
    assert "not your current password" in wrong.get_data(as_text=True)

    right = form_post(
        "/auth/account/password",
        {"current_password": DEFAULT_PASSWORD, "new_password": "brand new password", "confirm": "brand new password"},
        page_url="/auth/account",
    )
    assert right.status_code == 303
    assert client.get("/dashboard").status_code == 200
    assert other_device.get("/dashboard").status_code == 302
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "user.password_changed")
        )
        == 1
    )


@pytest.mark.parametrize("zone, status", [("America/Sao_Paulo", 303), ("Not/AZone", 400)])
def test_time_zone_is_validated(client, login, user_factory, form_post, zone, status):
    user = login(user_factory())
    response = form_post("/auth/account/time-zone", {"time_zone": zone}, page_url="/auth/account")
    assert response.status_code == status
    db.session.refresh(user)
    assert user.time_zone == (zone if status == 303 else "UTC")


def test_a_time_zone_change_with_weekly_windows_asks_first_and_shows_the_overlap_it_removes(
    client, login, user_factory, form_post
):
    from tests.factories import person

    tuesday_evening = [(1, 18 * 60, 20 * 60)]
    engineer = person(user_factory, ("engineer",), windows=tuesday_evening, time_zone="Asia/Kolkata")
    mentor = person(user_factory, ("mentor",), windows=tuesday_evening, time_zone="Asia/Kolkata")
    db.session.add(
        Match(engineer_id=engineer.id, mentor_id=mentor.id, source="request", status="active", activated_at=utcnow())
    )
    db.session.commit()
    login(engineer)

    preview = form_post("/auth/account/time-zone", {"time_zone": "Asia/Tokyo"}, page_url="/auth/account")
    page = html.unescape(preview.get_data(as_text=True))
    assert preview.status_code == 200 and "Change your time zone to Asia/Tokyo?" in page
    assert "Tuesday 18:00–20:00" in page  # keeping local times
    assert "Tuesday 21:30–23:30" in page  # keeping the moments (Tokyo is 3 h 30 ahead; neither zone has DST)
    assert f"{mentor.name}</th>" in page and "2 hours lost: under the 1 hour a week sessions need" in page
    db.session.refresh(engineer)
    assert engineer.time_zone == "Asia/Kolkata"  # nothing saved yet

    saved = form_post(
        "/auth/account/time-zone", {"time_zone": "Asia/Tokyo", "keep": "instants"}, page_url="/auth/account"
    )
    assert saved.status_code == 303
    db.session.expire_all()
    user = db.session.get(User, engineer.id)
    assert user.time_zone == "Asia/Tokyo"
    assert [(w.weekday, w.start_minute, w.end_minute) for w in windows_of(engineer.id)] == [
        (1, 21 * 60 + 30, 23 * 60 + 30)
    ]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.time_zone_changed")).one()
    assert event.details == {"old": "Asia/Kolkata", "new": "Asia/Tokyo", "windows_keep": "instants"}


def test_keeping_local_times_leaves_the_windows_as_written(client, login, user_factory, form_post):
    from tests.factories import person

    engineer = login(person(user_factory, ("engineer",), windows=[(1, 18 * 60, 20 * 60)], time_zone="Europe/Berlin"))
    saved = form_post("/auth/account/time-zone", {"time_zone": "Asia/Tokyo", "keep": "local"}, page_url="/auth/account")
    assert saved.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, engineer.id).time_zone == "Asia/Tokyo"
    assert [(w.weekday, w.start_minute, w.end_minute) for w in windows_of(engineer.id)] == [(1, 18 * 60, 20 * 60)]
