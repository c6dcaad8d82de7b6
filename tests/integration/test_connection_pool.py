"""Pooled connections are pinged only after sitting idle, and one broken meanwhile is replaced unseen."""

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.pool import NullPool

from pmcohort.core import pool
from pmcohort.core.extensions import db
from tests.services import require_postgres


@pytest.fixture
def pinged_engine(base_app):
    require_postgres()
    with base_app.app_context():
        engine = create_engine(db.engine.url, pool_size=1, max_overflow=0)
    pool.ping_idle_connections(engine)
    statements = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, statement, *_: statements.append(statement))
    yield engine, statements
    engine.dispose()


def _backend_pid(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()


def test_a_connection_back_from_a_request_moments_ago_is_used_without_a_ping(pinged_engine):
    engine, statements = pinged_engine
    first = _backend_pid(engine)
    statements.clear()
    assert _backend_pid(engine) == first
    assert statements == ["SELECT pg_backend_pid()"]  # no ping: one statement, one round trip


def test_a_connection_broken_while_idle_is_replaced_before_the_request_uses_it(pinged_engine, monkeypatch):
    engine, _ = pinged_engine
    stale = _backend_pid(engine)
    admin = create_engine(engine.url, poolclass=NullPool)
    with admin.connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": stale})
    idle_later = pool.time.monotonic() + pool.IDLE_BEFORE_PING + 1
    monkeypatch.setattr(pool.time, "monotonic", lambda: idle_later)

    assert _backend_pid(engine) != stale  # a fresh connection, and no error reached the caller


def test_the_app_does_not_ping_on_every_checkout(base_app):
    options = base_app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert not options.get("pool_pre_ping") and options["pool_recycle"] == pool.RECYCLE_SECONDS
