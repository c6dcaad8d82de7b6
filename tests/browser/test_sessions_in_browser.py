import pytest
from playwright.sync_api import expect

from pmcohort.cohorts.models import Match
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.mentoring import practice_bank
from pmcohort.mentoring.models import MentoringSession
from tests.factories import as_past, make_user, person

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_engineer_books_a_mock_interview_and_the_mentor_scores_it(signed_in, live):
    with live.app.app_context():
        practice_bank.seed_starter_set()
        engineer = person(make_user, ("engineer",))
        mentor = person(make_user, ("mentor",))
        db.session.add(
            Match(
                engineer_id=engineer.id, mentor_id=mentor.id, source="request", status="active", activated_at=utcnow()
            )
        )
        db.session.commit()
        people = {
            key: {"email": user.email, "first_name": user.first_name}
            for key, user in (("engineer", engineer), ("mentor", mentor))
        }
        db.session.remove()

    page = signed_in(people["engineer"])
    page.goto("/sessions")
    page.get_by_role("link", name="Book a session").click()
    page.locator("input[name=start]").first.check()
    page.get_by_label("Kind of session").select_option(label="Interview practice")
    page.get_by_label("For interview practice: which interview").select_option(label="Estimation")
    page.get_by_role("button", name="Book").click()
    expect(page.get_by_text("Booked. The calendar invite is on its way.")).to_be_visible()
    expect(page.get_by_text("Your mentor brings a question you have not had before")).to_be_visible()
    live.inbox.wait_for(people["engineer"]["email"], timeout=60)

    with live.app.app_context():  # the session has taken place
        session = db.session.scalar(db.select(MentoringSession))
        session_id = session.id
        as_past(session)
        db.session.remove()

    mentor_page = signed_in(people["mentor"])
    mentor_page.goto(f"/sessions/{session_id}")
    expect(mentor_page.get_by_text("only you, the interviewer, see this")).to_be_visible()
    mentor_page.locator("input[name=rating][value='4']").check()
    mentor_page.get_by_role("button", name="Send feedback").click()
    expect(mentor_page.get_by_role("alert")).to_contain_text("Please fix what is marked below.")
    expect(mentor_page.locator("p.error", has_text="Give a score from 1 to 4.")).to_have_count(5)
    for group in mentor_page.locator("fieldset:has(input[name^=score_])").all():
        group.locator("input[value='3']").check()
    mentor_page.locator("input[name=rating][value='4']").check()
    mentor_page.get_by_role("button", name="Send feedback").click()
    expect(mentor_page.get_by_text("Thank you for the feedback.")).to_be_visible()

    page.goto("/sessions")
    expect(page.get_by_role("figure", name="Estimation scores over your sessions, 1 to 4")).to_be_visible()
    # One small chart per rubric dimension, so no line hides another, and the numbers in a table.
    expect(page.get_by_role("figure").get_by_role("img")).to_have_count(5)
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(
        1
    )  # one scored session (the header hides on a phone)
    expect(page.get_by_role("table").get_by_role("cell")).to_have_text(["3"] * 5)
