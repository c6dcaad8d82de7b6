"""quick check: aggregate counts per day and path (the assessment's version 2 is data, no schema)

Revision ID: 0008_assessment_v2
Revises: 0007
Create Date: 2026-12-01 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_assessment_v2'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('quick_check_tallies',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('path', sa.String(length=32), nullable=False),
    sa.Column('completed', sa.Integer(), nullable=False),
    sa.Column('saved', sa.Integer(), nullable=False),
    sa.CheckConstraint('completed >= 0 AND saved >= 0', name=op.f('ck_quick_check_tallies_counts_not_negative')),
    sa.PrimaryKeyConstraint('day', 'path', name=op.f('pk_quick_check_tallies'))
    )


def downgrade():
    op.drop_table('quick_check_tallies')
