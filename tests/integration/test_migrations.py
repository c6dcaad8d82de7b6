"""Migrations are the only way the schema changes, so they are tested like code."""

from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from benchmarks.throwaway import postgres_database
from pmcohort import create_app
from pmcohort.core.extensions import db
from tests.services import DATABASE_URL, require_postgres


def test_there_is_a_single_migration_head(base_app):
    with base_app.app_context():
        config = base_app.extensions["migrate"].migrate.get_config()
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_models_and_migrations_agree(base_app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with base_app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def _round_trip(url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        assert "users" in inspect(db.engine).get_table_names()
        downgrade(revision="base")
        assert "users" not in inspect(db.engine).get_table_names()
        upgrade()
        assert "users" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_upgrade_downgrade_upgrade_on_sqlite(tmp_path):
    _round_trip(f"sqlite:///{tmp_path / 'roundtrip.sqlite'}")


def test_upgrade_downgrade_upgrade_on_postgres():
    require_postgres()
    with postgres_database(DATABASE_URL, "pmcohort_migrations") as url:
        _round_trip(url)


def _reminder_keys_after_backfill(tmp_path, before: str, backfill: str, add_rows) -> set[str]:
    """A database at `before`, with user 1 and what `add_rows(connection, now)` inserts, migrated through
    `backfill`: the keys of the reminders it planned."""
    from datetime import UTC, datetime

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'backfill.sqlite'}"})
    now = datetime.now(UTC).replace(microsecond=0)
    with app.app_context():
        upgrade(revision=before)
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, email, name, password_hash, time_zone, auth_token, active, created_at)"
                    " VALUES (1, 'someone@example.com', 'Someone', 'x', 'UTC', 't', 1, :now)"
                ),
                {"now": now},
            )
            add_rows(connection, now)
        upgrade(revision=backfill)
        with db.engine.connect() as connection:
            keys = set(connection.execute(text("SELECT key FROM due_reminders")).scalars())
        db.engine.dispose()
    return keys


def test_the_reminder_backfill_plans_sessions_scheduled_before_reminders_were_rows(tmp_path):
    from datetime import timedelta

    def sessions(connection, now):
        for session_id, status, start in (
            (1, "scheduled", now + timedelta(days=3)),  # ahead: planned
            (2, "scheduled", now + timedelta(minutes=30)),  # within the hour: reminded at once
            (3, "cancelled", now + timedelta(days=3)),
            (4, "scheduled", now - timedelta(days=1)),  # past
        ):
            connection.execute(
                text(
                    "INSERT INTO mentoring_sessions (id, kind, status, title, agenda, watch_for, confidentiality,"
                    " host_id, start_at, end_at, time_zone, sequence, cancelled_late, created_at, updated_at)"
                    " VALUES (:id, 'one_on_one', :status, '1:1', '', '', '', 1, :start, :end, 'UTC', 2, 0,"
                    " :now, :now)"
                ),
                {"id": session_id, "status": status, "start": start, "end": start + timedelta(hours=1), "now": now},
            )

    keys = _reminder_keys_after_backfill(tmp_path, "0007", "0014_reminder_backfill", sessions)
    assert {key for key in keys if key.startswith("session:1:")} == {
        f"session:1:v2:{kind}" for kind in ("24h", "1h", "feedback", "feedback-24h", "feedback-72h", "feedback-lead")
    }
    assert "session:2:v2:1h" in keys and "session:2:v2:24h" not in keys
    assert not any(key.startswith(("session:3:", "session:4:")) for key in keys)


def test_the_review_reminder_backfill_plans_documents_already_waiting_for_a_review(tmp_path):
    from datetime import timedelta

    def documents(connection, now):
        for document_id, status, waited in (
            (1, "submitted", timedelta(hours=2)),  # every chaser ahead
            (2, "in_review", timedelta(days=4)),  # the 3-day chaser has passed
            (3, "approved", timedelta(hours=2)),  # decided: nothing to chase
            (4, "submitted", timedelta(days=8)),  # every chaser has passed
        ):
            submitted_at = now - waited
            connection.execute(
                text(
                    "INSERT INTO documents (id, author_id, kind_key, title, body, status, submitted_at, created_at)"
                    " VALUES (:id, 1, 'release_notes', 'Notes', '', :status, :at, :at)"
                ),
                {"id": document_id, "status": status, "at": submitted_at},
            )
            for number in (1, 2):
                connection.execute(
                    text(
                        "INSERT INTO document_versions (document_id, number, title, body, submitted_at)"
                        " VALUES (:id, :number, 'Notes', '', :at)"
                    ),
                    {"id": document_id, "number": number, "at": submitted_at},
                )

    keys = _reminder_keys_after_backfill(tmp_path, "0014_reminder_backfill", "0015_review_reminders", documents)
    assert keys == {
        "document:1:v2:review-3d",
        "document:1:v2:review-5d",
        "document:1:v2:review-lead",
        "document:2:v2:review-5d",
        "document:2:v2:review-lead",
    }
