"""index invoice status

Revision ID: 8192a3b4c5d6
Revises: 708192a3b4c5
"""
from alembic import op

revision = '8192a3b4c5d6'
down_revision = '708192a3b4c5'
branch_labels = None
depends_on = None


def upgrade():
    # A dialect check through op.get_bind() works offline too; reading data does not.
    if op.get_bind().dialect.name == 'postgresql':
        with op.get_context().autocommit_block():
            op.execute('CREATE INDEX CONCURRENTLY ix_invoices_status ON invoices (status)')
    else:
        op.create_index('ix_invoices_status', 'invoices', ['status'])


def downgrade():
    op.drop_index('ix_invoices_status', table_name='invoices')
