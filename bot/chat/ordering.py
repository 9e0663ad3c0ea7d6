"""Per-user serialisation across processes: the user's ``conversations`` row, locked for the turn.

In one process the worker pool (``bot.chat.workers``) already runs one user's messages one at a time, in
order. Across processes, PostgreSQL's ``SELECT … FOR UPDATE`` on the row holds other workers until the first
one commits; SQLite deployments are single-process (its one writer + the worker pool).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session

from bot.store.engine import is_sqlite
from bot.store.models import Conversation, InboundMessage, Outbox
from bot.store.sql import core, insert_ignore

# built once: the hot path reuses the statements and their compiled forms
_SELECT = select(Conversation.id, Conversation.state, Conversation.version).where(
    Conversation.appid == bindparam("appid"), Conversation.openid == bindparam("openid"))
_LOCK = _SELECT.with_for_update(of=Conversation)
# asked after the lock is held, so a take-over or a held item committed meanwhile is seen
_AFTER_LOCK = select(
    select(InboundMessage.owner).where(InboundMessage.id == bindparam("row_id"),
                                       InboundMessage.finished_at.is_(None)).scalar_subquery(),
    exists().where(Outbox.appid == bindparam("appid"), Outbox.openid == bindparam("openid"),
                   Outbox.status == "inbox"))


@dataclass(frozen=True)
class Turn:
    """The locked conversation row of one turn, and what the turn must know before it runs."""

    conversation_id: int
    state: dict[str, Any]
    version: int
    owner: str | None  # who owns the delivery now (None: answered or gone)
    has_held: bool  # the user's inbox holds items to deliver with this reply


def lock_conversation(session: Session, appid: str, openid: str, now: datetime, *, inbound_id: int) -> Turn:
    """Lock the user's conversation row ``FOR UPDATE`` until the session commits (created if new) and read the turn."""
    sqlite = is_sqlite(session)
    query, who = (_SELECT if sqlite else _LOCK), {"appid": appid, "openid": openid}
    row = core(session, query, who).first()
    if row is None:
        insert_ignore(session, Conversation, appid=appid, openid=openid, state={}, version=0, updated_at=now)
        if sqlite:
            session.commit()  # never hold SQLite's single write lock while a handler runs
        row = core(session, query, who).one()
    owner, has_held = core(session, _AFTER_LOCK, {**who, "row_id": inbound_id}).one()
    return Turn(row.id, row.state or {}, row.version, owner, bool(has_held))
