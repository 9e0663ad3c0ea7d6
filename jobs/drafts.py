"""Draft expiry: forms left unfinished for longer than ``KC_DRAFT_TTL_DAYS`` are dropped."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import Conversation
from handlers.kit.base import PARKED_TTL, ConversationState

if TYPE_CHECKING:
    from bot.container import Container


def expire_drafts(*, container: Container, now: datetime) -> int:
    """Drop drafts older than the TTL, remembering the flow so the user is told when they return; a parked draft
    (a cancelled or interrupted form, kept a day) goes once its day is over."""
    cutoff = now - timedelta(days=container.settings.draft_ttl_days)
    expired = 0
    with container.db.session() as session:
        for row in _idle_since(session, container.appid, now - PARKED_TTL):
            state = ConversationState.from_json(row.state)
            if state.drop_stale_park(now):
                row.state, row.version = state.to_json(), row.version + 1
        for row in _idle_since(session, container.appid, cutoff):
            state = ConversationState.from_json(row.state)
            if not state.flow:
                continue
            state.data["expired_flow"] = state.flow
            state.clear_flow()
            row.state = state.to_json()
            row.version += 1
            expired += 1
    return expired


def _idle_since(session: Session, appid: str, since: datetime) -> list[Conversation]:
    """Conversations not touched since ``since``."""
    return list(session.scalars(select(Conversation).where(Conversation.appid == appid, Conversation.updated_at < since)))
