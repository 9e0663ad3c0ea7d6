"""the wechat_nonces table: each signed nonce bound to one message, shared by every worker

Revision ID: 0004
Revises: 0003

Chained after 0003_inbound_leases (written at the same time) so the history keeps one head.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.store.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "wechat_nonces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appid", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("dedup_key", sa.String(length=255), nullable=False),
        sa.Column("seen_at", bot.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("appid", "nonce"),
    )
    with op.batch_alter_table("wechat_nonces", schema=None) as batch_op:
        batch_op.create_index("ix_wechat_nonces_seen", ["seen_at"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("wechat_nonces", schema=None) as batch_op:
        batch_op.drop_index("ix_wechat_nonces_seen")
    op.drop_table("wechat_nonces")
