"""The cases table.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("request_number", sa.String(12), nullable=False, unique=True),
        sa.Column("national_id", sa.String(10), nullable=False, index=True),
        sa.Column("service", sa.String(64), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("submitted_on", sa.Date, nullable=False),
        sa.Column("updated_on", sa.Date, nullable=False),
        sa.Column("expected_completion", sa.Date),
        sa.Column("next_step", sa.Text, nullable=False),
        sa.Column("missing_documents", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("cases")
