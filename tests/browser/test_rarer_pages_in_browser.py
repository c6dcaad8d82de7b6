"""The pages the main journeys pass by: the public start page, the password reset from its email,
the admin's question and persona editors and the lead's workshop form, each shown with its errors.

Visiting them here puts each through the page checks (axe-core and the phone width) too.
"""

import re

import pytest
from playwright.sync_api import expect

from pmcohort.core.extensions import db
from tests.browser.steps import an_admin_with_the_starter_set, who
from tests.factories import cohort_with, make_user
from tests.mail import text_of

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_a_forgotten_password_is_reset_from_the_link_in_the_email(page, live):
    with live.app.app_context():
        make_user(email="noor@example.com", name="Noor Haddad")
        db.session.commit()
        db.session.remove()

    page.goto("/")
    page.locator("main").get_by_role("link", name="Sign in").click()
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Email").fill("noor@example.com")
    page.get_by_role("button", name="Send the link").click()

    [email] = live.inbox.wait_for("noor@example.com", timeout=60)
    # The email links to the configured public address; this test's server listens elsewhere.
    link = re.search(r"https?://[^/\s]+(/auth/reset/\S+)", text_of(email)).group(1)
    page.goto(link)
    page.get_by_label("New password", exact=True).fill("a brand new password")
    page.get_by_label("Repeat the new password").fill("a different one")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_text("The two passwords differ.")).to_be_visible()
    page.get_by_label("New password", exact=True).fill("a brand new password")
    page.get_by_label("Repeat the new password").fill("a brand new password")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_role("status")).to_contain_text("Your password is changed")

    page.get_by_label("Email").fill("noor@example.com")
    page.get_by_label("Password").fill("a brand new password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Hello, Noor")).to_be_visible()

    page.goto(link)  # a reset link works once
    expect(page.get_by_role("alert")).to_contain_text("expired or was already used")


def test_the_admin_editors_show_their_errors_at_the_fields(signed_in, live):
    page = signed_in(an_admin_with_the_starter_set(live))
    for path in (
        "/admin/practice/questions/new",
        "/admin/practice/personas/new",
        "/writing/kinds/new",
        "/admin/apm-seasons",
    ):
        page.goto(path)
        page.locator("main form button[type=submit]").click()
        expect(page.locator("main [aria-invalid=true]").first).to_be_visible()
        expect(page.locator("main form")).to_be_visible()


@pytest.fixture
def lead_of_a_cohort(live):
    """Who the lead is, and the id of their cohort of one engineer and one mentor."""
    with live.app.app_context():
        lead = make_user(roles=("lead",), name="Lena Lead")
        cohort = cohort_with(lead, [make_user()], [make_user(roles=("mentor",))])
        person, cohort_id = who(lead), cohort.id
        db.session.remove()
    return person, cohort_id


def test_a_lead_scheduling_a_workshop_sees_what_to_fix(signed_in, lead_of_a_cohort):
    person, cohort_id = lead_of_a_cohort
    page = signed_in(person)
    page.goto(f"/cohorts/{cohort_id}/workshops/new")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_label("Title")).to_have_attribute("aria-invalid", "true")


def test_a_lead_sees_what_to_fix_in_the_cohort_details_and_an_announcement(signed_in, lead_of_a_cohort):
    person, cohort_id = lead_of_a_cohort
    page = signed_in(person)
    page.goto(f"/cohorts/{cohort_id}/settings")
    page.get_by_label("Cohort name").fill("")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_label("Cohort name")).to_have_attribute("aria-invalid", "true")
    page.goto(f"/cohorts/{cohort_id}/announcements")
    page.get_by_role("button", name="Send announcement").click()
    expect(page.get_by_label("Title")).to_have_attribute("aria-invalid", "true")
