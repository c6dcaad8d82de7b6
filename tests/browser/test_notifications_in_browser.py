from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from pmcohort.cohorts.models import Match
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.notifications import outbox
from pmcohort.notifications import services as preferences
from tests.factories import book, make_user, person
from tests.mail import html_of

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_settings_unsubscribe_inbox_and_the_email_itself_in_the_browser(browser, live, run_dir, signed_in, new_page):
    with live.app.app_context():
        engineer = person(make_user, ("engineer",))
        mentor = person(make_user, ("mentor",))
        admin = make_user(roles=("admin",))
        match = Match(
            engineer_id=engineer.id, mentor_id=mentor.id, source="request", status="active", activated_at=utcnow()
        )
        db.session.add(match)
        db.session.commit()
        book(match, engineer)
        live.inbox.refuse_for_good.add(mentor.email)
        outbox.enqueue("match.accepted", match_id=match.id)
        db.session.commit()
        people = {
            key: {"email": user.email, "first_name": user.first_name, "id": user.id}
            for key, user in (("engineer", engineer), ("admin", admin))
        }
        db.session.remove()

    emails = live.inbox.wait_for(people["engineer"]["email"], count=2, timeout=60)
    [invite] = [message for message in emails if message["Subject"] == "Session scheduled"]
    page = signed_in(people["engineer"])
    page.goto("/settings/notifications")
    page.get_by_label("Reminders and chasers by email").uncheck()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Notification settings saved.")).to_be_visible()
    expect(page.get_by_label("Reminders and chasers by email")).not_to_be_checked()
    expect(page.get_by_label("Reminders and chasers in the inbox")).to_be_checked()
    page.screenshot(path=run_dir / "preferences-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=run_dir / "preferences-1280.png", full_page=True)

    page.goto("/inbox")
    expect(page.get_by_role("link", name="Session scheduled")).to_be_visible()
    page.screenshot(path=run_dir / "inbox-1280.png", full_page=True)

    email_page = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark").new_page()
    email_page.set_content(html_of(invite))
    expect(email_page.get_by_role("heading", name="Session scheduled")).to_be_visible()
    email_page.screenshot(path=run_dir / "email-dark-390.png", full_page=True)

    unsubscribe = new_page()  # not signed in
    unsubscribe.goto(urlsplit(invite["List-Unsubscribe"].strip("<>")).path)
    unsubscribe.get_by_role("button", name="Stop these emails").click()
    expect(unsubscribe.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    unsubscribe.screenshot(path=run_dir / "unsubscribed-390.png", full_page=True)
    with live.app.app_context():
        assert preferences.channels_for(people["engineer"]["id"], "sessions") == (False, True)
        assert preferences.channels_for(people["engineer"]["id"], "reminders") == (False, True)
        db.session.remove()

    admin_page = signed_in(people["admin"])
    admin_page.goto("/admin/deliveries")
    expect(admin_page.get_by_text("550 No such mailbox here").first).to_be_visible(timeout=60000)
    admin_page.screenshot(path=run_dir / "deliveries-390.png", full_page=True)
    admin_page.set_viewport_size({"width": 1280, "height": 800})
    admin_page.screenshot(path=run_dir / "deliveries-1280.png", full_page=True)
