"""Per-user serialisation: a FIFO lock per (appid, openid) in this process, plus the conversation row lock.

In-process, tickets are taken in arrival order so queued messages run in the order they came. Across
processes, PostgreSQL's ``SELECT … FOR UPDATE`` on the user's ``conversations`` row holds other workers
until the first one commits; SQLite deployments are single-process (its one writer + the in-process lock).
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import datetime
from types import TracebackType

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.engine import is_sqlite
from bot.store.models import Conversation
from bot.store.sql import insert_ignore


class Ticket:
    """A place in one key's queue; ``with ticket:`` waits for the turn and releases it afterwards."""

    def __init__(self, owner: KeyedLock, key: str) -> None:
        self.owner, self.key, self.turn = owner, key, threading.Event()

    def __enter__(self) -> Ticket:
        self.turn.wait()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.owner._release(self)


class KeyedLock:
    """FIFO mutual exclusion per key; queues are dropped when empty."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._queues: dict[str, deque[Ticket]] = {}

    def ticket(self, key: str) -> Ticket:
        """Join ``key``'s queue now (the turn comes when everyone ahead has released)."""
        ticket = Ticket(self, key)
        with self._guard:
            queue = self._queues.setdefault(key, deque())
            queue.append(ticket)
            if len(queue) == 1:
                ticket.turn.set()
        return ticket

    def _release(self, ticket: Ticket) -> None:
        """Leave the queue and wake the next ticket."""
        with self._guard:
            queue = self._queues[ticket.key]
            queue.remove(ticket)
            if queue:
                queue[0].turn.set()
            else:
                del self._queues[ticket.key]

    def busy(self) -> int:
        """Number of keys with someone running or waiting."""
        with self._guard:
            return len(self._queues)


def lock_conversation(session: Session, appid: str, openid: str, now: datetime) -> Conversation:
    """The user's conversation row (created if new), locked ``FOR UPDATE`` until the session commits."""
    insert_ignore(session, Conversation, appid=appid, openid=openid, state={}, version=0, updated_at=now)
    if is_sqlite(session):
        session.commit()  # never hold SQLite's single write lock while a handler runs
    query = select(Conversation).where(Conversation.appid == appid, Conversation.openid == openid)
    return session.scalars(query.with_for_update()).one()
