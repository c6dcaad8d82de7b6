import pytest
from playwright.sync_api import expect

from tests.browser.steps import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_sign_up_sign_out_and_sign_in_again(page, live):
    sign_up(page, "Mira Okafor", "mira@example.com", "An engineer moving into product management")
    expect(page.get_by_text("Your account is ready")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Email").fill("mira@example.com")
    page.get_by_label("Password").fill("a long enough pass")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Hello, Mira")).to_be_visible()
    live.inbox.wait_for("mira@example.com", timeout=60)


def test_sign_up_errors_are_shown_at_the_field(page, live):
    page.goto("/auth/signup")
    page.get_by_label("Your name").fill("Short Pass")
    page.get_by_label("Email").fill("short@example.com")
    page.get_by_label("Password").fill("tiny")
    page.get_by_role("button", name="Create account").click()

    expect(page.locator("#password-error")).to_contain_text("at least 10 characters")
    expect(page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")
