"""What the delivery benchmarks set up and tear down: a PostgreSQL database of their own, an
SMTP sink on loopback, and the command that starts a Celery worker."""

import socket
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

# `celery worker` for the app's tasks under this interpreter; each caller appends its own options.
CELERY_WORKER = (sys.executable, "-m", "celery", "-A", "worker.app", "worker")


@contextmanager
def postgres_database(server: str, prefix: str) -> Iterator[str]:
    """A fresh database on `server`'s PostgreSQL; dropped afterwards. Yields its URL."""
    server_url = make_url(server).set(drivername="postgresql+psycopg")
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def smtp_sink(handler) -> Iterator[int]:
    """aiosmtpd on a free loopback port with `handler`; yields the port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
