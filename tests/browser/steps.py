"""Steps several browser tests share."""

from playwright.sync_api import expect


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
