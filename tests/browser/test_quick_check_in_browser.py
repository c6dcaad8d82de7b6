"""The two-minute check, logged out in a phone-sized browser, carried into a new account."""

import pytest
from playwright.sync_api import expect

from tests.browser.steps import fill_sign_up_form

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_the_quick_check_runs_logged_out_and_its_answers_carry_into_a_new_account(page):
    page.goto("/")
    page.get_by_role("link", name="Take the two-minute check").click()
    expect(page.get_by_role("heading", name="A two-minute estimate")).to_be_visible()

    # Nothing answered: every question says what it needs, and nothing breaks.
    page.get_by_role("button", name="See my estimate").click()
    expect(page.locator("#context_years-error")).to_contain_text("Enter a whole number between 0 and 60.")

    page.get_by_label("An associate PM (APM) program").check()
    page.get_by_label("How many years have you worked as a software engineer?").fill("5")
    page.get_by_label("Listened while someone else asked").check()
    page.get_by_label("Yes, on technical grounds").check()
    page.get_by_label("Argued for my proposal in a meeting").check()
    page.get_by_label("Only engineers").check()
    page.get_by_label("I haven't done any").check()
    page.get_by_role("button", name="See my estimate").click()

    expect(page.get_by_role("heading", name="Your estimated readiness")).to_be_visible()
    expect(page.get_by_text("step back in seniority and pay")).to_be_visible()
    expect(page.get_by_role("heading", name="Your two largest gaps")).to_be_visible()

    page.get_by_role("button", name="Save this and get a mentor").click()
    expect(page.get_by_text("Your quick-check answers come with you")).to_be_visible()
    fill_sign_up_form(page, "Quinn Check", "quinn.check@example.com", "An engineer moving into product management")

    expect(page.get_by_role("heading", name="How ready are you for a PM role?")).to_be_visible()
    expect(page.get_by_text("Your quick-check answers are in your assessment")).to_be_visible()
    page.get_by_role("link", name="Continue where you left off").click()
    expect(page.get_by_role("heading", name="Customer discovery")).to_be_visible()  # about you is already answered
    page.goto("/assessment/step/1")
    expect(page.get_by_label("An associate PM (APM) program")).to_be_checked()
    expect(page.get_by_label("How many years have you worked as a software engineer?")).to_have_value("5")
