"""evidence: effective skill snapshots, re-match proposals, secondary matches, who cancelled a session

Revision ID: 0012_evidence
Revises: 0011_written_work
Create Date: 2026-12-01 13:55:39.440292

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_evidence'
down_revision = '0011_written_work'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('skill_snapshots',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('rules_version', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=True),
    sa.Column('effective', sa.JSON(), nullable=False),
    sa.Column('self_reported', sa.JSON(), nullable=False),
    sa.Column('observed', sa.JSON(), nullable=False),
    sa.Column('confirmed_pitfalls', sa.JSON(), nullable=False),
    sa.Column('largest_gap', sa.String(length=32), nullable=True),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['assessment_attempts.id'], name=op.f('fk_skill_snapshots_attempt_id_assessment_attempts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_skill_snapshots_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_skill_snapshots'))
    )
    op.create_table('rematch_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('engineer_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=True),
    sa.Column('match_id', sa.Integer(), nullable=True),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('skill', sa.String(length=32), nullable=False),
    sa.Column('previous_skill', sa.String(length=32), nullable=True),
    sa.Column('skill_score', sa.Integer(), nullable=False),
    sa.Column('mentor_strength', sa.Integer(), nullable=False),
    sa.Column('candidates', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('choice', sa.String(length=16), nullable=True),
    sa.Column('chosen_mentor_id', sa.Integer(), nullable=True),
    sa.Column('new_match_id', sa.Integer(), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("choice IS NULL OR choice IN ('secondary', 'rematch')", name=op.f('ck_rematch_proposals_known_choice')),
    sa.CheckConstraint("status IN ('open', 'approved', 'dismissed', 'superseded')", name=op.f('ck_rematch_proposals_known_status')),
    sa.ForeignKeyConstraint(['chosen_mentor_id'], ['users.id'], name=op.f('fk_rematch_proposals_chosen_mentor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_rematch_proposals_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_rematch_proposals_decided_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['engineer_id'], ['users.id'], name=op.f('fk_rematch_proposals_engineer_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['match_id'], ['matches.id'], name=op.f('fk_rematch_proposals_match_id_matches'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['mentor_id'], ['users.id'], name=op.f('fk_rematch_proposals_mentor_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['new_match_id'], ['matches.id'], name=op.f('fk_rematch_proposals_new_match_id_matches'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rematch_proposals'))
    )
    with op.batch_alter_table('rematch_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rematch_proposals_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rematch_proposals_engineer_id'), ['engineer_id'], unique=False)
        batch_op.create_index('uq_rematch_proposals_one_open', ['engineer_id'], unique=True, postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'"))

    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('focus_skill', sa.String(length=32), nullable=True))
        # A secondary match (focus_skill set) may be active beside the engineer's main one.
        batch_op.drop_index('uq_matches_one_active_per_engineer')
        batch_op.create_index('uq_matches_one_active_per_engineer', ['engineer_id'], unique=True, postgresql_where=sa.text("status = 'active' AND focus_skill IS NULL"), sqlite_where=sa.text("status = 'active' AND focus_skill IS NULL"))

    with op.batch_alter_table('mentoring_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_mentoring_sessions_cancelled_by_users'), 'users', ['cancelled_by'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('mentoring_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_mentoring_sessions_cancelled_by_users'), type_='foreignkey')
        batch_op.drop_column('cancelled_by')

    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.drop_index('uq_matches_one_active_per_engineer')
        batch_op.create_index('uq_matches_one_active_per_engineer', ['engineer_id'], unique=True, postgresql_where=sa.text("status = 'active'"), sqlite_where=sa.text("status = 'active'"))
        batch_op.drop_column('focus_skill')

    with op.batch_alter_table('rematch_proposals', schema=None) as batch_op:
        batch_op.drop_index('uq_rematch_proposals_one_open', postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'"))
        batch_op.drop_index(batch_op.f('ix_rematch_proposals_engineer_id'))
        batch_op.drop_index(batch_op.f('ix_rematch_proposals_cohort_id'))

    op.drop_table('rematch_proposals')
    op.drop_table('skill_snapshots')
