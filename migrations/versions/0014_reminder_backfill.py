"""reminder backfill: plan the reminders of sessions scheduled before reminders were rows

Migration 0007 made reminders planned rows (`due_reminders`) but planned none for the sessions
already scheduled, so those were never reminded. This plans them, as a booking now would
(`pmcohort.domain.reminders.session_plan`, keys `session:<id>:v<sequence>:<kind>`), for every
scheduled session still ahead that has no row yet. Data only; the downgrade keeps the rows
(they are indistinguishable from ones planned since, and harmless to 0007's schema).

Revision ID: 0014_reminder_backfill
Revises: 0013_cohort_console
Create Date: 2026-12-01 14:10:00

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

from pmcohort.domain.reminders import session_plan


# revision identifiers, used by Alembic.
revision = '0014_reminder_backfill'
down_revision = '0013_cohort_console'
branch_labels = None
depends_on = None

sessions = sa.table(
    'mentoring_sessions',
    sa.column('id', sa.Integer()),
    sa.column('status', sa.String()),
    sa.column('start_at', sa.DateTime(timezone=True)),
    sa.column('end_at', sa.DateTime(timezone=True)),
    sa.column('sequence', sa.Integer()),
)
due_reminders = sa.table(
    'due_reminders',
    sa.column('key', sa.String()),
    sa.column('topic', sa.String()),
    sa.column('payload', sa.JSON()),
    sa.column('subject_type', sa.String()),
    sa.column('subject_id', sa.Integer()),
    sa.column('due_at', sa.DateTime(timezone=True)),
)


def _utc(value: datetime) -> datetime:
    # SQLite hands back what was stored without its offset: stored times are UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def upgrade():
    connection = op.get_bind()
    now = datetime.now(UTC)
    planned = set(
        connection.scalars(
            sa.select(due_reminders.c.subject_id).where(due_reminders.c.subject_type == 'session')
        )
    )
    rows = []
    for session_id, start_at, end_at, sequence in connection.execute(
        sa.select(sessions.c.id, sessions.c.start_at, sessions.c.end_at, sessions.c.sequence).where(
            sessions.c.status == 'scheduled'
        )
    ):
        start_at, end_at = _utc(start_at), _utc(end_at)
        if session_id in planned or start_at <= now:
            continue
        for each in session_plan(start_at, end_at, now):
            rows.append(
                {
                    'key': f'session:{session_id}:v{sequence}:{each.kind}',
                    'topic': each.topic,
                    'payload': {'session_id': session_id, 'kind': each.kind},
                    'subject_type': 'session',
                    'subject_id': session_id,
                    'due_at': each.due_at,
                }
            )
    if rows:
        op.bulk_insert(due_reminders, rows)


def downgrade():
    pass
