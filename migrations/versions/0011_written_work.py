"""written work: document kinds, documents and their immutable versions, reviews with anchored
comments, blind second reviews, shared review queues, portfolios

Revision ID: 0011_written_work
Revises: 0010_coaching
Create Date: 2026-12-01 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_written_work'
down_revision = '0010_coaching'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('writing_kinds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('prompt', sa.Text(), nullable=False),
    sa.Column('skeleton', sa.Text(), nullable=False),
    sa.Column('rubric', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_writing_kinds')),
    sa.UniqueConstraint('key', name=op.f('uq_writing_kinds_key'))
    )
    op.create_table('portfolios',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=True),
    sa.Column('show_scores', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_portfolios_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_portfolios')),
    sa.UniqueConstraint('token', name=op.f('uq_portfolios_token'))
    )
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('kind_key', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('queue_cohort_id', sa.Integer(), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claim_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('draft_saved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'in_review', 'changes_requested', 'approved', 'withdrawn')", name=op.f('ck_documents_known_status')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_documents_author_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['queue_cohort_id'], ['cohorts.id'], name=op.f('fk_documents_queue_cohort_id_cohorts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_documents_reviewer_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_queue_cohort_id'), ['queue_cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_reviewer_id'), ['reviewer_id'], unique=False)
        batch_op.create_index('ix_documents_status_submitted', ['status', 'submitted_at'], unique=False)

    op.create_table('shared_review_queues',
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('enabled_by', sa.Integer(), nullable=True),
    sa.Column('enabled_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_shared_review_queues_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enabled_by'], ['users.id'], name=op.f('fk_shared_review_queues_enabled_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('cohort_id', name=op.f('pk_shared_review_queues'))
    )
    op.create_table('document_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_document_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_events_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_events'))
    )
    with op.batch_alter_table('document_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_events_document_id'), ['document_id'], unique=False)

    op.create_table('document_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_versions_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_versions')),
    sa.UniqueConstraint('document_id', 'number', name='uq_document_versions_document_number')
    )
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_versions_document_id'), ['document_id'], unique=False)

    op.create_table('document_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('turnaround_seconds', sa.Integer(), nullable=True),
    sa.CheckConstraint("decision IS NULL OR decision IN ('changes_requested', 'approved')", name=op.f('ck_document_reviews_known_decision')),
    sa.CheckConstraint("role IN ('primary', 'second')", name=op.f('ck_document_reviews_known_role')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_reviews_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_document_reviews_reviewer_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['document_versions.id'], name=op.f('fk_document_reviews_version_id_document_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_reviews')),
    sa.UniqueConstraint('version_id', 'reviewer_id', name='uq_document_reviews_version_reviewer')
    )
    with op.batch_alter_table('document_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_reviews_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_reviews_reviewer_id'), ['reviewer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_reviews_version_id'), ['version_id'], unique=False)

    op.create_table('portfolio_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_portfolio_items_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['portfolios.user_id'], name=op.f('fk_portfolio_items_user_id_portfolios'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['document_versions.id'], name=op.f('fk_portfolio_items_version_id_document_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portfolio_items')),
    sa.UniqueConstraint('user_id', 'document_id', name='uq_portfolio_items_user_document')
    )
    with op.batch_alter_table('portfolio_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portfolio_items_user_id'), ['user_id'], unique=False)

    op.create_table('review_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('block', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('block >= 0', name=op.f('ck_review_comments_block_not_negative')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_review_comments_author_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_id'], ['review_comments.id'], name=op.f('fk_review_comments_parent_id_review_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['document_reviews.id'], name=op.f('fk_review_comments_review_id_document_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_comments'))
    )
    with op.batch_alter_table('review_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_comments_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_comments_review_id'), ['review_id'], unique=False)



def downgrade():
    with op.batch_alter_table('review_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_comments_review_id'))
        batch_op.drop_index(batch_op.f('ix_review_comments_parent_id'))

    op.drop_table('review_comments')
    with op.batch_alter_table('portfolio_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portfolio_items_user_id'))

    op.drop_table('portfolio_items')
    with op.batch_alter_table('document_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_reviews_version_id'))
        batch_op.drop_index(batch_op.f('ix_document_reviews_reviewer_id'))
        batch_op.drop_index(batch_op.f('ix_document_reviews_document_id'))

    op.drop_table('document_reviews')
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_versions_document_id'))

    op.drop_table('document_versions')
    with op.batch_alter_table('document_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_events_document_id'))

    op.drop_table('document_events')
    op.drop_table('shared_review_queues')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_status_submitted')
        batch_op.drop_index(batch_op.f('ix_documents_reviewer_id'))
        batch_op.drop_index(batch_op.f('ix_documents_queue_cohort_id'))
        batch_op.drop_index(batch_op.f('ix_documents_author_id'))

    op.drop_table('documents')
    op.drop_table('portfolios')
    op.drop_table('writing_kinds')
