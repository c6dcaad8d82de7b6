"""A cohort lead takes a cohort from draft to completed in the browser, as a new lead would:
a CSV with three bad rows (the dry run lists all three and writes nothing), the fixed file
imported by the real worker, matching, a workshop, the dashboard, a nudge and a CSV export.

Written-work reviews, plan milestones and debriefs are not in the app yet, so their dashboard
sections are not part of this walk."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from pmcohort.cohorts import services as cohort_service
from pmcohort.cohorts.models import CohortMember, RosterImport
from pmcohort.core.config import FORM_ALLOWANCE_BYTES
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain.limits import UPLOAD_MAX_BYTES
from tests.factories import engineer, make_user, mentor

pytestmark = [pytest.mark.browser, pytest.mark.live]

HEADER = "email,name,role,time zone,path,domain"


def test_a_lead_runs_a_cohort_from_draft_to_completed(signed_in, live, tmp_path):
    with live.app.app_context():
        lead = make_user(roles=("lead",), name="Lena Lead")
        # Three engineers with accounts and assessments, two mentors with room for one mentee each:
        # one engineer stays without a mentor, and the dashboard says so.
        engineers = [engineer(make_user, weakest="influence") for _ in range(3)]
        mentors = [mentor(make_user, strong_in="influence", capacity=1) for _ in range(2)]
        db.session.commit()
        people = [
            (user.email, user.name, role)
            for role, group in (("engineer", engineers), ("mentor", mentors))
            for user in group
        ]
        lead_person = {"email": lead.email, "first_name": lead.first_name}
        db.session.remove()

    page = signed_in(lead_person)
    page.goto("/cohorts")
    page.get_by_label("Cohort name").fill("Autumn transition cohort")
    page.get_by_role("button", name="Create cohort").click()
    page.get_by_role("link", name="Cohort console").click()
    expect(page.get_by_role("heading", name="Autumn transition cohort")).to_be_visible()
    expect(page.get_by_text("Draft", exact=True)).to_be_visible()
    page.get_by_role("button", name="Open for enrollment").click()
    expect(page.get_by_text("The cohort is now open for enrollment.")).to_be_visible()

    rows = [f"{email},{name},{role},Europe/Berlin,," for email, name, role in people]
    bad = [HEADER, *rows[:3], "not-an-email,Broken Row,engineer,UTC,,", *rows[3:]]
    bad += ["extra@example.com,Extra Person,manager,UTC,,", f"{people[0][0]},Twice,engineer,Mars/Base,,"]
    bad_file = tmp_path / "cohort.csv"
    bad_file.write_text("\n".join(bad) + "\n", encoding="utf-8")
    page.get_by_role("link", name="Import a CSV").click()
    page.get_by_label("CSV file").set_input_files(str(bad_file))
    page.get_by_role("button", name="Check the file").click()
    problems = page.get_by_role("alert").filter(has_text="Nothing was imported")
    expect(problems).to_contain_text("Row 5, email: “not-an-email” is not an email address")
    expect(problems).to_contain_text("Row 8, role: “manager” is not a role here")
    expect(problems).to_contain_text(f"Row 9, email: {people[0][0]} is a duplicate of row 2")
    with live.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CohortMember)) == 0, "the dry run wrote nothing"
        db.session.remove()

    fixed_file = tmp_path / "cohort-fixed.csv"
    # Fixed the way Excel saves it: a byte-order mark and semicolons.
    fixed_file.write_text(
        "\ufeff" + "\r\n".join(line.replace(",", ";") for line in [HEADER, *rows]) + "\r\n", encoding="utf-8"
    )
    page.get_by_label("CSV file").set_input_files(str(fixed_file))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("Every row passed the dry run: 5 people.")).to_be_visible()
    page.get_by_role("button", name="Import 5 people").click()
    # The real worker imports; the page follows its progress and shows the result.
    expect(page.get_by_text("5 people enrolled; 0 invitations sent by email.")).to_be_visible(timeout=60000)
    page.get_by_role("link", name="Back to the console").click()
    expect(page.get_by_text("3 engineers · 2 mentors")).to_be_visible()

    page.get_by_role("button", name="Start matching").click()
    page.get_by_role("link", name="Matching board").click()
    page.get_by_role("button", name="Run matching").click()
    publish = page.get_by_role("button", name="Publish 2 proposals", exact=True)
    expect(publish).to_be_visible(timeout=60000)
    publish.click()
    expect(page.get_by_text("Published 2 proposed matches.")).to_be_visible()

    page.get_by_role("link", name="Schedule a workshop").click()
    page.get_by_label("Title").fill("Stakeholder maps in practice")
    page.get_by_label("Date").fill((utcnow() + timedelta(days=5)).date().isoformat())
    page.get_by_label("Start").fill("17:00")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("Stakeholder maps in practice").first).to_be_visible()

    page.goto("/cohorts")
    page.get_by_role("link", name="Console of Autumn transition cohort").click()
    page.get_by_role("button", name="Start the program").click()
    expect(page.get_by_text("The cohort is now active.")).to_be_visible()
    expect(page.get_by_text("The cohort needs influence without authority")).to_be_visible()
    expect(page.locator("#sessions-health")).to_contain_text("Held / planned")
    at_risk = page.locator("#at-risk")
    expect(at_risk).to_contain_text("People at risk (1)")
    expect(at_risk).to_contain_text("No mentor")

    at_risk.locator("summary").click()
    message = at_risk.get_by_role("textbox")
    expect(message).to_contain_text("no mentor")
    message.fill("Hi! Matching found no mentor for you yet. I am on it; reply with your free evenings.")
    at_risk.get_by_role("button", name="Send nudge").click()
    expect(page.get_by_text("Nudge sent to")).to_be_visible()
    unmatched = page.locator("#at-risk li.list-item strong").first.inner_text()
    email = next(address for address, name, _ in people if name == unmatched)
    # The import's "you're enrolled" notice came first; then the nudge.
    received = live.inbox.wait_for(email, count=2, timeout=60)
    [nudge] = [message for message in received if message["Subject"].startswith("A note from Lena Lead")]
    assert "reply with your free evenings" in nudge.get_body(preferencelist=("plain",)).get_content()

    # The link downloads a file: fetched here with the page's own session, as the browser would.
    export = page.request.get(page.get_by_role("link", name="Members (CSV)").get_attribute("href"))
    assert export.headers.get("content-disposition", "").startswith("attachment"), (
        export.status,
        export.url,
        export.headers,
    )
    lines = export.text().splitlines()
    assert lines[0] == "email,name,role,time_zone,enrolled_at,readiness" and len(lines) == 6

    # A late invitation, sent again: a new link goes out and the table still lists it, once.
    page.get_by_role("link", name="Members and invitations").click()
    page.get_by_label("Email").fill("late.joiner@example.com")
    page.get_by_role("radio", name="Mentor").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to late.joiner@example.com, valid until")).to_be_visible()
    page.get_by_role("button", name="Resend the invitation to late.joiner@example.com").click()
    expect(page.get_by_text("A new invitation went to late.joiner@example.com")).to_be_visible()
    expect(page.get_by_role("row", name="late.joiner@example.com")).to_have_count(1)
    live.inbox.wait_for("late.joiner@example.com", count=2, timeout=60)
    page.get_by_role("link", name="Autumn transition cohort").first.click()

    page.get_by_role("button", name="Complete the cohort").click()
    expect(page.get_by_text("The cohort is now completed.")).to_be_visible()
    expect(page.get_by_text("It is read-only and keeps all its history")).to_be_visible()
    expect(page.get_by_role("button", name="Send nudge")).to_have_count(0)


def test_a_file_over_the_upload_limit_gets_a_page_saying_so_and_the_way_back(signed_in, live, tmp_path):
    with live.app.app_context():
        lead = make_user(roles=("lead",), name="Lena Lead")
        cohort = cohort_service.create_cohort(lead.id, "Winter cohort", utcnow().date())
        lead_person, cohort_id = {"email": lead.email, "first_name": lead.first_name}, cohort.id
        db.session.remove()
    too_big = tmp_path / "everyone.csv"
    too_big.write_bytes(HEADER.encode() + b"\n" + b"someone@example.com,Some One,engineer,UTC,,\n" * 150_000)
    assert too_big.stat().st_size > UPLOAD_MAX_BYTES + FORM_ALLOWANCE_BYTES

    page = signed_in(lead_person)
    page.goto(f"/cohorts/{cohort_id}/import")
    page.get_by_label("CSV file").set_input_files(str(too_big))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="That upload is too large")).to_be_visible()
    expect(page.get_by_text("larger than 5 MB")).to_be_visible()
    page.get_by_role("link", name="Go back to the form").click()
    expect(page.get_by_label("CSV file")).to_be_visible()
    with live.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RosterImport)) == 0
        db.session.remove()
