"""create users

Revision ID: 1a2b3c4d5e6f
Revises:
Create Date: 2024-01-01
"""
from alembic import op
import sqlalchemy as sa
from myapp import NAME_LENGTH

revision = '1a2b3c4d5e6f'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'users',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('name', sa.String(NAME_LENGTH), nullable=False),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    )


def downgrade():
    op.drop_table('users')
