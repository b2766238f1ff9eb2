"""merge billing and audit

Revision ID: 5e6f708192a3
Revises: 3c4d5e6f7081, 4d5e6f708192
"""
revision = '5e6f708192a3'
down_revision = ('3c4d5e6f7081', '4d5e6f708192')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
