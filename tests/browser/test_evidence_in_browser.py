import pytest
from playwright.sync_api import expect

from pmcohort.core.extensions import db
from pmcohort.mentorships.models import RematchProposal
from tests.browser.steps import who
from tests.factories import evidence_cohort, make_user, score_interview

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_scores_move_the_gap_profile_and_the_lead_approves_a_second_mentor(signed_in, live):
    with live.app.app_context():
        lead, ada, current, interviewer, match = evidence_cohort(make_user)
        for day in (1, 2):
            score_interview(match, ada, current, 1, day=day)
        assert db.session.scalar(db.select(RematchProposal.id)) is not None
        people = {"lead": who(lead), "ada": who(ada), "interviewer": who(interviewer)}
        cohort_id = match.cohort_id
        db.session.remove()

    page = signed_in(people["ada"])
    page.goto(f"/engineers/{people['ada']['id']}/gaps")
    expect(page.get_by_role("heading", name="Your gap profile")).to_be_visible()
    expect(page.locator("svg.chart")).to_be_visible()
    expect(page.get_by_role("link", name="0 from 8 observations")).to_be_visible()
    page.get_by_role("link", name="0 from 8 observations").click()
    expect(page.get_by_role("heading", name="PM interviewing: what mentors observed")).to_be_visible()

    lead_page = signed_in(people["lead"])
    lead_page.goto(f"/cohorts/{cohort_id}")
    lead_page.get_by_role("link", name=f"{people['ada']['name']}: now pm interviewing").click()
    expect(lead_page.get_by_text("rated themselves 2 of 5 there")).to_be_visible()
    lead_page.get_by_label("Add a second mentor for this skill", exact=False).check()
    lead_page.get_by_label(people["interviewer"]["name"], exact=True).check()
    lead_page.get_by_role("button", name="Approve").click()
    expect(lead_page.get_by_text("Both sides are asked to accept")).to_be_visible()
    expect(lead_page.get_by_text("A second mentor for pm interviewing")).to_be_visible()
