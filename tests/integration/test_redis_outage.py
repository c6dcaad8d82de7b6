"""Redis down (rate-limit store and Celery broker): sign-in, reset, feeds and pages keep answering,
and `make run`'s supervised worker and beat deliver what was committed meanwhile once it is back.

The tests run their own redis-server on a free port, so stopping it disturbs nothing else.
"""

import logging
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from pmcohort import create_app
from pmcohort.accounts import services as accounts
from pmcohort.core.extensions import db, limiter
from pmcohort.mentoring import feeds
from tests.conftest import csrf_token_from
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.live import wait_until
from tests.services import missing

pytestmark = pytest.mark.redis

ROOT = Path(__file__).resolve().parents[2]


class OwnRedis:
    def __init__(self, run_dir):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = run_dir / f"redis-{self.port}.log"
        self.process = None

    def _answers(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--logfile",
                str(self.log),
            ]
        )
        wait_until(self._answers, timeout=10, message="redis-server to answer")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
        assert not self._answers()

    def keys(self, pattern: str) -> list[bytes]:
        return list(redis.Redis(port=self.port).scan_iter(pattern))


@pytest.fixture
def own_redis(run_dir):
    if not shutil.which("redis-server"):
        missing("redis-server on the PATH")
    server = OwnRedis(run_dir)
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture
def app_on_own_redis(base_app, own_redis, committed_db, monkeypatch):
    """The app with its rate-limit store and Celery broker on `own_redis`, publishing on commit."""
    # Celery reads CELERY_BROKER_URL before its own configuration (the suite sets it).
    monkeypatch.setenv("CELERY_BROKER_URL", own_redis.url)
    app = create_app(
        {
            "TESTING": True,
            "RATELIMIT_STORAGE_URI": own_redis.url,
            "CELERY": {**base_app.config["CELERY"], "broker_url": own_redis.url},
            "OUTBOX_PUBLISH_ON_COMMIT": True,
        }
    )
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        # The limiter and the default Celery app are process-wide: give them back to the suite's app.
        limiter.init_app(base_app)
        base_app.extensions["celery"].set_default()


def _sign_in(client, email: str) -> int:
    token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
    return client.post(
        "/auth/login", data={"email": email, "password": DEFAULT_PASSWORD, "csrf_token": token}
    ).status_code


MAIN_PAGES = [
    "/dashboard",
    "/sessions",
    "/matches",
    "/assessment",
    "/availability",
    "/profile/engineer",
    "/auth/account",
    "/inbox",
]


def test_sign_in_reset_feeds_and_pages_keep_working_while_redis_is_down(app_on_own_redis, own_redis, caplog):
    user = make_user(email="outage@example.com")
    db.session.commit()
    email, feed_token = user.email, feeds.open_feed(user.id).token
    db.session.remove()  # SQLite: no transaction of the suite's app may hold the lock the other app needs
    client = app_on_own_redis.test_client()

    assert _sign_in(client, email) == 303
    assert any(b"auth.login" in key for key in own_redis.keys("LIMITS*"))
    client.post("/auth/logout", data={"csrf_token": csrf_token_from(client.get("/dashboard").get_data(as_text=True))})

    own_redis.stop()
    with caplog.at_level(logging.WARNING):
        assert _sign_in(client, email) == 303
    assert "falling back to in-memory storage" in caplog.text

    for page in MAIN_PAGES:
        assert client.get(page).status_code == 200, page
    assert client.get(f"/calendar/{feed_token}.ics").status_code == 200
    visitor = app_on_own_redis.test_client()
    assert visitor.get("/").status_code == 200
    token = csrf_token_from(visitor.get("/auth/reset").get_data(as_text=True))
    assert visitor.post("/auth/reset", data={"email": email, "csrf_token": token}).status_code == 303
    token = csrf_token_from(visitor.get("/auth/signup").get_data(as_text=True))
    signed_up = visitor.post(
        "/auth/signup",
        data={
            "name": "During Outage",
            "email": "during@example.com",
            "password": "long enough password",
            "time_zone": "UTC",
            "role": "engineer",
            "csrf_token": token,
        },
    )
    assert signed_up.status_code == 303  # its welcome email waits in the outbox for the sweep

    own_redis.start()
    # Flask-Limiter looks at the store again after a back-off of a few seconds, then counts there again.
    wait_until(
        lambda: visitor.get("/") and any(b"index" in key for key in own_redis.keys("LIMITS*")),
        timeout=20,
        interval=0.5,
        message="the limiter to use Redis again",
    )


class Supervised:
    """One of the Procfile's processes, run as `make run` runs it (under `worker.supervise`)."""

    def __init__(self, name: str, env: dict[str, str], log_path: Path):
        processes = dict(line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip())
        command = [sys.executable if word == "python" else word for word in shlex.split(processes[name])]
        self.log_path = log_path
        with log_path.open("ab") as log:  # the process keeps its own copy of the handle
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)  # what Ctrl-C under honcho amounts to
        try:
            self.process.wait(40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.mark.live
def test_make_run_delivers_what_was_committed_while_redis_was_down_and_healthz_tells_the_truth(
    app_on_own_redis, own_redis, smtp_server, run_dir
):
    controller, inbox = smtp_server
    inbox.reset()
    env = {
        **os.environ,
        "REDIS_URL": own_redis.url,
        "CELERY_BROKER_URL": own_redis.url,
        "OUTBOX_PUBLISH_ON_COMMIT": "1",
        "SMTP_HOST": controller.hostname,
        "SMTP_PORT": str(controller.port),
        "PMCOHORT_INSTANCE_PATH": str(run_dir / f"make-run-{own_redis.port}"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",  # `celery` in the Procfile
    }
    app = app_on_own_redis
    app.config["WORKER_HEARTBEAT_MAX_AGE"] = 10  # the production 20 s would only make the test longer
    client = app.test_client()

    seen = []

    def health() -> dict:
        seen.append(client.get("/healthz").get_json()["checks"])
        return seen[-1]

    processes = [Supervised(name, env, run_dir / f"{name}-{own_redis.port}.log") for name in ("worker", "beat")]
    try:
        wait_until(lambda: set(health().values()) == {"ok"}, timeout=60, interval=1, message="a healthy start")
        with app.app_context():
            accounts.request_password_reset(make_user(email="before@example.com").email)
            inbox.wait_for("before@example.com", timeout=60)

            own_redis.stop()
            accounts.request_password_reset(make_user(email="during@example.com").email)  # commits; the publish fails
            assert client.get("/").status_code == 200
            try:
                wait_until(lambda: health()["broker"] != "ok" and seen[-1]["worker"] != "ok", timeout=30, interval=1)
            except AssertionError as error:
                raise AssertionError(f"/healthz said {seen[-1]} while Redis was down") from error
            assert inbox.to("during@example.com") == []

            own_redis.start()
            inbox.wait_for("during@example.com", timeout=60)
            wait_until(lambda: set(health().values()) == {"ok"}, timeout=60, interval=1, message="healthy again")
            assert len(inbox.to("during@example.com")) == 1
            assert all(process.process.poll() is None for process in processes), "the supervisors keep running"
            db.session.remove()
    finally:
        for process in processes:
            process.stop()
