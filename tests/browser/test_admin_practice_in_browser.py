import pytest
from playwright.sync_api import expect

from pmcohort.core.extensions import db
from pmcohort.mentoring import practice_bank
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_admin_changes_the_skill_a_rubric_dimension_is_evidence_of(signed_in, live):
    with live.app.app_context():
        practice_bank.seed_starter_set()
        admin = make_user(roles=("admin",))
        db.session.commit()
        person = {"email": admin.email, "first_name": admin.first_name}
        db.session.remove()

    page = signed_in(person)
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
