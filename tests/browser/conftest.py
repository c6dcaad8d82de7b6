import pytest
from playwright.sync_api import expect

from tests.browser.page_checks import PageChecker, RunReport, check_before_leaving
from tests.factories import DEFAULT_PASSWORD
from tests.services import CHROMIUM, require_chromium

# Without these, Chromium tries to reach Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 390, "height": 844}
REPORT = RunReport()


def pytest_terminal_summary(terminalreporter):
    if REPORT.pages:
        terminalreporter.write_sep("-", "pages checked in the browser")
        for line in REPORT.lines():
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live, monkeypatch):
    """Opens phone-sized pages on the live server, each in its own context (its own cookies).

    Every page they show is checked by axe-core and for horizontal scrolling; the contexts are
    closed at the end of the test, and the test fails if any page had a serious or critical
    accessibility violation or was wider than the phone.
    """
    checkers = {}
    check_before_leaving(monkeypatch, checkers)

    def open_page():
        context = browser.new_context(base_url=live.url, viewport=PHONE)
        context.set_default_timeout(20000)
        page = context.new_page()
        checkers[page] = PageChecker(live.url, REPORT)
        return page

    yield open_page
    problems = []
    for page, checker in checkers.items():
        try:
            checker.check(page)
        finally:
            page.context.close()
        problems += checker.problems
    assert not problems, "pages failed their checks:\n" + "\n".join(problems)


@pytest.fixture
def page(new_page):
    """A phone-sized page, so every browser test checks the small screen too."""
    return new_page()


@pytest.fixture
def signed_in(new_page):
    """A new page signed in as `person` (a dict with `email` and `first_name`), on its dashboard."""

    def sign_in(person: dict):
        page = new_page()
        page.goto("/auth/login")
        page.get_by_label("Email").fill(person["email"])
        page.get_by_label("Password").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name=f"Hello, {person['first_name']}")).to_be_visible()
        return page

    return sign_in
