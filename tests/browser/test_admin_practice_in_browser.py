import pytest
from playwright.sync_api import expect

from pmcohort.core.extensions import db
from pmcohort.mentoring import practice_bank
from tests.browser.steps import an_admin_with_the_starter_set

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_admin_changes_the_skill_a_rubric_dimension_is_evidence_of(signed_in, live):
    page = signed_in(an_admin_with_the_starter_set(live))
    page.goto("/admin/practice")
    page.get_by_role("link", name="Estimation", exact=True).click()
    skill = page.get_by_role("group", name="Dimension 5").get_by_label("Skill it shows")
    expect(skill).to_have_value("prioritization")  # the starter set's: "Says what the number means"
    skill.select_option(label="Writing for non-technical readers")
    page.get_by_role("button", name="Save rubric").click()
    expect(page.get_by_role("status")).to_contain_text("Rubric “Estimation” saved.")

    with live.app.app_context():
        dimensions = practice_bank.rubric("estimation").dimensions
        assert [d.skill for d in dimensions] == ["interviewing"] * 4 + ["writing"]
        db.session.remove()
