"""Pages every role reaches on first use; each is checked by axe-core and at 390 px by the fixture."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.mentoring import practice_bank
from tests.browser.steps import who
from tests.factories import make_user, matched_pair

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_admin_pages_fit_a_phone_and_the_navigation_marks_where_you_are(signed_in, live):
    with live.app.app_context():
        practice_bank.seed_starter_set()
        admin = make_user(
            roles=("admin", "lead"), name="Avery Admin", email="avery.admin.with.a.long.address@example.com"
        )
        for number in range(3):
            make_user(name=f"Engineer Number {number}", email=f"a.rather.long.engineer.address.{number}@example.com")
        db.session.commit()
        admin_who = who(admin)
        db.session.remove()

    page = signed_in(admin_who)
    page.get_by_role("link", name="Users", exact=True).click()
    expect(page.get_by_role("link", name="Users", exact=True)).to_have_attribute("aria-current", "page")
    expect(page.get_by_label("Role for Engineer Number 0")).to_be_visible()
    page.get_by_label("Role for Engineer Number 0").select_option("lead")
    page.get_by_role("row", name="Engineer Number 0").get_by_role("button", name="Grant").click()
    expect(page.get_by_role("status")).to_be_visible()
    for link in ("Question bank", "Cohorts", "Inbox", "Account"):
        page.get_by_role("link", name=link, exact=True).first.click()
        expect(page.get_by_role("link", name=link, exact=True).first).to_have_attribute("aria-current", "page")


def test_a_matched_engineer_sees_the_next_step_not_the_matching_checklist(signed_in, live):
    with live.app.app_context():
        engineer, mentor, _ = matched_pair(make_user)
        engineer_who, mentor_first = who(engineer), mentor.first_name
        db.session.remove()

    page = signed_in(engineer_who)
    expect(page.get_by_role("heading", name="Your next step")).to_be_visible()
    expect(page.get_by_role("heading", name="Get ready to be matched")).to_have_count(0)
    page.get_by_role("link", name=f"Book a session with {mentor_first}").click()
    expect(page.get_by_role("heading", name="Book")).to_be_visible()
    page.goto("/matches")
    expect(page.get_by_text("to be your mentor on")).to_be_visible()

    # A time off the quarter-hour grid is refused at the field, with the two nearest that work.
    page.get_by_role("link", name="Sessions", exact=True).click()
    page.get_by_role("link", name="Propose a time").click()
    page.get_by_label("Date").fill((utcnow() + timedelta(days=3)).date().isoformat())
    page.get_by_label("Start").fill("14:20")
    page.get_by_role("button", name="Propose").click()
    expect(page.locator("#start-error")).to_contain_text("14:20 is not one. Pick 14:15 or 14:30.")
    page.get_by_role("link", name="Assessment").click()
    page.goto("/profile/engineer")
    expect(page.get_by_role("heading", name="Your background")).to_be_visible()


def test_changing_time_zone_previews_the_windows_and_the_shared_hours(signed_in, live):
    with live.app.app_context():
        tuesday_evening = [(1, 18 * 60, 20 * 60)]
        engineer, _, _ = matched_pair(make_user, windows=tuesday_evening, time_zone="Asia/Kolkata")
        engineer_who = who(engineer)
        db.session.remove()

    page = signed_in(engineer_who)
    page.get_by_role("link", name="Account").click()
    page.get_by_label("Time zone").fill("Asia/Tokyo")
    page.get_by_role("button", name="Save time zone").click()
    expect(page.get_by_role("heading", name="Change your time zone to Asia/Tokyo?")).to_be_visible()
    expect(page.get_by_text("2 hours lost")).to_be_visible()
    page.get_by_label("Keep the same moments").check()
    page.get_by_role("button", name="Save time zone").click()
    expect(page.get_by_role("status")).to_contain_text("Time zone saved.")
    page.get_by_role("link", name="Availability").click()
    expect(page.get_by_text("Tuesday 21:30–23:30")).to_be_visible()
