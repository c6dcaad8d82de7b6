"""A live web server and a real Celery worker (with beat), for tests that cross processes."""

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from benchmarks.throwaway import CELERY_WORKER
from pmcohort.core.extensions import db
from tests.database import truncate_all

ROOT = Path(__file__).resolve().parent.parent


def whole_responses(app):
    """Reads each response body to the end and closes it before the server writes it.

    Werkzeug's development server never closes a body whose client hung up mid-write (a browser
    leaving a page while its favicon streams), which leaks the open static file; no response here
    is meant to stream, so buffering costs nothing.
    """

    def buffered(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return buffered


class LiveServer:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, whole_responses(app), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(5)


class Worker:
    """`celery worker -B` in a subprocess, with the test run's settings and the test SMTP server."""

    def __init__(self, run_dir: Path, extra_env: dict[str, str]):
        self.log_path = run_dir / "worker.log"
        env = {**os.environ, **extra_env}
        self.log_file = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                *CELERY_WORKER,
                "-B",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "-s",
                str(run_dir / "celerybeat-schedule"),
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill() reaches the embedded beat process too
        )

    def kill(self):
        """SIGKILL: no warm shutdown, nothing acknowledged or given back to the broker. The whole
        group, so the beat process `-B` forks does not live on without its worker."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def wait_until(condition, timeout: float = 30.0, interval: float = 0.2, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {message}")


@pytest.fixture(scope="session")
def live_server(base_app):
    server = LiveServer(base_app)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def live(base_app, live_server, smtp_server, run_dir):
    """Live server + real worker against committed data; tables truncated afterwards.

    Yields an object with `url`, `inbox` (the SMTP server's) and `worker`.
    """
    controller, inbox = smtp_server
    inbox.reset()
    settings = {"SMTP_HOST": controller.hostname, "SMTP_PORT": str(controller.port), "OUTBOX_PUBLISH_ON_COMMIT": "1"}
    base_app.config.update(SMTP_HOST=controller.hostname, SMTP_PORT=controller.port, OUTBOX_PUBLISH_ON_COMMIT=True)
    with base_app.app_context():
        truncate_all()
        base_app.extensions["celery"].control.purge()
    worker = Worker(run_dir, settings)

    class Live:
        url = live_server.url

    Live.inbox = inbox
    Live.worker = worker
    Live.app = base_app
    Live.settings = settings
    try:
        yield Live
    finally:
        Live.worker.stop()
        base_app.config.update(SMTP_HOST=None, OUTBOX_PUBLISH_ON_COMMIT=False)
        with base_app.app_context():
            db.session.remove()
            truncate_all()
