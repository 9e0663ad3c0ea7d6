"""console II: hand-off assignment, replies and rating; knowledge-base uploads; unanswered questions

Revision ID: 0009
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.store.models

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UTC = bot.store.models.UTCDateTime(timezone=True)


def handoff_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    """The columns this revision adds to ``handoff_requests`` (fresh objects per use)."""
    return [
        sa.Column("region", sa.String(length=64), nullable=True),
        sa.Column("snapshot", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
        sa.Column("followups", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
        sa.Column("assignee", sa.String(length=64), nullable=True),
        sa.Column("assigned_at", UTC, nullable=True),
        sa.Column("closed_at", UTC, nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("rating_asked_at", UTC, nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rated_at", UTC, nullable=True),
        sa.Column("alerted_at", UTC, nullable=True),
    ]


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("handoff_requests", schema=None) as batch_op:
        for column in handoff_columns():
            batch_op.add_column(column)
    op.create_table(
        "handoff_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("outbox_key", sa.String(length=255), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["handoff_requests.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_handoff_replies_request_id", "handoff_replies", ["request_id"], unique=False)
    op.create_table(
        "kb_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("doc", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("chunks", sa.Integer(), nullable=True),
        sa.Column("sections", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=32), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("started_at", UTC, nullable=True),
        sa.Column("finished_at", UTC, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "unanswered_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appid", sa.String(length=64), nullable=False),
        sa.Column("openid", sa.String(length=128), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("declined", sa.Boolean(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("resolved_at", UTC, nullable=True),
        sa.Column("resolved_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_unanswered_open", "unanswered_questions", ["appid", "resolved_at"], unique=False)
    op.create_index("ix_unanswered_questions_openid", "unanswered_questions", ["openid"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_unanswered_questions_openid", table_name="unanswered_questions")
    op.drop_index("ix_unanswered_open", table_name="unanswered_questions")
    op.drop_table("unanswered_questions")
    op.drop_table("kb_uploads")
    op.drop_index("ix_handoff_replies_request_id", table_name="handoff_replies")
    op.drop_table("handoff_replies")
    with op.batch_alter_table("handoff_requests", schema=None) as batch_op:
        for column in reversed(handoff_columns()):
            batch_op.drop_column(column.name)
