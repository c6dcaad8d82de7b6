import pytest
import redis

from pmcohort.core.extensions import limiter
from tests.services import REDIS_URL, require_redis

# A day-long window cannot run out while a test sends its handful of requests, whenever it starts.
TEST_LIMIT = "10 per day"


@pytest.fixture
def production_limits(app):
    """Sets one of the limits to TEST_LIMIT for a test, on an empty store."""
    changed = {}

    def set_limit(name: str):
        changed.setdefault(name, app.config[name])
        app.config[name] = TEST_LIMIT

    limiter.reset()
    yield set_limit
    limiter.reset()
    app.config.update(changed)


def test_login_is_rate_limited_with_a_styled_page(client, form_post, production_limits):
    production_limits("LOGIN_RATE_LIMIT")
    statuses = [
        form_post("/auth/login", {"email": "who@example.com", "password": "guessing password"}).status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429
    response = form_post("/auth/login", {"email": "who@example.com", "password": "guessing password"})
    assert "Too many sign-in attempts" in response.get_data(as_text=True)


def test_sign_in_attempts_are_counted_in_redis(client, form_post, production_limits):
    require_redis()
    production_limits("LOGIN_RATE_LIMIT")
    for _ in range(3):
        form_post("/auth/login", {"email": "who@example.com", "password": "guessing password"})

    store = redis.Redis.from_url(REDIS_URL)
    [key] = [key for key in store.scan_iter("LIMITS*") if b"auth.login" in key]
    assert int(store.get(key)) == 3
    assert 0 < store.ttl(key) <= 24 * 3600


@pytest.mark.parametrize(
    ("setting", "path"),
    [
        ("TOKEN_RATE_LIMIT", "/calendar/not-a-real-feed.ics"),
        ("TOKEN_RATE_LIMIT", "/auth/reset/not-a-real-token"),
        ("PUBLIC_PAGE_RATE_LIMIT", "/"),
        ("PUBLIC_PAGE_RATE_LIMIT", "/auth/signup"),
    ],
)
def test_token_links_and_public_pages_are_rate_limited(client, production_limits, setting, path):
    production_limits(setting)
    statuses = [client.get(path).status_code for _ in range(11)]
    assert 429 not in statuses[:10]
    assert statuses[10] == 429
