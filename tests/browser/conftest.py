import pytest

from tests.services import CHROMIUM, require_chromium

# Without these, Chromium tries to reach Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live):
    """A phone-sized page on the live server, so every browser test checks the small screen too."""
    context = browser.new_context(base_url=live.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()

