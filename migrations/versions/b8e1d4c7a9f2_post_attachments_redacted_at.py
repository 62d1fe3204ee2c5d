"""post attachments redacted_at

Files that only the versions hidden by a redaction list are for admins only.

Revision ID: b8e1d4c7a9f2
Revises: a3f1c9d2e7b4
Create Date: 2026-12-05 23:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8e1d4c7a9f2'
down_revision = 'a3f1c9d2e7b4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('post_attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('redacted_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('post_attachments', schema=None) as batch_op:
        batch_op.drop_column('redacted_at')
