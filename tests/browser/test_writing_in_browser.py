import re

import pytest
from playwright.sync_api import expect

from pmcohort.core.extensions import db
from pmcohort.writing import services as writing
from tests.browser.steps import who
from tests.factories import make_user, matched_pair, writing_cast

pytestmark = [pytest.mark.browser, pytest.mark.live]

FIRST = """# Who waits

New teams wait two weeks for access to the build farm.

We should build a self-service portal."""
SECOND = """# Who waits

Nine of the twelve teams that joined this year waited two weeks for access, according to their tickets.

We assume most of the wait is approvals, not set-up."""


def _score_every_dimension(page, level: int) -> None:
    for group in page.locator("fieldset.rubric-dimension").all():
        group.locator(f"input[value='{level}']").check()


def _comment(page, paragraph: int, text: str) -> None:
    block = page.locator(f"#block-{paragraph}")
    block.locator("summary").click()
    block.get_by_label(f"Your comment on paragraph {paragraph + 1}").fill(text)
    block.get_by_role("button", name="Add comment").click()
    expect(page.get_by_text("Comment added to the paragraph.")).to_be_visible()


def _send_review(page, level: int, summary: str, decision: str) -> None:
    _score_every_dimension(page, level)
    page.get_by_label("Summary").fill(summary)
    page.get_by_label(decision).check()
    page.get_by_role("button", name="Send the review").click()
    expect(page.get_by_text("Review sent to the engineer.")).to_be_visible()


def test_a_problem_statement_goes_through_two_review_rounds_into_a_portfolio_then_the_link_dies(
    signed_in, new_page, live
):
    with live.app.app_context():
        writing.seed_kinds()
        engineer, mentor, _ = matched_pair(make_user)
        people = {"engineer": who(engineer), "mentor": who(mentor)}
        db.session.remove()

    # The engineer starts a problem statement; the draft saves itself while they type.
    page = signed_in(people["engineer"])
    page.get_by_role("link", name="Writing").click()
    page.get_by_role("link", name="Start a document").click()
    page.get_by_label("Title").fill("Slow onboarding")
    page.get_by_label("Problem statement", exact=True).check()
    page.get_by_role("button", name="Start writing").click()
    body = page.get_by_label("Document (Markdown)")
    expect(body).to_have_value(re.compile("## Who has the problem"))
    body.fill(FIRST)
    expect(page.get_by_role("status").filter(has_text="Draft saved at")).to_be_visible(timeout=15000)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted.")).to_be_visible()

    # Round one: the mentor comments on the third paragraph, scores every dimension and asks for changes.
    mentor_page = signed_in(people["mentor"])
    mentor_page.goto("/writing")
    expect(mentor_page.get_by_role("cell", name="Problem statement")).to_be_visible()
    mentor_page.get_by_role("button", name="Start review").click()
    expect(mentor_page.get_by_text("4: Describes who has the problem")).to_be_visible()
    _comment(mentor_page, 2, "A portal is a solution. What does the wait cost the teams?")
    _send_review(mentor_page, 2, "Say who waits and what it costs them before any portal.", "Ask for changes")

    # The engineer reads the comment where it was made, replies, resolves it and resubmits.
    page.goto("/writing")
    page.get_by_role("link", name="Slow onboarding").click()
    comment = page.locator("#block-2 aside.comment")
    expect(comment).to_contain_text("A portal is a solution.")
    comment.get_by_label("Reply").fill("Fair: the portal is gone; the cost is in.")
    comment.get_by_role("button", name=re.compile("^Reply")).click()
    expect(page.get_by_text("Reply added.")).to_be_visible()
    page.locator("#block-2 aside.comment").get_by_role("button", name=re.compile("^Mark resolved")).click()
    expect(page.locator("#block-2 aside.comment")).to_contain_text("resolved")
    page.get_by_role("link", name="Revise and resubmit").click()
    page.get_by_label("Document (Markdown)").fill(SECOND)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted.")).to_be_visible()
    page.get_by_role("link", name="changes from version 1").click()
    expect(page.locator("del", has_text="should build a self-service portal.")).to_be_visible()
    expect(page.locator("ins", has_text="assume most of the wait is approvals")).to_be_visible()

    # Round two: the mentor comments again and approves.
    mentor_page.goto("/writing")
    mentor_page.get_by_role("button", name="Start review").click()
    _comment(mentor_page, 1, "Good: the tickets are evidence.")
    _send_review(mentor_page, 4, "The problem stands on its own now, with its evidence. Approved.", "Approve")

    # The engineer sees the score change per dimension, and puts the document in the portfolio.
    page.goto("/writing")
    page.get_by_role("link", name="Slow onboarding").click()
    changes = page.get_by_role("table").filter(has_text="Change")
    expect(changes.get_by_role("row", name=re.compile("Problem before solution"))).to_contain_text("+2")
    page.get_by_role("link", name="Put it in your portfolio").click()
    page.get_by_label("Slow onboarding (Problem statement)").check()
    page.get_by_label("Show the reviewers' rubric scores").check()
    page.get_by_role("button", name="Save the portfolio").click()
    expect(page.get_by_text("Portfolio saved.")).to_be_visible()
    page.get_by_role("button", name="Make a share link").click()
    link = page.locator("a.share-link").get_attribute("href")

    # Anyone with the link reads it, signed out; after revoking, the same link finds nothing.
    visitor = new_page()
    visitor.goto(link)
    expect(visitor.get_by_role("heading", name="Slow onboarding")).to_be_visible()
    expect(visitor.get_by_text("Nine of the twelve teams")).to_be_visible()
    expect(visitor.get_by_text("The problem stands on its own now")).to_be_visible()
    expect(visitor.get_by_role("link", name="Sign in")).to_be_visible()
    page.get_by_role("button", name="Revoke the link").click()
    expect(page.get_by_text("Link revoked")).to_be_visible()
    response = visitor.goto(link)
    assert response.status == 404
    expect(visitor.get_by_text("Nine of the twelve teams")).to_have_count(0)


def test_a_lead_asks_for_a_blind_second_review_and_reads_the_agreement(signed_in, live):
    with live.app.app_context():
        cast = writing_cast(make_user)
        document = writing.create_document(cast.engineer.id, kind_key="problem_statement", title="Slow onboarding")
        writing.submit(document.id, cast.engineer.id, title="Slow onboarding", body=SECOND)
        writing.submit_review(
            document.id,
            cast.mentor.id,
            scores={"problem_first": 3, "evidence": 3, "plain_reader": 2, "assumptions": 4, "concise": 3},
            summary="First opinion: nearly there.",
            decision="changes_requested",
        )
        people = {"second": who(cast.second_mentor), "lead": who(cast.lead)}
        second_name, cohort_id = cast.second_mentor.name, cast.cohort.id
        db.session.remove()

    lead_page = signed_in(people["lead"])
    lead_page.get_by_role("link", name="Writing").click()
    lead_page.get_by_role("link", name="Writers").click()
    lead_page.get_by_role("link", name="Slow onboarding").click()
    lead_page.get_by_label("Second reviewer").select_option(label=second_name)
    lead_page.get_by_role("button", name="Ask for a second review").click()
    expect(lead_page.get_by_text("Second review asked for.")).to_be_visible()

    second_page = signed_in(people["second"])
    second_page.goto("/writing")
    expect(second_page.get_by_text("second review", exact=True)).to_be_visible()
    second_page.get_by_role("link", name="Continue").click()
    expect(second_page.get_by_text("First opinion")).to_have_count(0)
    second_page.get_by_role("button", name="Save the second review").click()
    expect(second_page.get_by_text("Give a score from 1 to 4.").first).to_be_visible()
    _score_every_dimension(second_page, 3)
    second_page.get_by_label("Summary").fill("Second opinion: the evidence is thin.")
    second_page.get_by_role("button", name="Save the second review").click()
    expect(second_page.get_by_text("First opinion: nearly there.")).to_be_visible()

    lead_page.goto(f"/writing/cohorts/{cohort_id}")
    expect(lead_page.get_by_text("From 1 double-reviewed version")).to_be_visible()
    overall = lead_page.get_by_role("row", name=re.compile("All dimensions"))
    expect(overall).to_contain_text("60%")  # 3 of 5 dimensions the same
    expect(overall).to_contain_text("100%")  # all within one level
    expect(lead_page.get_by_role("row", name=re.compile(second_name))).to_contain_text("60%")
