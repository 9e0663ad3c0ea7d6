"""Inbound claims: one row per WeChat delivery, owned by the worker answering it under a renewable lease.

A worker claims a new delivery (unique dedup key), keeps the message's fields and renews its lease while it
works. When the worker dies (kill -9, crash), the lease runs out: WeChat's next retry of that MsgId, or the
recovery job, takes the row over and answers it. Every ownership change is one conditional UPDATE, and the
owner's final write is conditional on still owning the row, so two workers never both answer a message.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from bot.store.engine import Database
from bot.store.models import InboundMessage
from bot.store.sql import core, insert_returning, rowcount, update_where

OPEN = ("processing", "deferred")  # not answered yet (deferred: the request left, the worker pushes)
_OWNER = select(InboundMessage.owner).where(InboundMessage.id == bindparam("row_id"),
                                            InboundMessage.finished_at.is_(None))


def new_owner_id() -> str:
    """A worker identity: host, pid and a random suffix (pids are reused across restarts)."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Claim:
    """What a retry sees of a delivery."""

    id: int
    status: str
    replies: list[Any]
    lease_until: datetime | None
    finished: bool


class Claims:
    """The inbound rows of one deployment, seen from one worker (``owner``)."""

    def __init__(self, db: Database, *, owner: str, lease: timedelta) -> None:
        self.db, self.owner, self.lease = db, owner, lease

    def claim(self, *, appid: str, key: str, openid: str, kind: str, fields: dict[str, Any],
              now: datetime, before: Callable[[Session], None] | None = None,
              session: Session | None = None) -> int | None:
        """Claim a new delivery; its row id, or None when the key was claimed before (a redelivery).

        ``before(session)`` runs first in the same transaction; an exception from it claims nothing. The claim
        is committed in a transaction of its own, on ``session`` when given (it must have none open)."""
        with nullcontext(session) if session is not None else self.db.turn_session() as own, own.begin():
            if before is not None:
                before(own)
            return insert_returning(
                own, InboundMessage, appid=appid, dedup_key=key, openid=openid, msg_type=kind[:32],
                status="processing", replies=[], received_at=now, fields=fields, owner=self.owner,
                lease_until=now + self.lease)

    def record(self, session: Session, *, appid: str, key: str, openid: str, kind: str, finished_at: datetime,
               **values: Any) -> int | None:
        """Write a delivery answered in one transaction (never claimed) as finished, in the caller's transaction;
        its row id, or None when the key was claimed before (a redelivery)."""
        return insert_returning(session, InboundMessage, appid=appid, dedup_key=key, openid=openid, msg_type=kind[:32],
                                received_at=finished_at, finished_at=finished_at, fields=None, owner=self.owner,
                                lease_until=None, **values)

    def look(self, *, appid: str, key: str) -> Claim:
        """The current state of a claimed delivery."""
        with self.db.session() as session:
            row = session.scalars(select(InboundMessage).where(
                InboundMessage.appid == appid, InboundMessage.dedup_key == key)).one()
            return Claim(row.id, row.status, list(row.replies or []), row.lease_until, row.finished_at is not None)

    def take_over(self, row_id: int, *, now: datetime) -> dict[str, Any] | None:
        """Own an unanswered row whose lease ran out; its message fields, or None when not won."""
        with self.db.session() as session:
            won = rowcount(session.execute(update(InboundMessage).where(
                InboundMessage.id == row_id, InboundMessage.status.in_(OPEN),
                InboundMessage.finished_at.is_(None), InboundMessage.lease_until < now,
            ).values(owner=self.owner, lease_until=now + self.lease, status="processing")))
            if not won:
                return None
            return session.scalar(select(InboundMessage.fields).where(InboundMessage.id == row_id)) or {}

    def renew(self, row_ids: list[int], *, now: datetime) -> None:
        """Extend the leases of the rows this worker is answering."""
        if row_ids:
            with self.db.session() as session:
                session.execute(update(InboundMessage).where(
                    InboundMessage.id.in_(row_ids), InboundMessage.owner == self.owner,
                    InboundMessage.finished_at.is_(None)).values(lease_until=now + self.lease))

    def owns(self, session: Session, row_id: int) -> bool:
        """Whether this worker still owns the unanswered row (checked under the conversation lock)."""
        return core(session, _OWNER, {"row_id": row_id}).scalar() == self.owner

    def finish(self, session: Session, row_id: int, **values: Any) -> bool:
        """The owner's final write (fields dropped, lease cleared); False when another worker took over."""
        return bool(update_where(session, InboundMessage, {"id": row_id, "owner": self.owner}, fields=None,
                                 lease_until=None, **values))

    def set_status(self, row_id: int, **values: Any) -> None:
        """Record a passive placeholder or a failure on a row this worker owns."""
        with self.db.session() as session:
            session.execute(update(InboundMessage).where(
                InboundMessage.id == row_id, InboundMessage.owner == self.owner).values(**values))

    def expired(self, *, now: datetime, limit: int = 50) -> list[int]:
        """Unanswered rows whose owner stopped renewing (oldest first)."""
        with self.db.session() as session:
            return list(session.scalars(select(InboundMessage.id).where(
                InboundMessage.status.in_(OPEN), InboundMessage.finished_at.is_(None),
                InboundMessage.lease_until < now).order_by(InboundMessage.id).limit(limit)))
