"""audit log, seeded

Revision ID: 4d5e6f708192
Revises: 2b3c4d5e6f70
"""
from alembic import op
import sqlalchemy as sa

revision = '4d5e6f708192'
down_revision = '2b3c4d5e6f70'
branch_labels = None
depends_on = None


def upgrade():
    audit = op.create_table(
        'audit',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('event', sa.String(50), nullable=False),
        sa.Column('note', sa.Text()),
    )
    op.bulk_insert(audit, [{'id': 1, 'event': 'created', 'note': "it's 100% new"}])
    # A trailing comment: the ; Alembic adds after it must not end up inside it.
    op.execute("UPDATE audit SET note = 'checked' WHERE id = 1 -- the seed row")
    op.execute("INSERT INTO audit (id, event, note) VALUES (2, 'raw', 'semi;colon and 50% off')")


def downgrade():
    op.drop_table('audit')
