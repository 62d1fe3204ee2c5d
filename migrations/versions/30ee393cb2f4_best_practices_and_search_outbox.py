"""best practices and search outbox

Revision ID: 30ee393cb2f4
Revises: 2851ded45bb5
Create Date: 2026-11-26 10:03:16.685164

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '30ee393cb2f4'
down_revision = '2851ded45bb5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('doc_type', sa.String(length=20), nullable=False),
    sa.Column('doc_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_outbox'))
    )
    with op.batch_alter_table('search_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_search_outbox_doc', ['doc_type', 'doc_id'], unique=False)

    op.create_table('practices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('external_id', sa.String(length=120), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(length=600), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('description_html', sa.Text(), nullable=False),
    sa.Column('lead_organisation', sa.String(length=200), nullable=False),
    sa.Column('organisation_type', sa.String(length=40), nullable=False),
    sa.Column('level_of_government', sa.String(length=20), nullable=False),
    sa.Column('region_code', sa.String(length=2), nullable=True),
    sa.Column('autonomous_province', sa.String(length=10), nullable=True),
    sa.Column('municipality', sa.String(length=120), nullable=True),
    sa.Column('population_band', sa.String(length=20), nullable=True),
    sa.Column('main_theme', sa.String(length=60), nullable=False),
    sa.Column('start_year', sa.Integer(), nullable=False),
    sa.Column('end_year', sa.Integer(), nullable=True),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('budget_eur', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('budget_notes', sa.String(length=300), nullable=True),
    sa.Column('partners', sa.JSON(), nullable=False),
    sa.Column('results', sa.Text(), nullable=False),
    sa.Column('results_html', sa.Text(), nullable=False),
    sa.Column('evaluation', sa.Text(), nullable=False),
    sa.Column('evaluation_html', sa.Text(), nullable=False),
    sa.Column('evidence_effectiveness', sa.String(length=2), nullable=True),
    sa.Column('evidence_transferability', sa.String(length=2), nullable=True),
    sa.Column('evidence_enduring_impact', sa.String(length=2), nullable=True),
    sa.Column('evidence_level', sa.String(length=20), nullable=False),
    sa.Column('evidence_assessed_by', sa.String(length=30), nullable=True),
    sa.Column('transferability_notes', sa.Text(), nullable=False),
    sa.Column('transferability_notes_html', sa.Text(), nullable=False),
    sa.Column('challenges', sa.Text(), nullable=False),
    sa.Column('challenges_html', sa.Text(), nullable=False),
    sa.Column('contacts', sa.JSON(), nullable=False),
    sa.Column('links', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('source_question_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('curated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('bozza', 'in-revisione', 'pubblicata', 'archiviata')", name=op.f('ck_practices_status_valid')),
    sa.CheckConstraint('budget_eur IS NULL OR budget_eur >= 0', name=op.f('ck_practices_budget_positive')),
    sa.CheckConstraint('end_year IS NULL OR end_year >= start_year', name=op.f('ck_practices_years_ordered')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_practices_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['curated_by_id'], ['users.id'], name=op.f('fk_practices_curated_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_question_id'], ['questions.id'], name=op.f('fk_practices_source_question_id_questions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practices')),
    sa.UniqueConstraint('external_id', name=op.f('uq_practices_external_id')),
    sa.UniqueConstraint('slug', name=op.f('uq_practices_slug'))
    )
    with op.batch_alter_table('practices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practices_evidence_level'), ['evidence_level'], unique=False)
        batch_op.create_index(batch_op.f('ix_practices_region_code'), ['region_code'], unique=False)
        batch_op.create_index('ix_practices_status_published', ['status', 'published_at'], unique=False)

    op.create_table('practice_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('mime', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_practice_attachments_practice_id_practices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_practice_attachments_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_attachments')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_practice_attachments_stored_name'))
    )
    with op.batch_alter_table('practice_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_attachments_practice_id'), ['practice_id'], unique=False)

    op.create_table('practice_citations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_practice_citations_answer_id_answers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_practice_citations_practice_id_practices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_practice_citations_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_citations')),
    sa.UniqueConstraint('answer_id', 'practice_id', name='uq_practice_citations_pair')
    )
    with op.batch_alter_table('practice_citations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_citations_answer_id'), ['answer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practice_citations_practice_id'), ['practice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practice_citations_question_id'), ['question_id'], unique=False)

    op.create_table('practice_facets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('facet', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_practice_facets_practice_id_practices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_facets')),
    sa.UniqueConstraint('practice_id', 'facet', 'value', name='uq_practice_facets_value')
    )
    with op.batch_alter_table('practice_facets', schema=None) as batch_op:
        batch_op.create_index('ix_practice_facets_facet_value', ['facet', 'value', 'practice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practice_facets_practice_id'), ['practice_id'], unique=False)

    op.create_table('practice_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('pinned_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['pinned_by_id'], ['users.id'], name=op.f('fk_practice_links_pinned_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_practice_links_practice_id_practices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_practice_links_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_links')),
    sa.UniqueConstraint('question_id', 'practice_id', name='uq_practice_links_pair')
    )
    with op.batch_alter_table('practice_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_links_practice_id'), ['practice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practice_links_question_id'), ['question_id'], unique=False)

    op.create_table('practice_replications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('organisation_key', sa.String(length=200), nullable=False),
    sa.Column('region_code', sa.String(length=2), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_practice_replications_practice_id_practices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_practice_replications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_replications')),
    sa.UniqueConstraint('practice_id', 'organisation_key', name='uq_practice_replications_org')
    )
    with op.batch_alter_table('practice_replications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_replications_practice_id'), ['practice_id'], unique=False)

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



def downgrade():
    with op.batch_alter_table('practice_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_revisions_practice_id'))

    op.drop_table('practice_revisions')
    with op.batch_alter_table('practice_replications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_replications_practice_id'))

    op.drop_table('practice_replications')
    with op.batch_alter_table('practice_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_links_question_id'))
        batch_op.drop_index(batch_op.f('ix_practice_links_practice_id'))

    op.drop_table('practice_links')
    with op.batch_alter_table('practice_facets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_facets_practice_id'))
        batch_op.drop_index('ix_practice_facets_facet_value')

    op.drop_table('practice_facets')
    with op.batch_alter_table('practice_citations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_citations_question_id'))
        batch_op.drop_index(batch_op.f('ix_practice_citations_practice_id'))
        batch_op.drop_index(batch_op.f('ix_practice_citations_answer_id'))

    op.drop_table('practice_citations')
    with op.batch_alter_table('practice_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_attachments_practice_id'))

    op.drop_table('practice_attachments')
    with op.batch_alter_table('practices', schema=None) as batch_op:
        batch_op.drop_index('ix_practices_status_published')
        batch_op.drop_index(batch_op.f('ix_practices_region_code'))
        batch_op.drop_index(batch_op.f('ix_practices_evidence_level'))

    op.drop_table('practices')
    with op.batch_alter_table('search_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_search_outbox_doc')

    op.drop_table('search_outbox')
