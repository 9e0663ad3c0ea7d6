"""Per-user serialisation across processes: the user's ``conversations`` row, locked for the turn.

In one process the worker pool (``bot.chat.workers``) already runs one user's messages one at a time, in
order. Across processes, PostgreSQL's ``SELECT … FOR UPDATE`` on the row holds other workers until the first
one commits; SQLite deployments are single-process (its one writer + the worker pool).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.engine import is_sqlite
from bot.store.models import Conversation
from bot.store.sql import insert_ignore


def lock_conversation(session: Session, appid: str, openid: str, now: datetime) -> Conversation:
    """The user's conversation row (created if new), locked ``FOR UPDATE`` until the session commits."""
    query = select(Conversation).where(Conversation.appid == appid, Conversation.openid == openid)
    if not is_sqlite(session):
        query = query.with_for_update()
    row = session.scalars(query).one_or_none()
    if row is not None:
        return row
    insert_ignore(session, Conversation, appid=appid, openid=openid, state={}, version=0, updated_at=now)
    if is_sqlite(session):
        session.commit()  # never hold SQLite's single write lock while a handler runs
    return session.scalars(query).one()
