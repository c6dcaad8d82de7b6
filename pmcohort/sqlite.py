"""Make SQLite behave like a real transactional database for the embedded default.

pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; SQLAlchemy's
documented fix is to turn it off and emit BEGIN ourselves. WAL and a busy timeout let
web, worker and beat share one file; foreign keys are off in SQLite unless asked for.
"""

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _configure_sqlite_connection(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite_transaction(connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")
