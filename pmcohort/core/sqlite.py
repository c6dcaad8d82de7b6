"""Make SQLite behave like a real transactional database for the embedded default.

pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; SQLAlchemy's
documented fix is to turn it off and emit BEGIN ourselves. We emit BEGIN IMMEDIATE: in
WAL mode a transaction that read first and writes later fails at once ("database is
locked") if another process wrote in between, whereas IMMEDIATE takes the write lock up
front and waits for it under the busy timeout. Web, worker and beat then share one file
safely, one writer at a time, which suits a laptop. Foreign keys are off unless asked for.
Only the app's own engine is tuned: kombu's SQLite broker manages its transactions itself.
"""

from sqlalchemy import event
from sqlalchemy.engine import Engine


def tune_sqlite(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def configure_connection(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin_transaction(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
