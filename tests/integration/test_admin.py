import pytest
from sqlalchemy import select

from pmcohort.accounts.models import User
from pmcohort.core.extensions import db
from pmcohort.ops.models import AuditEvent


@pytest.mark.parametrize("roles", [("engineer",), ("mentor",), ("lead",)])
def test_only_admins_see_the_user_list(client, login, user_factory, roles):
    login(user_factory(roles=roles))
    assert client.get("/admin/users").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_user_list_is_searchable_and_paginated(client, login, user_factory):
    login(user_factory(roles=("admin",), name="Ada Admin"))
    for number in range(30):
        user_factory(name=f"Engineer {number:02d}", email=f"eng{number:02d}@example.com")
    user_factory(name="Zara Quill", email="zara@example.com")

    first = client.get("/admin/users").get_data(as_text=True)
    assert "32 users" in first and "Page 1 of 2" in first
    second = client.get("/admin/users?page=2").get_data(as_text=True)
    assert "Zara Quill" in second

    found = client.get("/admin/users?q=QUILL").get_data(as_text=True)
    assert "Zara Quill" in found and "Engineer 01" not in found and "1 user " in found


def test_admin_grants_and_revokes_roles_with_an_audit_trail(client, login, user_factory, change_role):
    admin = login(user_factory(roles=("admin",)))
    member = user_factory(roles=("engineer",))

    change_role(member.id, "lead", "grant")
    db.session.expire_all()
    assert db.session.get(User, member.id).roles == {"engineer", "lead"}

    change_role(member.id, "engineer", "revoke")
    db.session.expire_all()
    assert db.session.get(User, member.id).roles == {"lead"}

    trail = db.session.execute(
        select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.details).order_by(AuditEvent.id)
    ).all()
    assert trail == [
        ("user.role_granted", admin.id, {"role": "lead"}),
        ("user.role_revoked", admin.id, {"role": "engineer"}),
    ]


def test_the_last_admin_cannot_be_revoked(client, login, user_factory, change_role):
    admin = login(user_factory(roles=("admin",)))
    response = change_role(admin.id, "admin", "revoke", follow_redirects=True)
    assert "last admin" in response.get_data(as_text=True)
    db.session.expire_all()
    assert "admin" in db.session.get(User, admin.id).roles


def test_non_admin_cannot_change_roles(client, login, user_factory, form_post):
    login(user_factory(roles=("lead",)))
    target = user_factory()
    response = form_post(f"/admin/users/{target.id}/roles", {"role": "admin", "action": "grant"}, page_url="/dashboard")
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(User, target.id).roles == {"engineer"}


def _run(app, command: str, **options: str):
    """Runs a flask command with `--option value` for each option (underscores in names become dashes)."""
    arguments = [part for name, value in options.items() for part in (f"--{name.replace('_', '-')}", value)]
    return app.test_cli_runner().invoke(args=[command, *arguments])


def test_create_admin_command(app, user_factory):
    result = _run(app, "create-admin", email="Boss@Example.com", name="Boss", password="a long admin password")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "boss@example.com"))
    assert user.roles == {"admin"}

    short = _run(app, "create-admin", email="x@example.com", name="X", password="short")
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    assert "--password" in short.output


def test_create_user_command_makes_a_lead_who_can_sign_in(app, form_post):
    result = _run(
        app,
        "create-user",
        role="lead",
        email="Lead@Example.com",
        name="Lena Lead",
        time_zone="Europe/Berlin",
        password="a long lead password",
    )
    assert result.exit_code == 0, result.output
    assert "lead@example.com created as lead." in result.output
    user = db.session.scalar(select(User).where(User.email == "lead@example.com"))
    assert (user.roles, user.time_zone) == ({"lead"}, "Europe/Berlin")
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == user.id)).all()
    assert sorted(actions) == ["user.created", "user.role_granted"]

    response = form_post(
        "/auth/login", {"email": "lead@example.com", "password": "a long lead password"}, follow_redirects=True
    )
    assert "Hello, Lena" in response.get_data(as_text=True)


def test_create_user_command_gives_an_existing_account_the_role_and_keeps_its_password(app, user_factory):
    existing = user_factory(email="sam@example.com")
    password_hash = existing.password_hash
    result = _run(
        app, "create-user", role="lead", email="sam@example.com", name="Ignored", password="another long password"
    )
    assert result.exit_code == 0, result.output
    assert "sam@example.com now has the lead role." in result.output
    db.session.expire_all()
    user = db.session.get(User, existing.id)
    assert user.roles == {"engineer", "lead"} and user.password_hash == password_hash


@pytest.mark.parametrize(
    "options, message",
    [
        ({"role": "boss"}, "'boss' is not one of"),
        ({"role": "lead", "time_zone": "Mars/Olympus"}, "Choose a time zone from the list"),
    ],
)
def test_create_user_command_refuses_bad_input_and_saves_nothing(app, options, message):
    result = _run(app, "create-user", email="new@example.com", name="New", password="a long enough pass", **options)
    assert result.exit_code != 0 and message in result.output
    assert db.session.scalar(select(User).where(User.email == "new@example.com")) is None
