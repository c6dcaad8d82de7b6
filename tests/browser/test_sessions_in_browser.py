import re

import pytest
from playwright.sync_api import expect

from pmcohort.core.extensions import db
from pmcohort.domain.practice import RubricDimension
from pmcohort.mentoring import practice_bank
from pmcohort.mentoring.models import MentoringSession
from pmcohort.profiles.models import MentorProfile
from tests.browser.steps import who
from tests.factories import as_past, make_user, matched_pair

pytestmark = [pytest.mark.browser, pytest.mark.live]


def _new_kind(actor_id: int) -> None:
    """An admin's new kind of mock interview, with its own rubric and a question: data, not code."""
    levels = {f"what_{level}_looks_like": f"Level {level}: {text}" for level, text in enumerate(LEVELS, 1)}
    practice_bank.save_rubric(
        None,
        key="system_design",
        title="System design for PMs",
        interview_label="System design for PMs",
        dimensions=[
            RubricDimension(key=key, label=label, skill="prioritization", **levels)
            for key, label in (
                ("scoping", "Scopes the system"),
                ("trade_offs", "Names trade-offs"),
                ("users", "Keeps users in view"),
            )
        ],
        actor_id=actor_id,
    )
    practice_bank.save_question(
        None,
        key="sd_notifications",
        kind="system_design",
        prompt="Design the notification system for a developer platform, as its PM.",
        follow_ups=["Who gets woken up at night?"],
        strong_answer="Starts from who needs to know what, and when, before any queue.",
        actor_id=actor_id,
    )


LEVELS = ("misses it", "touches it", "mostly there", "crisp and complete")


def test_a_mock_interview_of_a_new_kind_is_debriefed_and_its_action_items_carry_over(signed_in, live):
    with live.app.app_context():
        practice_bank.seed_starter_set()
        engineer, mentor, _ = matched_pair(make_user)
        admin = make_user(roles=("admin",))
        _new_kind(admin.id)
        db.session.get(MentorProfile, mentor.id).interview_kinds = ["system_design", "estimation"]
        db.session.commit()
        people = {"engineer": who(engineer), "mentor": who(mentor)}
        db.session.remove()

    page = signed_in(people["engineer"])
    page.goto("/sessions")
    page.get_by_role("link", name="Book a session").click()
    page.locator("input[name=start]").first.check()
    page.get_by_label("Kind of session").select_option(label="Interview practice")
    page.get_by_label("For interview practice: which interview").select_option(label="System design for PMs")
    page.get_by_role("button", name="Book").click()
    expect(page.get_by_text("Booked. The calendar invite is on its way.")).to_be_visible()
    expect(page.get_by_text("Your mentor brings a question you have not had before")).to_be_visible()
    expect(page.get_by_text("Starts from who needs to know what")).to_have_count(0)  # hidden until the debrief

    with live.app.app_context():  # the session has taken place
        session = db.session.scalar(db.select(MentoringSession))
        session_id = session.id
        as_past(session)
        db.session.remove()

    page.goto(f"/sessions/{session_id}")
    expect(page.get_by_text("Debrief coming.")).to_be_visible()

    mentor_page = signed_in(people["mentor"])
    mentor_page.goto(f"/sessions/{session_id}")
    expect(mentor_page.get_by_text("Design the notification system for a developer platform")).to_be_visible()
    # Every level is described beside the choice.
    expect(mentor_page.get_by_text("Level 2: touches it")).to_have_count(3)
    for group in mentor_page.locator("fieldset:has(input[name^=score_])").all():
        group.locator("input[value='3']").check()
    mentor_page.get_by_label("Note on Names trade-offs").fill("Weighed email against push, but not cost.")
    mentor_page.get_by_label("Overall notes").fill("Good structure; bring the user in earlier.")
    mentor_page.get_by_label("Borderline").check()
    mentor_page.get_by_label("Action item 1", exact=True).fill("x" * 301)
    mentor_page.get_by_role("button", name="Publish to the engineer").click()
    expect(mentor_page.get_by_role("alert")).to_contain_text("Please fix what is marked below.")
    expect(mentor_page.get_by_text("at most 300 characters (this one has 301)")).to_be_visible()
    mentor_page.get_by_label("Action item 1", exact=True).fill("Write the user journey before the architecture")
    mentor_page.get_by_label("Action item 2", exact=True).fill("Practise naming one trade-off per component")
    mentor_page.get_by_label("Action item 3", exact=True).fill("Read two PM design write-ups")
    mentor_page.get_by_role("button", name="Save draft").click()
    expect(mentor_page.get_by_text("Draft saved. Only you see it until you publish.")).to_be_visible()
    page.goto(f"/sessions/{session_id}")
    expect(page.get_by_text("Debrief coming.")).to_be_visible()
    mentor_page.get_by_role("button", name="Publish to the engineer").click()
    expect(mentor_page.get_by_text("Debrief published. The engineer is notified.")).to_be_visible()
    mail = live.inbox.wait_for(people["engineer"]["email"], count=2, timeout=60)  # the invite, then the debrief
    assert any("Your debrief is ready" in message["Subject"] for message in mail)

    page.goto(f"/sessions/{session_id}")
    expect(page.get_by_text("Starts from who needs to know what, and when, before any queue.")).to_be_visible()
    expect(page.get_by_text("Weighed email against push, but not cost.")).to_be_visible()
    expect(page.get_by_text("Good structure; bring the user in earlier.")).to_be_visible()
    expect(page.get_by_role("table").get_by_role("rowheader")).to_have_count(3)  # a row per dimension
    page.get_by_role("button", name=re.compile("^Done.*Write the user journey before the architecture")).click()
    expect(page.get_by_text("Ticked off.")).to_be_visible()

    page.goto("/dashboard")
    on_dashboard = page.get_by_role("region", name="Your action items").get_by_role("listitem")
    expect(on_dashboard).to_have_count(2)
    expect(on_dashboard.filter(has_text="Practise naming one trade-off per component")).to_have_count(1)
    expect(on_dashboard.filter(has_text="Write the user journey before the architecture")).to_have_count(0)

    page.goto("/sessions")
    expect(page.get_by_role("figure", name="System design for PMs scores over your sessions, 1 to 4")).to_be_visible()
    page.get_by_role("link", name="Book a session").click()
    page.locator("input[name=start]").first.check()
    page.get_by_role("button", name="Book").click()
    expect(page.get_by_text("Booked. The calendar invite is on its way.")).to_be_visible()
    expect(page.get_by_role("heading", name="Carried over: action items from earlier sessions")).to_be_visible()
    carried = page.locator("#carried + ul.action-items > li")
    expect(carried).to_have_count(2)
    expect(carried.filter(has_text="Practise naming one trade-off per component")).to_have_count(1)
    expect(carried.filter(has_text="Read two PM design write-ups")).to_have_count(1)

    mentor_page.goto(f"/sessions/{session_id}")
    expect(mentor_page.locator("li.done")).to_have_text(re.compile("Write the user journey before the architecture"))
