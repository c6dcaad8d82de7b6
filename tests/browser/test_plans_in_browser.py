import pytest
from playwright.sync_api import expect

from tests.browser.steps import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_engineer_makes_a_plan_sees_the_timeline_and_ticks_a_milestone(page, live):
    sign_up(page, "Ines Duarte", "ines@example.com", "An engineer moving into product management")
    page.get_by_role("link", name="Make your plan").click()
    expect(page.get_by_role("heading", name="Your 12-month plan")).to_be_visible()
    page.get_by_label("Internal transfer").check()
    page.get_by_role("button", name="Make my plan").click()

    expect(page.get_by_text("Your 12-month plan is ready")).to_be_visible()
    expect(page.get_by_role("img", name="Plan timeline")).to_be_visible()
    expect(page.get_by_role("heading", name="Months 1–3: Close the most visible gaps")).to_be_visible()

    # Without an assessment, an internal transfer starts with influence: shadowing a PM.
    shadowing = page.locator("li.milestone", has_text="Shadow a PM 4 times")
    expect(shadowing.get_by_text("0 of 4 so far")).to_be_visible()
    shadowing.get_by_text("Tick “Shadow a PM 4 times” as done").click()
    shadowing.get_by_label("What you did").fill("Shadowed our PM's planning, two discovery calls and a launch review.")
    shadowing.get_by_role("button", name="Mark done").click()

    expect(page.get_by_text("“Shadow a PM 4 times” is done.")).to_be_visible()
    done = page.locator("li.milestone", has_text="Shadow a PM 4 times")
    expect(done.locator(".tag.state-done")).to_have_text("Done")
    expect(page.get_by_role("img", name="Plan timeline")).to_be_visible()

    page.get_by_role("link", name="Evidence pack for the transfer ask").click()
    expect(page.get_by_role("heading", name="What my technical depth brings to your team")).to_be_visible()
    page.emulate_media(media="print")  # one printable page: no navigation
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Your plan")).to_be_visible()
    expect(page.get_by_role("link", name="The whole plan")).to_be_visible()
