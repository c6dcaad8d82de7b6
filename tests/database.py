from flask_migrate import upgrade
from sqlalchemy import MetaData, text

from pmcohort.extensions import db


def reset_database() -> None:
    """Drop everything, then build the schema by running every migration."""
    engine = db.engine
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
