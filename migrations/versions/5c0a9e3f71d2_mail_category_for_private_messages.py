"""e-mail category for private messages

The members' e-mail choices are checked against the list of categories: the new
"messages" category (private conversations) joins it. No column changes.

Revision ID: 5c0a9e3f71d2
Revises: 37d98c2a324e
Create Date: 2026-12-05 06:30:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '5c0a9e3f71d2'
down_revision = '37d98c2a324e'
branch_labels = None
depends_on = None

BEFORE = ('my_threads', 'replies', 'followed', 'solutions', 'account')
AFTER = (*BEFORE, 'messages')


def _check(categories):
    return "category IN (" + ", ".join(f"'{c}'" for c in categories) + ")"


def upgrade():
    with op.batch_alter_table('mail_preferences', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_mail_preferences_category_valid'), type_='check')
        batch_op.create_check_constraint(op.f('ck_mail_preferences_category_valid'),
                                         _check(AFTER))


def downgrade():
    op.execute("DELETE FROM mail_preferences WHERE category = 'messages'")
    with op.batch_alter_table('mail_preferences', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_mail_preferences_category_valid'), type_='check')
        batch_op.create_check_constraint(op.f('ck_mail_preferences_category_valid'),
                                         _check(BEFORE))
