"""Per-user serialisation across processes: the user's ``conversations`` row, locked for the turn.

In one process the worker pool (``bot.chat.workers``) already runs one user's messages one at a time, in
order. Across processes, PostgreSQL's ``SELECT … FOR UPDATE`` on the row holds other workers until the first
one commits; SQLite deployments are single-process (its one writer + the worker pool).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.store.engine import is_sqlite
from bot.store.models import Conversation
from bot.store.sql import insert_ignore

_SELECT = select(Conversation).where(Conversation.appid == bindparam("appid"), Conversation.openid == bindparam("openid"))
_LOCK = _SELECT.with_for_update()  # built once: the hot path reuses the statement and its compiled form


def lock_conversation(session: Session, appid: str, openid: str, now: datetime) -> Conversation:
    """The user's conversation row (created if new), locked ``FOR UPDATE`` until the session commits."""
    sqlite = is_sqlite(session)
    query, who = (_SELECT if sqlite else _LOCK), {"appid": appid, "openid": openid}
    row = session.scalars(query, who).one_or_none()
    if row is not None:
        return row
    insert_ignore(session, Conversation, appid=appid, openid=openid, state={}, version=0, updated_at=now)
    if sqlite:
        session.commit()  # never hold SQLite's single write lock while a handler runs
    return session.scalars(query, who).one()
