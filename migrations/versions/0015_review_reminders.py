"""review reminders: plan the chasers of documents submitted before review reminders existed

Review chasers are planned rows (`due_reminders`) written when a document is submitted. Documents
already waiting for a review when they arrived have none; this plans them as a submission now
would (`pmcohort.domain.reminders.review_plan`, keys `document:<id>:v<version>:<kind>`), for
every document awaiting review with no row yet. A chaser whose time has passed is left out, as
the rule does. Data only; the downgrade keeps the rows (like 0014's).

Revision ID: 0015_review_reminders
Revises: 0014_reminder_backfill
Create Date: 2026-12-01 17:30:00

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

from pmcohort.domain.reminders import review_plan


# revision identifiers, used by Alembic.
revision = '0015_review_reminders'
down_revision = '0014_reminder_backfill'
branch_labels = None
depends_on = None

documents = sa.table(
    'documents',
    sa.column('id', sa.Integer()),
    sa.column('status', sa.String()),
    sa.column('submitted_at', sa.DateTime(timezone=True)),
)
versions = sa.table(
    'document_versions',
    sa.column('document_id', sa.Integer()),
    sa.column('number', sa.Integer()),
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
            sa.select(due_reminders.c.subject_id).where(due_reminders.c.subject_type == 'document')
        )
    )
    latest = (
        sa.select(versions.c.document_id, sa.func.max(versions.c.number).label('number'))
        .group_by(versions.c.document_id)
        .subquery()
    )
    rows = []
    for document_id, submitted_at, version in connection.execute(
        sa.select(documents.c.id, documents.c.submitted_at, latest.c.number)
        .join(latest, latest.c.document_id == documents.c.id)
        .where(documents.c.status.in_(('submitted', 'in_review')), documents.c.submitted_at.is_not(None))
    ):
        if document_id in planned:
            continue
        for each in review_plan(_utc(submitted_at), now):
            rows.append(
                {
                    'key': f'document:{document_id}:v{version}:{each.kind}',
                    'topic': each.topic,
                    'payload': {'document_id': document_id, 'version': version, 'kind': each.kind},
                    'subject_type': 'document',
                    'subject_id': document_id,
                    'due_at': each.due_at,
                }
            )
    if rows:
        op.bulk_insert(due_reminders, rows)


def downgrade():
    pass
