"""Check a pooled database connection before use only when it may have gone stale.

`pool_pre_ping` costs a round trip on every checkout, so on every request, though under load a
connection goes back to the pool and out again within milliseconds. A connection is pinged
here only when it sat unused for IDLE_BEFORE_PING: that is when a database restart, a failover
or a firewall's idle cut can have broken it. A broken one is discarded and the pool hands out
another (SQLAlchemy retries a checkout that raises DisconnectionError), so the request never
sees it. `pool_recycle` still replaces connections older than RECYCLE_SECONDS.
"""

import time

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

IDLE_BEFORE_PING = 10.0  # seconds a connection may sit in the pool and still be trusted
RECYCLE_SECONDS = 1800
_CHECKED_IN_AT = "pmcohort_checked_in_at"


def ping_idle_connections(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def remember_checkin(_dbapi_connection, record) -> None:
        record.info[_CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping_if_idle(dbapi_connection, record, _proxy) -> None:
        checked_in_at = record.info.get(_CHECKED_IN_AT)
        if checked_in_at is None or time.monotonic() - checked_in_at < IDLE_BEFORE_PING:
            return  # new, or back in the pool only moments ago
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise DisconnectionError(f"pooled connection is gone: {error}") from error
        if not alive:
            raise DisconnectionError("pooled connection is gone")
