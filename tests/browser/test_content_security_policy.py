"""Every page, as every role, under the real Content-Security-Policy: Chromium reports no violation."""

import re

import pytest
from playwright.sync_api import expect

from pmcohort.core.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.integration.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.live]

ROLES = ("visitor", "engineer", "mentor", "lead", "admin")


def _watch_for_violations(page) -> list[str]:
    """Chromium logs each refused script, style or frame to the console; collect those lines."""
    seen: list[str] = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and seen.append(f"{page.url}: {message.text}"),
    )
    return seen


def _pages_of(page, live) -> list[str]:
    """The pages reachable without arguments, and every page they link to."""
    rules = [rule.rule for rule in live.app.url_map.iter_rules() if not rule.arguments and "GET" in rule.methods]
    found = set(rules)
    for path in rules:
        response = page.request.get(path)
        if "text/html" in response.headers.get("content-type", ""):
            found |= set(re.findall(r'href="(/[^"#]*)"', response.text()))
    return sorted(
        path.replace("&amp;", "&") for path in found if not path.startswith("/static/") and not path.endswith(".ics")
    )


def _visit_every_page_as(browser, live, email: str | None) -> tuple[int, list[str]]:
    context = browser.new_context(base_url=live.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    violations = _watch_for_violations(page)
    try:
        if email:
            page.goto("/auth/login")
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill(DEFAULT_PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
        visited = 0
        for path in _pages_of(page, live):
            response = page.goto(path)
            if response is not None and response.ok and "text/html" in response.headers.get("content-type", ""):
                assert "script-src 'self'" in response.headers["content-security-policy"], path
                visited += 1
        return visited, violations
    finally:
        context.close()


def test_no_page_breaks_the_content_security_policy(browser, page, live):
    # First, that a violation would be seen at all.
    violations = _watch_for_violations(page)
    page.goto("/auth/login")
    page.evaluate("""document.body.insertAdjacentHTML('beforeend', '<p style="color: red">inline</p>')""")
    expect(page.get_by_text("inline")).to_be_visible()
    page.wait_for_timeout(300)  # the console message follows the DOM change; bounded
    assert violations, "the console watch saw no violation for an inline style"

    with live.app.app_context():
        people = {name: user.email for name, user in build_world(make_user).people.items()}
        db.session.remove()
    for role in ROLES:
        visited, violations = _visit_every_page_as(browser, live, people.get(role))
        assert visited >= 3, role
        assert violations == [], role
