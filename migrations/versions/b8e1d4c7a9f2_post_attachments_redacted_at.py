"""post attachments redacted_at

Files that only the versions hidden by a redaction list are for admins only. Posts
redacted before this column existed get the same: a file they no longer list that no
visible version lists either is marked with the time of the post's last redaction.

Revision ID: b8e1d4c7a9f2
Revises: a3f1c9d2e7b4
Create Date: 2026-12-05 23:20:00.000000

"""
from collections import defaultdict

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8e1d4c7a9f2'
down_revision = 'a3f1c9d2e7b4'
branch_labels = None
depends_on = None

revisions = sa.table(
    'revisions', sa.column('content_type', sa.String), sa.column('content_id', sa.Integer),
    sa.column('snapshot', sa.JSON), sa.column('redacted_at', sa.DateTime))
attachments = sa.table(
    'post_attachments', sa.column('id', sa.Integer), sa.column('question_id', sa.Integer),
    sa.column('answer_id', sa.Integer), sa.column('removed_at', sa.DateTime),
    sa.column('redacted_at', sa.DateTime))


def hide_files_of_earlier_redactions(conn):
    """Mark the removed files of already redacted posts that no visible version lists."""
    redacted = {}
    visible = defaultdict(set)
    rows = conn.execute(sa.select(
        revisions.c.content_type, revisions.c.content_id, revisions.c.snapshot,
        revisions.c.redacted_at).where(revisions.c.content_type.in_(('question', 'answer'))))
    for content_type, content_id, snapshot, redacted_at in rows:
        key = (content_type, content_id)
        if redacted_at is not None:
            redacted[key] = max(redacted_at, redacted.get(key, redacted_at))
        elif isinstance(snapshot, dict):
            visible[key] |= {item['id'] for item in snapshot.get('attachments') or ()
                             if isinstance(item, dict) and isinstance(item.get('id'), int)}
    for (content_type, content_id), redacted_at in redacted.items():
        post = (attachments.c.question_id if content_type == 'question'
                else attachments.c.answer_id)
        stmt = sa.update(attachments).where(
            post == content_id, attachments.c.removed_at.is_not(None),
            attachments.c.redacted_at.is_(None))
        if visible[(content_type, content_id)]:
            stmt = stmt.where(attachments.c.id.not_in(visible[(content_type, content_id)]))
        conn.execute(stmt.values(redacted_at=redacted_at))


def upgrade():
    with op.batch_alter_table('post_attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('redacted_at', sa.DateTime(), nullable=True))
    hide_files_of_earlier_redactions(op.get_bind())


def downgrade():
    with op.batch_alter_table('post_attachments', schema=None) as batch_op:
        batch_op.drop_column('redacted_at')
