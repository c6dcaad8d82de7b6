from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import URL, MetaData, text

from pmcohort.core.extensions import db


def is_test_database(url: URL, run_dir: Path) -> bool:
    """A PostgreSQL database named test or test_*, or an SQLite file this test run created."""
    if url.get_backend_name() == "postgresql":
        name = url.database or ""
        return name == "test" or name.startswith("test_")
    return url.database is not None and Path(url.database).resolve().is_relative_to(run_dir.resolve())


def reset_database(run_dir: Path) -> None:
    """Drop everything, then build the schema by running every migration."""
    engine = db.engine
    if not is_test_database(engine.url, run_dir):
        pytest.exit(
            f"refusing to reset {engine.url.render_as_string(hide_password=True)}: tests only wipe a database "
            "named test or test_* (set TEST_DATABASE_URL)",
            returncode=2,
        )
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        existing = MetaData()
        existing.reflect(bind=engine)
        with engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            existing.drop_all(bind=connection)
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    upgrade()


def truncate_all() -> None:
    tables = [table.name for table in db.metadata.sorted_tables]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                connection.execute(text(f"DELETE FROM {table}"))
