"""billing: invoices

Revision ID: 3c4d5e6f7081
Revises: 2b3c4d5e6f70
"""
from alembic import op
import sqlalchemy as sa

revision = '3c4d5e6f7081'
down_revision = '2b3c4d5e6f70'
branch_labels = ('billing',)
depends_on = None

# Read when the module is imported, as some projects do: Alembic imports the revisions inside
# its migration context; `alembic history` and `heads` import them without one.
try:
    STATUS_LENGTH = 30 if op.get_context().dialect.name == 'postgresql' else 20
except Exception:
    STATUS_LENGTH = 20


def upgrade():
    op.create_table(
        'invoices',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id', name='fk_invoices_user'), nullable=False),
        sa.Column('amount', sa.Numeric(10, 2), nullable=False, server_default='0'),
        sa.Column('status', sa.String(STATUS_LENGTH), nullable=False, server_default='open'),
    )


def downgrade():
    op.drop_table('invoices')
