"""hand-off lookup by user: most text turns ask whether a person is handling the user (was a table scan)

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_index("ix_handoff_user", "handoff_requests", ["appid", "openid", "status"])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_handoff_user", table_name="handoff_requests")
