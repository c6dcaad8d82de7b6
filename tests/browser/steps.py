"""Steps several browser tests share."""

from playwright.sync_api import expect

from pmcohort.core.extensions import db
from pmcohort.mentoring import practice_bank
from tests.factories import make_user


def who(user) -> dict:
    """What `signed_in` needs to sign `user` in (and their id and name, for URLs and labels): plain values,
    read while the app context is open, that outlive it."""
    return {"email": user.email, "first_name": user.first_name, "id": user.id, "name": user.name}


def an_admin_with_the_starter_set(live) -> dict:
    """Seeds the starter practice set and adds an admin; returns who the admin is."""
    with live.app.app_context():
        practice_bank.seed_starter_set()
        admin = who(make_user(roles=("admin",)))
        db.session.commit()
        db.session.remove()
    return admin


def fill_sign_up_form(page, name: str, email: str, role_label: str, password: str = "a long enough pass") -> None:
    """Fill and send the sign-up form the page shows."""
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_label("Time zone").fill("Europe/Lisbon")
    page.get_by_label(role_label).check()
    page.get_by_role("button", name="Create account").click()


def sign_up(page, name: str, email: str, role_label: str, password: str = "a long enough pass") -> None:
    """Sign up from the sign-up page; lands on the dashboard."""
    page.goto("/auth/signup")
    fill_sign_up_form(page, name, email, role_label, password)
    expect(page.get_by_role("heading", name=f"Hello, {name.split()[0]}")).to_be_visible()
