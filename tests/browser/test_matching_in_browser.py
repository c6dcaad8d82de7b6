import pytest
from playwright.sync_api import expect

from pmcohort.core.extensions import db
from tests.factories import cohort_with, engineer, make_user, mentor

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_lead_runs_matching_and_publishes_then_both_sides_accept(signed_in, live):
    with live.app.app_context():
        lead = make_user(roles=("lead",), name="Lena Lead")
        ada = engineer(make_user)
        pm = mentor(make_user, capacity=2)
        cohort = cohort_with(lead, [ada], [pm])
        people = {
            key: {"email": user.email, "first_name": user.first_name}
            for key, user in (("lead", lead), ("ada", ada), ("pm", pm))
        }
        cohort_id = cohort.id
        db.session.remove()

    lead_page = signed_in(people["lead"])
    lead_page.goto(f"/cohorts/{cohort_id}")
    lead_page.get_by_role("button", name="Run matching").click()
    # The real worker solves it; the page refreshes itself until the preview is ready.
    publish = lead_page.get_by_role("button", name="Publish 1 proposal", exact=True)
    expect(publish).to_be_visible(timeout=60000)
    # Reasons are written for their reader: the lead reads the engineer's name, the engineer "your".
    expect(lead_page.get_by_text(f"customer discovery, {people['ada']['first_name']}'s largest gap")).to_be_visible()
    publish.click()
    expect(lead_page.get_by_text("Published 1 proposed match.")).to_be_visible()

    for who in ("ada", "pm"):
        page = signed_in(people[who])
        page.goto("/matches")
        if who == "ada":
            expect(page.get_by_text("customer discovery, your largest gap")).to_be_visible()
            expect(page.get_by_text("matching proposed")).to_contain_text("as your mentor on")
        else:
            expect(page.get_by_text("matching proposed you as")).to_contain_text("mentor on")
        page.get_by_role("link", name="Review and answer").click()
        page.get_by_role("button", name="Accept").click()
        expected = "Accepted. Waiting for the other side." if who == "ada" else "Match active: you both accepted."
        expect(page.get_by_text(expected)).to_be_visible()

    lead_page.goto(f"/cohorts/{cohort_id}")
    expect(lead_page.locator(".status-active")).to_have_count(1)
    live.inbox.wait_for(people["ada"]["email"], count=2, timeout=60)  # proposed, then active
