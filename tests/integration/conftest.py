"""Fixtures shared by the integration tests."""

import pytest

from pmcohort.mentoring import practice_bank
from tests.factories import matched_pair
from tests.integration.writing_cast import cast  # noqa: F401 - people around a cohort, for the written-work tests


@pytest.fixture
def change_role(form_post):
    """Grants or revokes a role from the admin's users page, as the admin signed in on the client."""

    def change(user_id: int, role: str, action: str, **kwargs):
        return form_post(
            f"/admin/users/{user_id}/roles", {"role": role, "action": action}, page_url="/admin/users", **kwargs
        )

    return change


@pytest.fixture
def pair(app, user_factory):
    practice_bank.seed_starter_set()
    return matched_pair(user_factory)
