"""Shared fixtures.

The schema is built by running the migrations. Each test that uses `app` runs inside an
outer transaction that is rolled back; tests that cross processes (`live`) commit for real
and clean up with TRUNCATE instead.
"""

import os
import re
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

_RUN_DIR = Path(tempfile.mkdtemp(prefix="pmcohort-tests-"))
# Settings are environment variables, so the worker subprocesses see the same ones.
# TEST_DATABASE_URL wins over DATABASE_URL; either way `reset_database` refuses a database whose
# name does not say it is for tests, so a run pointed at development data stops instead of wiping it.
os.environ["DATABASE_URL"] = (
    os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or f"sqlite:///{_RUN_DIR / 'test.sqlite'}"
)
os.environ["PMCOHORT_INSTANCE_PATH"] = str(_RUN_DIR / "instance")
os.environ["SECRET_KEY"] = "test-secret-key"
# Generous limits for the suite; the rate-limit test sets the production ones.
for _limit in (
    "LOGIN_RATE_LIMIT",
    "PASSWORD_RESET_RATE_LIMIT",
    "TOKEN_RATE_LIMIT",
    "PUBLIC_PAGE_RATE_LIMIT",
    "ACCOUNT_SIGN_IN_LIMIT",
):
    os.environ[_limit] = "10000 per minute"
os.environ["OUTBOX_PUBLISH_ON_COMMIT"] = "0"
# Tests get their own Redis database number (TEST_REDIS_DB, default 14), so they never consume a
# running app's tasks, and two test runs side by side can each have their own.
os.environ["CELERY_BROKER_URL"] = (
    urlsplit(os.environ["REDIS_URL"])._replace(path="/" + os.environ.get("TEST_REDIS_DB", "14")).geturl()
    if os.environ.get("REDIS_URL")
    else f"sqla+sqlite:///{_RUN_DIR / 'broker.sqlite'}"
)
os.environ.pop("SMTP_HOST", None)

import pytest  # noqa: E402
from flask import g, has_app_context  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.orm import scoped_session, sessionmaker  # noqa: E402

from pmcohort import create_app  # noqa: E402
from pmcohort.core.extensions import db  # noqa: E402
from tests.database import reset_database, truncate_all  # noqa: E402
from tests.factories import DEFAULT_PASSWORD, make_user  # noqa: E402

pytest_plugins = ["tests.live", "tests.mail"]


@pytest.fixture(scope="session")
def run_dir() -> Path:
    return _RUN_DIR


class FreshGlobalsClient(FlaskClient):
    """Each request starts with an empty `g`, as it does on a real server.

    The `app` fixture keeps one app context open for the whole test, and Flask reuses
    it for the client's requests; without this, per-request caches in `g` (the CSRF
    token, for one) would leak from one request into the next.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            for name in list(g):
                g.pop(name)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def base_app():
    app = create_app({"TESTING": True})
    app.test_client_class = FreshGlobalsClient
    with app.app_context():
        reset_database(_RUN_DIR)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(base_app):
    """The app with every database change of the test rolled back at its end."""
    with base_app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original_session = db.session
        db.session = scoped_session(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))
        try:
            yield base_app
        finally:
            db.session.remove()
            db.session = original_session
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def no_csrf(app):
    app.config["WTF_CSRF_ENABLED"] = False
    yield
    app.config["WTF_CSRF_ENABLED"] = True


def sign_in(client, user, password: str = DEFAULT_PASSWORD):
    """Sign a user in through the real login form; returns the user."""
    page = client.get("/auth/login")
    token = csrf_token_from(page.get_data(as_text=True))
    response = client.post("/auth/login", data={"email": user.email, "password": password, "csrf_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)
    return user


@pytest.fixture
def login(client):
    return lambda user, password=DEFAULT_PASSWORD: sign_in(client, user, password)


_CSRF_INPUT = re.compile(
    r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"|<input[^>]*value="([^"]+)"[^>]*name="csrf_token"'
)


def csrf_token_from(html: str) -> str:
    match = _CSRF_INPUT.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


@pytest.fixture
def form_post(client):
    """POST a form the way a browser does: fetch the page first and send its CSRF token."""

    def post(url: str, data: dict, page_url: str | None = None, **kwargs):
        page = client.get(page_url or url)
        return client.post(url, data={**data, "csrf_token": csrf_token_from(page.get_data(as_text=True))}, **kwargs)

    return post


@pytest.fixture
def user_factory(app):
    return make_user


@pytest.fixture
def count_queries(app):
    """Counts SQL statements run inside the `with` block: `with count_queries() as counter: ...; counter.count`."""

    class Counter:
        def __init__(self):
            self.count = 0
            self.statements: list[str] = []

        def __call__(self, _conn, _cursor, statement, *_args):
            self.count += 1
            self.statements.append(statement)

        def __enter__(self):
            event.listen(db.engine, "before_cursor_execute", self)
            return self

        def __exit__(self, *exc):
            event.remove(db.engine, "before_cursor_execute", self)

    return Counter


@pytest.fixture
def committed_db(base_app):
    """For tests whose data must be visible to other processes: committed, truncated after."""
    with base_app.app_context():
        yield db
        db.session.remove()
        truncate_all()
