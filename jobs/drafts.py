"""Draft expiry: forms left unfinished for longer than ``KC_DRAFT_TTL_DAYS`` are dropped."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from bot.store.models import Conversation
from handlers.kit.base import ConversationState

if TYPE_CHECKING:
    from bot.container import Container


def expire_drafts(*, container: Container, now: datetime) -> int:
    """Drop drafts older than the TTL, remembering the flow so the user is told when they return."""
    cutoff = now - timedelta(days=container.settings.draft_ttl_days)
    expired = 0
    with container.db.session() as session:
        rows = session.scalars(select(Conversation).where(
            Conversation.appid == container.appid, Conversation.updated_at < cutoff)).all()
        for row in rows:
            state = ConversationState.from_json(row.state)
            if not state.flow:
                continue
            state.data["expired_flow"] = state.flow
            state.clear_flow()
            row.state = state.to_json()
            row.version += 1
            expired += 1
    return expired
