"""stats tables

Revision ID: 6f708192a3b4
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = '6f708192a3b4'
down_revision = None
branch_labels = ('stats',)
depends_on = '1a2b3c4d5e6f'


def upgrade():
    op.create_table('daily_stats', sa.Column('day', sa.Date(), primary_key=True), sa.Column('users', sa.Integer(), nullable=False))


def downgrade():
    op.drop_table('daily_stats')
