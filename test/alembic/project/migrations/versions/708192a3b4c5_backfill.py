"""backfill invoice status

Revision ID: 708192a3b4c5
Revises: 5e6f708192a3
"""
from alembic import op
import sqlalchemy as sa

revision = '708192a3b4c5'
down_revision = '5e6f708192a3'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('invoices', sa.Column('paid', sa.Boolean(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, status FROM invoices")).fetchall()
    for row in rows:
        conn.execute(sa.text("UPDATE invoices SET paid = :p WHERE id = :id"), {"p": row.status == 'paid', "id": row.id})


def downgrade():
    pass
