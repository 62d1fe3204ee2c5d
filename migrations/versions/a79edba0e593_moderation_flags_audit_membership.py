"""Moderation: flags, edit suggestions, audit log, notifications, membership, close/lock/hide

Revision ID: a79edba0e593
Revises: 30ee393cb2f4
Create Date: 2026-11-26 11:55:47.931491

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a79edba0e593'
down_revision = '30ee393cb2f4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organisation_type', sa.String(length=40), nullable=False),
    sa.Column('region_code', sa.String(length=2), nullable=False),
    sa.Column('is_archived', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('name', name=op.f('uq_organisations_name'))
    )
    op.create_table('site_settings',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_site_settings'))
    )
    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('target_type', sa.String(length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_entries_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_audit_created', ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index('ix_audit_target', ['target_type', 'target_id'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('link', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_unread', ['user_id', 'read_at'], unique=False)

    op.create_table('edit_suggestions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_type', sa.String(length=10), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('tags', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("post_type IN ('question', 'answer')", name=op.f('ck_edit_suggestions_suggestion_post_type_valid')),
    sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name=op.f('ck_edit_suggestions_suggestion_status_valid')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_edit_suggestions_author_id_users')),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_edit_suggestions_question_id_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_edit_suggestions_reviewed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_edit_suggestions'))
    )
    with op.batch_alter_table('edit_suggestions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_edit_suggestions_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_edit_suggestions_question_id'), ['question_id'], unique=False)
        batch_op.create_index('ix_edit_suggestions_status', ['status', 'created_at'], unique=False)

    op.create_table('flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_type', sa.String(length=10), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('duplicate_of_id', sa.Integer(), nullable=True),
    sa.Column('is_trusted', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('resolution', sa.String(length=30), nullable=False),
    sa.CheckConstraint("post_type IN ('question', 'answer', 'comment')", name=op.f('ck_flags_flag_post_type_valid')),
    sa.CheckConstraint("reason IN ('spam', 'offensive', 'off_topic', 'duplicate', 'attention')", name=op.f('ck_flags_flag_reason_valid')),
    sa.CheckConstraint("status IN ('open', 'dismissed', 'actioned')", name=op.f('ck_flags_flag_status_valid')),
    sa.ForeignKeyConstraint(['duplicate_of_id'], ['questions.id'], name=op.f('fk_flags_duplicate_of_id_questions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_flags_question_id_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_flags_reporter_id_users')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_flags_resolved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flags'))
    )
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flags_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flags_reporter_id'), ['reporter_id'], unique=False)
        batch_op.create_index('ix_flags_status_post', ['status', 'post_type', 'post_id'], unique=False)
        batch_op.create_index('uq_flags_open_per_reporter', ['post_type', 'post_id', 'reporter_id'], unique=True, sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))

    with op.batch_alter_table('acceptances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.Text(), server_default='', nullable=False))

    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('hidden_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('hidden_reason', sa.Text(), server_default='', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_answers_hidden_by_id_users'), 'users', ['hidden_by_id'], ['id'])

    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('hidden_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('hidden_reason', sa.Text(), server_default='', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_comments_hidden_by_id_users'), 'users', ['hidden_by_id'], ['id'])

    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('hidden_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('hidden_reason', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('closed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('close_reason', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('close_note', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('duplicate_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('locked_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('locked_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('lock_reason', sa.Text(), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_questions_duplicate_of_id'), ['duplicate_of_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_questions_locked_by_id_users'), 'users', ['locked_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_questions_duplicate_of_id_questions'), 'questions', ['duplicate_of_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_questions_hidden_by_id_users'), 'users', ['hidden_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_questions_closed_by_id_users'), 'users', ['closed_by_id'], ['id'])

    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_archived', sa.Boolean(), server_default='0', nullable=False))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), server_default='active', nullable=False))
        batch_op.add_column(sa.Column('suspended_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('suspension_reason', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('moderated_theme_ids', sa.String(length=400), server_default='', nullable=False))
        batch_op.create_check_constraint('status_valid', "status IN ('active', 'pending', 'rejected')")



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('status_valid', type_='check')
        batch_op.drop_column('moderated_theme_ids')
        batch_op.drop_column('suspension_reason')
        batch_op.drop_column('suspended_until')
        batch_op.drop_column('status')

    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.drop_column('is_archived')

    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_questions_closed_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_questions_hidden_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_questions_duplicate_of_id_questions'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_questions_locked_by_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_questions_duplicate_of_id'))
        batch_op.drop_column('lock_reason')
        batch_op.drop_column('locked_by_id')
        batch_op.drop_column('locked_at')
        batch_op.drop_column('duplicate_of_id')
        batch_op.drop_column('close_note')
        batch_op.drop_column('close_reason')
        batch_op.drop_column('closed_by_id')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('hidden_reason')
        batch_op.drop_column('hidden_by_id')
        batch_op.drop_column('hidden_at')

    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_comments_hidden_by_id_users'), type_='foreignkey')
        batch_op.drop_column('hidden_reason')
        batch_op.drop_column('hidden_by_id')
        batch_op.drop_column('hidden_at')

    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_answers_hidden_by_id_users'), type_='foreignkey')
        batch_op.drop_column('hidden_reason')
        batch_op.drop_column('hidden_by_id')
        batch_op.drop_column('hidden_at')

    with op.batch_alter_table('acceptances', schema=None) as batch_op:
        batch_op.drop_column('note')

    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.drop_index('uq_flags_open_per_reporter', sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
        batch_op.drop_index('ix_flags_status_post')
        batch_op.drop_index(batch_op.f('ix_flags_reporter_id'))
        batch_op.drop_index(batch_op.f('ix_flags_question_id'))

    op.drop_table('flags')
    with op.batch_alter_table('edit_suggestions', schema=None) as batch_op:
        batch_op.drop_index('ix_edit_suggestions_status')
        batch_op.drop_index(batch_op.f('ix_edit_suggestions_question_id'))
        batch_op.drop_index(batch_op.f('ix_edit_suggestions_author_id'))

    op.drop_table('edit_suggestions')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_unread')

    op.drop_table('notifications')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_target')
        batch_op.drop_index(batch_op.f('ix_audit_entries_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_action'))
        batch_op.drop_index('ix_audit_created')

    op.drop_table('audit_entries')
    op.drop_table('site_settings')
    op.drop_table('organisations')
