"""follows and notification subjects

Revision ID: b855118c81db
Revises: c7d8e9f0a1b2
Create Date: 2026-12-05 04:01:12.347725

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b855118c81db'
down_revision = 'c7d8e9f0a1b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('follows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('target_type', sa.String(length=16), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('chosen', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("level IN ('watching', 'tracking', 'normal', 'muted')", name=op.f('ck_follows_level_valid')),
    sa.CheckConstraint("target_type IN ('theme', 'tag', 'question', 'practice', 'organisation', 'member')", name=op.f('ck_follows_target_type_valid')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_follows_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follows')),
    sa.UniqueConstraint('user_id', 'target_type', 'target_id', name=op.f('uq_follows_user_id'))
    )
    with op.batch_alter_table('follows', schema=None) as batch_op:
        batch_op.create_index('ix_follows_target', ['target_type', 'target_id', 'level'], unique=False)

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('subject_type', sa.String(length=16), server_default='', nullable=False))
        batch_op.add_column(sa.Column('subject_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_notifications_user_created', ['user_id', 'created_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_notifications_actor_id_users'), 'users', ['actor_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notifications_actor_id_users'), type_='foreignkey')
        batch_op.drop_index('ix_notifications_user_created')
        batch_op.drop_column('subject_id')
        batch_op.drop_column('subject_type')
        batch_op.drop_column('actor_id')

    with op.batch_alter_table('follows', schema=None) as batch_op:
        batch_op.drop_index('ix_follows_target')

    op.drop_table('follows')
