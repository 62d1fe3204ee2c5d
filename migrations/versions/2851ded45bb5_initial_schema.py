"""initial schema

Revision ID: 2851ded45bb5
Revises: 
Create Date: 2026-11-26 09:30:46.962371

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2851ded45bb5'
down_revision = None
branch_labels = None
depends_on = None


def _inline_accepted_fk():
    """questions <-> answers reference each other: SQLite takes the forward reference
    inline (it cannot ALTER a constraint in), other databases get it after both tables."""
    if op.get_bind().dialect.name != "sqlite":
        return []
    return [sa.ForeignKeyConstraint(['accepted_answer_id'], ['answers.id'], name=op.f('fk_questions_accepted_answer_id_answers'), ondelete='SET NULL')]


def upgrade():
    op.create_table('tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=30), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tags')),
    sa.UniqueConstraint('name', name=op.f('uq_tags_name'))
    )
    op.create_table('themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_themes')),
    sa.UniqueConstraint('slug', name=op.f('uq_themes_slug'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=32), nullable=False),
    sa.Column('display_name', sa.String(length=80), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('organisation_type', sa.String(length=40), nullable=False),
    sa.Column('region_code', sa.String(length=2), nullable=False),
    sa.Column('bio', sa.Text(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('reputation', sa.Integer(), nullable=False),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("role IN ('member', 'moderator', 'admin')", name=op.f('ck_users_role_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('answer_count', sa.Integer(), nullable=False),
    sa.Column('accepted_answer_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.Column('last_activity_at', sa.DateTime(), nullable=False),
    *_inline_accepted_fk(),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_questions_author_id_users')),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_questions_theme_id_themes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questions'))
    )
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_index('ix_questions_activity', ['last_activity_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_questions_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_questions_created', ['created_at'], unique=False)
        batch_op.create_index('ix_questions_score', ['score'], unique=False)
        batch_op.create_index('ix_questions_theme_activity', ['theme_id', 'last_activity_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_questions_theme_id'), ['theme_id'], unique=False)

    op.create_table('answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_answers_author_id_users')),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_answers_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answers'))
    )
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answers_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answers_question_id'), ['question_id'], unique=False)

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

    op.create_table('question_tags',
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_tags_question_id_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_question_tags_tag_id_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('question_id', 'tag_id', name=op.f('pk_question_tags'))
    )
    if op.get_bind().dialect.name != "sqlite":
        op.create_foreign_key(op.f('fk_questions_accepted_answer_id_answers'), 'questions', 'answers', ['accepted_answer_id'], ['id'], ondelete='SET NULL')

    op.create_table('acceptances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('accepted_by_id', sa.Integer(), nullable=False),
    sa.Column('as_moderator', sa.Boolean(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_acceptances_accepted_by_id_users')),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_acceptances_answer_id_answers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_acceptances_question_id_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'], name=op.f('fk_acceptances_withdrawn_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_acceptances'))
    )
    with op.batch_alter_table('acceptances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_acceptances_answer_id'), ['answer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_acceptances_question_id'), ['question_id'], unique=False)
        batch_op.create_index('uq_acceptances_current', ['question_id'], unique=True, sqlite_where=sa.text('withdrawn_at IS NULL'), postgresql_where=sa.text('withdrawn_at IS NULL'))

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

    op.create_table('comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('depth', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_comments_answer_id_answers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_comments_author_id_users')),
    sa.ForeignKeyConstraint(['parent_id'], ['comments.id'], name=op.f('fk_comments_parent_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_comments_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments'))
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comments_answer_id'), ['answer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_question_id'), ['question_id'], unique=False)

    op.create_table('votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('answer_id', sa.Integer(), nullable=True),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(question_id IS NULL) <> (answer_id IS NULL)', name=op.f('ck_votes_one_target')),
    sa.CheckConstraint('value IN (-1, 1)', name=op.f('ck_votes_value_valid')),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_votes_answer_id_answers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_votes_question_id_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_votes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_votes')),
    sa.UniqueConstraint('user_id', 'answer_id', name='uq_votes_user_answer'),
    sa.UniqueConstraint('user_id', 'question_id', name='uq_votes_user_question')
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_votes_answer_id'), ['answer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_votes_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_votes_user_id'), ['user_id'], unique=False)



def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f('fk_questions_accepted_answer_id_answers'), 'questions', type_='foreignkey')
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_votes_user_id'))
        batch_op.drop_index(batch_op.f('ix_votes_question_id'))
        batch_op.drop_index(batch_op.f('ix_votes_answer_id'))

    op.drop_table('votes')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comments_question_id'))
        batch_op.drop_index(batch_op.f('ix_comments_author_id'))
        batch_op.drop_index(batch_op.f('ix_comments_answer_id'))

    op.drop_table('comments')
    with op.batch_alter_table('answer_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_revisions_answer_id'))

    op.drop_table('answer_revisions')
    with op.batch_alter_table('acceptances', schema=None) as batch_op:
        batch_op.drop_index('uq_acceptances_current', sqlite_where=sa.text('withdrawn_at IS NULL'), postgresql_where=sa.text('withdrawn_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_acceptances_question_id'))
        batch_op.drop_index(batch_op.f('ix_acceptances_answer_id'))

    op.drop_table('acceptances')
    op.drop_table('question_tags')
    with op.batch_alter_table('question_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_revisions_question_id'))

    op.drop_table('question_revisions')
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answers_question_id'))
        batch_op.drop_index(batch_op.f('ix_answers_author_id'))

    op.drop_table('answers')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questions_theme_id'))
        batch_op.drop_index('ix_questions_theme_activity')
        batch_op.drop_index('ix_questions_score')
        batch_op.drop_index('ix_questions_created')
        batch_op.drop_index(batch_op.f('ix_questions_author_id'))
        batch_op.drop_index('ix_questions_activity')

    op.drop_table('questions')
    op.drop_table('users')
    op.drop_table('themes')
    op.drop_table('tags')
