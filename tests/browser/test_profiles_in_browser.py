import pytest
from playwright.sync_api import expect

from pmcohort.domain import readiness as assessment
from tests.browser.steps import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_new_engineer_takes_the_assessment_and_sees_their_gaps(page, live):
    sign_up(page, "Noor Haddad", "noor@example.com", "An engineer moving into product management")
    page.get_by_role("link", name="Take the assessment").click()
    page.get_by_role("link", name="Start the assessment").click()

    for number, step in enumerate(assessment.PAGES, 1):
        expect(page.get_by_text(f"Step {number} of {len(assessment.PAGES)}")).to_be_visible()
        for question in step.questions:
            if question.is_numeric:
                page.locator(f"#{question.key}").fill("1")
            else:
                # The first option everywhere: a low self-rating and the engineer's reflex in scenarios.
                page.locator(f"input[name={question.key}]").first.check()
        if number == 2:  # go back a page and forward again: the answers are kept
            page.get_by_role("button", name="Back").click()
            expect(page.get_by_text("Step 1 of")).to_be_visible()
            page.get_by_role("button", name="Next").click()
            expect(page.locator(f"input[name={step.questions[0].key}]").first).to_be_checked()
        page.get_by_role("button", name="See my results" if number == len(assessment.PAGES) else "Next").click()

    expect(page.get_by_role("heading", name="Your readiness")).to_be_visible()
    expect(page.get_by_role("heading", name="Top gaps and what to do next")).to_be_visible()
    expect(page.get_by_role("img", name="Skill scores, 0 to 100")).to_be_visible()
    expect(page.get_by_text("Solutioning too early.")).to_be_visible()


def test_an_unanswered_step_says_what_is_missing(page, live):
    sign_up(page, "Ravi Gupta", "ravi@example.com", "An engineer moving into product management")
    page.goto("/assessment/step/1")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("need an answer")).to_be_visible()


def test_mentor_fills_a_profile_and_availability(page, live):
    sign_up(page, "Maya Costa", "maya@example.com", "A PM who mentors engineers")
    page.get_by_role("link", name="Create your mentor profile").click()
    page.get_by_label("One line about you").fill("Group PM for developer tools")
    page.get_by_label("I moved from engineering to product management myself").check()
    page.get_by_label("How many mentees at once").fill("3")
    page.get_by_label("Customer discovery: your level").select_option("5")
    page.get_by_label("Customer discovery: one line of evidence").fill("Ran 200 customer interviews")
    page.get_by_label("Developer tools").check()
    page.get_by_role("button", name="Save profile").click()

    expect(page.get_by_role("heading", name="Maya Costa")).to_be_visible()
    expect(page.get_by_text("Ran 200 customer interviews")).to_be_visible()

    page.goto("/availability")
    page.get_by_label("Day").select_option(label="Tuesday")
    page.get_by_label("From", exact=True).fill("18:00")
    page.get_by_label("Until").fill("20:00")
    page.get_by_role("button", name="Add window").click()
    expect(page.get_by_text("Tuesday 18:00–20:00")).to_be_visible()
