import pytest

from pmcohort.extensions import limiter
from tests.services import REDIS_URL


@pytest.fixture
def rate_limited(app):
    app.config["LOGIN_RATE_LIMIT"] = "10 per minute"
    limiter.reset()
    yield
    limiter.reset()
    app.config["LOGIN_RATE_LIMIT"] = "10000 per minute"


def test_login_is_rate_limited_with_a_styled_page(client, form_post, rate_limited):
    statuses = [form_post("/auth/login", {"email": "who@example.com", "password": "guessing password"}).status_code for _ in range(11)]
    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429
    response = form_post("/auth/login", {"email": "who@example.com", "password": "guessing password"})
    assert "Too many sign-in attempts" in response.get_data(as_text=True)


def test_rate_limits_are_kept_in_redis_when_configured(app):
    expected = "redis" if REDIS_URL else "memory"
    assert app.config["RATELIMIT_STORAGE_URI"].startswith(expected)
