"""One revisions table for questions, answers and practices (data copied, old tables dropped)

Revision ID: c7d8e9f0a1b2
Revises: b4c1d2e3f405
Create Date: 2026-12-02 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7d8e9f0a1b2'
down_revision = 'b4c1d2e3f405'
branch_labels = None
depends_on = None

revisions = sa.table(
    'revisions',
    sa.column('content_type', sa.String), sa.column('content_id', sa.Integer),
    sa.column('editor_id', sa.Integer), sa.column('snapshot', sa.JSON),
    sa.column('created_at', sa.DateTime),
)
question_revisions = sa.table(
    'question_revisions',
    sa.column('id', sa.Integer), sa.column('question_id', sa.Integer),
    sa.column('editor_id', sa.Integer), sa.column('title', sa.String),
    sa.column('body', sa.Text), sa.column('tags', sa.String),
    sa.column('theme_id', sa.Integer), sa.column('created_at', sa.DateTime),
)
answer_revisions = sa.table(
    'answer_revisions',
    sa.column('id', sa.Integer), sa.column('answer_id', sa.Integer),
    sa.column('editor_id', sa.Integer), sa.column('body', sa.Text),
    sa.column('created_at', sa.DateTime),
)
practice_revisions = sa.table(
    'practice_revisions',
    sa.column('id', sa.Integer), sa.column('practice_id', sa.Integer),
    sa.column('editor_id', sa.Integer), sa.column('snapshot', sa.JSON),
    sa.column('created_at', sa.DateTime),
)


def _create_revisions():
    op.create_table('revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=20), nullable=False),
    sa.Column('content_id', sa.Integer(), nullable=False),
    sa.Column('editor_id', sa.Integer(), nullable=True),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("content_type IN ('question', 'answer', 'practice')", name=op.f('ck_revisions_revision_content_type_valid')),
    sa.ForeignKeyConstraint(['editor_id'], ['users.id'], name=op.f('fk_revisions_editor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revisions'))
    )
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.create_index('ix_revisions_content', ['content_type', 'content_id', 'id'], unique=False)


def _create_old_tables():
    op.create_table('question_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('editor_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('tags', sa.String(length=200), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['editor_id'], ['users.id'], name=op.f('fk_question_revisions_editor_id_users')),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_revisions_question_id_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_question_revisions_theme_id_themes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_revisions'))
    )
    with op.batch_alter_table('question_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_revisions_question_id'), ['question_id'], unique=False)
    op.create_table('answer_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('editor_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_answer_revisions_answer_id_answers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['editor_id'], ['users.id'], name=op.f('fk_answer_revisions_editor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_revisions'))
    )
    with op.batch_alter_table('answer_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_revisions_answer_id'), ['answer_id'], unique=False)
    op.create_table('practice_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('editor_id', sa.Integer(), nullable=True),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['editor_id'], ['users.id'], name=op.f('fk_practice_revisions_editor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_practice_revisions_practice_id_practices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_revisions'))
    )
    with op.batch_alter_table('practice_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_revisions_practice_id'), ['practice_id'], unique=False)


def _drop_old_tables():
    for table, column in (('question_revisions', 'question_id'), ('answer_revisions', 'answer_id'),
                          ('practice_revisions', 'practice_id')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_{column}'))
        op.drop_table(table)


def upgrade():
    _create_revisions()
    bind = op.get_bind()
    rows = []
    for r in bind.execute(sa.select(question_revisions).order_by(question_revisions.c.id)):
        rows.append({'content_type': 'question', 'content_id': r.question_id,
                     'editor_id': r.editor_id, 'created_at': r.created_at,
                     'snapshot': {'title': r.title, 'body': r.body, 'tags': r.tags,
                                  'theme_id': r.theme_id}})
    for r in bind.execute(sa.select(answer_revisions).order_by(answer_revisions.c.id)):
        rows.append({'content_type': 'answer', 'content_id': r.answer_id,
                     'editor_id': r.editor_id, 'created_at': r.created_at,
                     'snapshot': {'body': r.body}})
    for r in bind.execute(sa.select(practice_revisions).order_by(practice_revisions.c.id)):
        rows.append({'content_type': 'practice', 'content_id': r.practice_id,
                     'editor_id': r.editor_id, 'created_at': r.created_at,
                     'snapshot': r.snapshot})
    if rows:
        op.bulk_insert(revisions, rows)
    _drop_old_tables()


def downgrade():
    _create_old_tables()
    bind = op.get_bind()
    full = sa.table('revisions', sa.column('id', sa.Integer), *[
        sa.column(c.name, c.type) for c in revisions.columns])
    kept = {'question': [], 'answer': [], 'practice': []}
    for r in bind.execute(sa.select(full).order_by(full.c.id)):
        snap = r.snapshot or {}
        if r.content_type == 'question':
            kept['question'].append({'question_id': r.content_id, 'editor_id': r.editor_id,
                                     'title': snap.get('title', ''), 'body': snap.get('body', ''),
                                     'tags': snap.get('tags', ''), 'theme_id': snap.get('theme_id'),
                                     'created_at': r.created_at})
        elif r.content_type == 'answer':
            kept['answer'].append({'answer_id': r.content_id, 'editor_id': r.editor_id,
                                   'body': snap.get('body', ''), 'created_at': r.created_at})
        elif r.content_type == 'practice':
            kept['practice'].append({'practice_id': r.content_id, 'editor_id': r.editor_id,
                                     'snapshot': snap, 'created_at': r.created_at})
    for table, key in ((question_revisions, 'question'), (answer_revisions, 'answer'),
                       (practice_revisions, 'practice')):
        if kept[key]:
            op.bulk_insert(table, kept[key])
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_index('ix_revisions_content')
    op.drop_table('revisions')
