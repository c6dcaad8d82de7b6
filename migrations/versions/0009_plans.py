"""personal plans: plans, milestones, notes, APM seasons

Revision ID: 0009_plans
Revises: 0008_assessment_v2
Create Date: 2026-12-01 13:56:16.902849

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_plans'
down_revision = '0008_assessment_v2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('apm_seasons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program', sa.String(length=120), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('opens_on <= closes_on', name=op.f('ck_apm_seasons_ordered_dates')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_apm_seasons_created_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_apm_seasons'))
    )
    op.create_table('plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=32), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('skill_order', sa.JSON(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['assessment_attempts.id'], name=op.f('fk_plans_attempt_id_assessment_attempts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_plans_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plans')),
    sa.UniqueConstraint('user_id', name=op.f('uq_plans_user_id'))
    )
    op.create_table('plan_milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=True),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('done_when', sa.Text(), nullable=False),
    sa.Column('skill', sa.String(length=32), nullable=True),
    sa.Column('closes_a_gap', sa.Boolean(), nullable=False),
    sa.Column('due_week', sa.Integer(), nullable=False),
    sa.Column('evidence_kind', sa.String(length=24), nullable=True),
    sa.Column('evidence_detail', sa.String(length=64), nullable=True),
    sa.Column('evidence_count', sa.Integer(), nullable=False),
    sa.Column('evidence_refs', sa.JSON(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_by', sa.Integer(), nullable=True),
    sa.Column('done_note', sa.Text(), nullable=False),
    sa.Column('done_link', sa.String(length=500), nullable=False),
    sa.Column('added_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("evidence_kind IS NULL OR evidence_kind IN ('session_held', 'document_approved', 'assessment_retaken')", name=op.f('ck_plan_milestones_known_evidence')),
    sa.CheckConstraint('due_week BETWEEN 1 AND 52', name=op.f('ck_plan_milestones_due_in_plan')),
    sa.CheckConstraint('evidence_count >= 1', name=op.f('ck_plan_milestones_evidence_count_positive')),
    sa.ForeignKeyConstraint(['added_by'], ['users.id'], name=op.f('fk_plan_milestones_added_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['done_by'], ['users.id'], name=op.f('fk_plan_milestones_done_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_milestones_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_milestones'))
    )
    with op.batch_alter_table('plan_milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_milestones_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_milestone_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('from_week', sa.Integer(), nullable=True),
    sa.Column('to_week', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("action IN ('added', 'moved', 'ticked', 'unticked', 'evidence')", name=op.f('ck_plan_milestone_notes_known_action')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_plan_milestone_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['milestone_id'], ['plan_milestones.id'], name=op.f('fk_plan_milestone_notes_milestone_id_plan_milestones'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_milestone_notes'))
    )
    with op.batch_alter_table('plan_milestone_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_milestone_notes_milestone_id'), ['milestone_id'], unique=False)



def downgrade():
    with op.batch_alter_table('plan_milestone_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_milestone_notes_milestone_id'))

    op.drop_table('plan_milestone_notes')
    with op.batch_alter_table('plan_milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_milestones_plan_id'))

    op.drop_table('plan_milestones')
    op.drop_table('plans')
    op.drop_table('apm_seasons')
