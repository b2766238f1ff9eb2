"""add email to users

Revision ID: 2b3c4d5e6f70
Revises: 1a2b3c4d5e6f
"""
from alembic import op
import sqlalchemy as sa

revision = '2b3c4d5e6f70'
down_revision = '1a2b3c4d5e6f'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('email', sa.String(120), nullable=True))
    op.create_index('ix_users_email', 'users', ['email'], unique=True)


def downgrade():
    op.drop_index('ix_users_email', table_name='users')
    op.drop_column('users', 'email')
