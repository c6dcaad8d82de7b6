"""How pages answer: a 404 for what is not there, flashes styled and announced by kind, forms that keep their ids apart."""

import re
from pathlib import Path

import pytest

from pmcohort.accounts import services as accounts
from pmcohort.core.errors import NotFoundError
from tests.integration.pages import repeated_ids

STYLESHEET = Path(__file__).parents[2] / "pmcohort" / "static" / "app.css"


def test_a_missing_object_is_the_services_not_found_and_the_404_page(client, login, user_factory, change_role):
    admin = login(user_factory(roles=("admin",)))
    with pytest.raises(NotFoundError):
        accounts.grant_role(10**9, "lead", actor_id=admin.id)
    response = change_role(10**9, "lead", "grant")
    assert response.status_code == 404
    assert "We couldn&#39;t find that page" in response.get_data(as_text=True)


def test_error_flashes_are_alerts_and_others_are_polite_with_a_style_for_each(
    client, login, user_factory, form_post, change_role
):
    admin = login(user_factory(roles=("admin",)))
    refused = change_role(admin.id, "admin", "revoke", follow_redirects=True).get_data(as_text=True)
    granted = change_role(admin.id, "lead", "grant", follow_redirects=True).get_data(as_text=True)
    signed_out = form_post("/auth/logout", {}, page_url="/dashboard", follow_redirects=True).get_data(as_text=True)
    flashes = re.findall(r'<p class="flash flash-(\w+)" role="(\w+)">', refused + granted + signed_out)
    assert flashes == [("error", "alert"), ("success", "status"), ("info", "status")]
    styles = STYLESHEET.read_text()
    assert all(f".flash-{category} {{" in styles for category, _ in flashes)


@pytest.mark.parametrize("url", ["/auth/account", "/availability"])
def test_pages_with_two_forms_use_each_id_once(client, login, user_factory, url):
    login(user_factory(roles=("engineer",)))
    assert repeated_ids(client.get(url).get_data(as_text=True)) == []
