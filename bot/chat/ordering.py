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
_OWNER = select(InboundMessage.owner).where(InboundMessage.id == bindparam("row_id"),
                                           InboundMessage.finished_at.is_(None)).scalar_subquery()
_HELD = exists().where(Outbox.appid == bindparam("appid"), Outbox.openid == bindparam("openid"),
                       Outbox.status == "inbox")
_AFTER_LOCK = select(_OWNER, _HELD)
# SQLite takes no row lock (one process, the worker pool keeps a user's turns apart): one statement reads it all
_SELECT_TURN = select(Conversation.id, Conversation.state, Conversation.version, _OWNER, _HELD).where(
    Conversation.appid == bindparam("appid"), Conversation.openid == bindparam("openid"))


@dataclass(frozen=True)
class Turn:
    """The locked conversation row of one turn, and what the turn must know before it runs."""

    conversation_id: int
    state: dict[str, Any]
    version: int
    owner: str | None  # who owns the delivery now (None: answered or gone)
    has_held: bool  # the user's inbox holds items to deliver with this reply


def lock_conversation(session: Session, appid: str, openid: str, now: datetime, *, inbound_id: int,
                      commit_new: bool = True) -> Turn:
    """Lock the user's conversation row ``FOR UPDATE`` until the session commits (created if new) and read the turn.

    On SQLite a new user's row is committed at once (``commit_new``), so no write lock is held while a handler
    runs; a turn that must commit once, at its end, passes False."""
    if is_sqlite(session):
        return _read_turn_sqlite(session, appid, openid, now, inbound_id, commit_new)
    who = {"appid": appid, "openid": openid}
    row = core(session, _LOCK, who).first()
    if row is None:
        insert_ignore(session, Conversation, appid=appid, openid=openid, state={}, version=0, updated_at=now)
        row = core(session, _LOCK, who).one()
    owner, has_held = core(session, _AFTER_LOCK, {**who, "row_id": inbound_id}).one()
    return Turn(row.id, row.state or {}, row.version, owner, bool(has_held))


def _read_turn_sqlite(session: Session, appid: str, openid: str, now: datetime, inbound_id: int,
                      commit_new: bool) -> Turn:
    """SQLite: the conversation (created if new) and the turn's facts in one statement."""
    params = {"appid": appid, "openid": openid, "row_id": inbound_id}
    row = core(session, _SELECT_TURN, params).first()
    if row is None:
        insert_ignore(session, Conversation, appid=appid, openid=openid, state={}, version=0, updated_at=now)
        if commit_new:
            session.commit()  # never hold SQLite's single write lock while a handler runs
        row = core(session, _SELECT_TURN, params).one()
    return Turn(row[0], row[1] or {}, row[2], row[3], bool(row[4]))
