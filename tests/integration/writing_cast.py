"""People around a cohort for the written-work tests, and a signed-in client that posts forms as a browser does."""

import pytest

from tests.conftest import csrf_token_from, sign_in
from tests.factories import WritingCast, writing_cast

PROBLEM_RUBRIC = ("problem_first", "evidence", "plain_reader", "assumptions", "concise")


@pytest.fixture
def cast(app, user_factory) -> WritingCast:
    return writing_cast(user_factory)


class Browser:
    """One signed-in person's client, posting forms with their CSRF token as a browser does."""

    def __init__(self, app, user):
        self.client = app.test_client()
        if user is not None:
            sign_in(self.client, user)
        self.user = user

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url, data, **kwargs):
        token = csrf_token_from(self.client.get("/writing").get_data(as_text=True))
        return self.client.post(url, data={**data, "csrf_token": token}, **kwargs)
