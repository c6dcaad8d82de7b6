import pytest
from playwright.sync_api import expect

from pmcohort.cohorts.models import Match
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain.statuses import MatchStatus
from pmcohort.mentoring import practice_bank
from pmcohort.mentorships.models import RematchProposal
from pmcohort.profiles.models import MentorProfile
from tests.factories import ALL_WEEK, cohort_with, engineer, make_user, mentor, score_interview

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_scores_move_the_gap_profile_and_the_lead_approves_a_second_mentor(signed_in, live):
    with live.app.app_context():
        practice_bank.seed_starter_set()
        lead = make_user(roles=("lead",), name="Lena Lead")
        ada = engineer(make_user, weakest="discovery", windows=ALL_WEEK, time_zone="UTC")
        current = mentor(make_user, strong_in="discovery", windows=ALL_WEEK, time_zone="UTC")
        interviewer = mentor(make_user, strong_in="interviewing", windows=ALL_WEEK, time_zone="UTC")
        cohort = cohort_with(lead, [ada], [current, interviewer])
        match = Match(
            cohort_id=cohort.id,
            engineer_id=ada.id,
            mentor_id=current.id,
            source="cohort",
            status=MatchStatus.ACTIVE,
            activated_at=utcnow(),
        )
        db.session.add(match)
        db.session.get(MentorProfile, current.id).active_mentees = 1
        db.session.commit()
        for day in (1, 2):
            score_interview(match, ada, current, 1, day=day)
        assert db.session.scalar(db.select(RematchProposal.id)) is not None
        people = {
            key: {"email": user.email, "first_name": user.first_name, "id": user.id, "name": user.name}
            for key, user in (("lead", lead), ("ada", ada), ("interviewer", interviewer))
        }
        cohort_id = cohort.id
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
