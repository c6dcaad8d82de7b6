"""coaching: debriefs after practice and shadowing sessions, observed pitfalls, action items, the skill a
shadowing session exercises

Revision ID: 0010_coaching
Revises: 0009_plans
Create Date: 2026-12-01 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_coaching'
down_revision = '0009_plans'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mentoring_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('skill', sa.String(length=16), nullable=True))

    op.create_table('session_debriefs',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('engineer_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('rubric_key', sa.String(length=32), nullable=True),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('score_notes', sa.JSON(), nullable=False),
    sa.Column('overall_notes', sa.Text(), nullable=False),
    sa.Column('target_level', sa.String(length=16), nullable=True),
    sa.Column('overall_signal', sa.String(length=16), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'published')", name=op.f('ck_session_debriefs_known_status')),
    sa.CheckConstraint("target_level IS NULL OR target_level IN ('apm', 'pm', 'senior_pm')", name=op.f('ck_session_debriefs_known_level')),
    sa.CheckConstraint("overall_signal IS NULL OR overall_signal IN ('not_yet', 'borderline', 'ready')", name=op.f('ck_session_debriefs_known_signal')),
    sa.ForeignKeyConstraint(['engineer_id'], ['users.id'], name=op.f('fk_session_debriefs_engineer_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mentor_id'], ['users.id'], name=op.f('fk_session_debriefs_mentor_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['mentoring_sessions.id'], name=op.f('fk_session_debriefs_session_id_mentoring_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_session_debriefs'))
    )
    with op.batch_alter_table('session_debriefs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_debriefs_engineer_id'), ['engineer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_debriefs_mentor_id'), ['mentor_id'], unique=False)

    op.create_table('observed_pitfalls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('engineer_id', sa.Integer(), nullable=False),
    sa.Column('pitfall', sa.String(length=32), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.CheckConstraint("pitfall IN ('solutioning_early', 'still_the_engineer', 'undervaluing_soft_deliverables', 'skipping_soft_skills')", name=op.f('ck_observed_pitfalls_known_pitfall')),
    sa.ForeignKeyConstraint(['engineer_id'], ['users.id'], name=op.f('fk_observed_pitfalls_engineer_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['session_debriefs.session_id'], name=op.f('fk_observed_pitfalls_session_id_session_debriefs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observed_pitfalls')),
    sa.UniqueConstraint('session_id', 'pitfall', name='uq_observed_pitfalls_session_pitfall')
    )
    with op.batch_alter_table('observed_pitfalls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_observed_pitfalls_engineer_id'), ['engineer_id'], unique=False)

    op.create_table('action_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('engineer_id', sa.Integer(), nullable=False),
    sa.Column('match_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['engineer_id'], ['users.id'], name=op.f('fk_action_items_engineer_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['match_id'], ['matches.id'], name=op.f('fk_action_items_match_id_matches'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['mentoring_sessions.id'], name=op.f('fk_action_items_session_id_mentoring_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_items'))
    )
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_items_engineer_id'), ['engineer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_items_match_id'), ['match_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_items_session_id'), ['session_id'], unique=False)


def downgrade():
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_items_session_id'))
        batch_op.drop_index(batch_op.f('ix_action_items_match_id'))
        batch_op.drop_index(batch_op.f('ix_action_items_engineer_id'))
    op.drop_table('action_items')
    with op.batch_alter_table('observed_pitfalls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_observed_pitfalls_engineer_id'))
    op.drop_table('observed_pitfalls')
    with op.batch_alter_table('session_debriefs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_debriefs_mentor_id'))
        batch_op.drop_index(batch_op.f('ix_session_debriefs_engineer_id'))
    op.drop_table('session_debriefs')
    with op.batch_alter_table('mentoring_sessions', schema=None) as batch_op:
        batch_op.drop_column('skill')
