"""the match_index table: the matcher's index journal shared by every process

Revision ID: 0008
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "match_index",
        sa.Column("side", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("tokens", sa.Text(), nullable=False),
        sa.Column("tokenizer", sa.String(length=32), nullable=False),
        sa.Column("model", sa.String(length=128), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("side", "record_id"),
    )
    with op.batch_alter_table("match_index", schema=None) as batch_op:
        batch_op.create_index("ix_match_index_version", ["version"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("match_index", schema=None) as batch_op:
        batch_op.drop_index("ix_match_index_version")
    op.drop_table("match_index")
