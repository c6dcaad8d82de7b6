"""Steps several browser tests share."""

from playwright.sync_api import expect

from tests.factories import DEFAULT_PASSWORD


def sign_up(page, name: str, email: str, role_label: str, password: str = "a long enough pass") -> None:
    """Fill the real sign-up form; lands on the dashboard."""
    page.goto("/auth/signup")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_label("Time zone").fill("Europe/Lisbon")
    page.get_by_label(role_label).check()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name=f"Hello, {name.split()[0]}")).to_be_visible()


def signed_in(browser, live, person: dict):
    """A phone-sized page signed in as `person` (email and first_name), through the real form."""
    context = browser.new_context(base_url=live.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(20000)
    page = context.new_page()
    page.goto("/auth/login")
    page.get_by_label("Email").fill(person["email"])
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=f"Hello, {person['first_name']}")).to_be_visible()
    return page
