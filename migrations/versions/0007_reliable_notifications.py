"""reliable notifications: outbox leases and failures, per-recipient delivery state,
preferences, one-click unsubscribe, reminders due in the database

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-01 11:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('claim_token', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('email_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), nullable=False, server_default='sent'))
        batch_op.add_column(sa.Column('message_id', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False,
                                      server_default=sa.func.current_timestamp()))
        batch_op.alter_column('sent_at', existing_type=sa.DateTime(timezone=True), nullable=True)
        batch_op.create_check_constraint('known_status', "status IN ('sending', 'sent', 'skipped', 'failed')")
    with op.batch_alter_table('email_deliveries', schema=None) as batch_op:
        batch_op.alter_column('status', server_default=None)
        batch_op.alter_column('updated_at', server_default=None)

    op.create_table('notification_preferences',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('email', sa.Boolean(), nullable=False),
    sa.Column('in_app', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'category', name=op.f('pk_notification_preferences'))
    )
    op.create_table('unsubscribe_uses',
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_unsubscribe_uses_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_digest', name=op.f('pk_unsubscribe_uses'))
    )
    op.create_table('due_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('topic', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('subject_type', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_due_reminders')),
    sa.UniqueConstraint('key', name=op.f('uq_due_reminders_key'))
    )
    with op.batch_alter_table('due_reminders', schema=None) as batch_op:
        batch_op.create_index('ix_due_reminders_due', ['sent_at', 'due_at'], unique=False)
        batch_op.create_index('ix_due_reminders_subject', ['subject_type', 'subject_id'], unique=False)
    # Replaced by due_reminders: sessions' reminders are planned rows now, not marks of what was sent.
    op.drop_table('session_reminders')


def downgrade():
    op.create_table('session_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['mentoring_sessions.id'], name=op.f('fk_session_reminders_session_id_mentoring_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_reminders')),
    sa.UniqueConstraint('session_id', 'kind', 'sequence', name='uq_session_reminders_once')
    )
    with op.batch_alter_table('due_reminders', schema=None) as batch_op:
        batch_op.drop_index('ix_due_reminders_subject')
        batch_op.drop_index('ix_due_reminders_due')
    op.drop_table('due_reminders')
    op.drop_table('unsubscribe_uses')
    op.drop_table('notification_preferences')
    op.execute("DELETE FROM email_deliveries WHERE status <> 'sent' OR sent_at IS NULL")
    with op.batch_alter_table('email_deliveries', schema=None) as batch_op:
        batch_op.drop_constraint('known_status', type_='check')
        batch_op.alter_column('sent_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.drop_column('updated_at')
        batch_op.drop_column('error')
        batch_op.drop_column('message_id')
        batch_op.drop_column('status')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('failed_at')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('claim_token')
        batch_op.drop_column('claimed_at')
