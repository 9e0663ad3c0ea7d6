"""A named lease in the database: exactly one process holds it until it expires or is released."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, insert, update
from sqlalchemy.exc import IntegrityError

from bot.chat.claims import new_owner_id
from bot.store.engine import Database
from bot.store.models import Lease


def holder_id() -> str:
    """A unique name for this process (host:pid:random), as the inbound claims use."""
    return new_owner_id()


class DbLease:
    """Acquire, renew and release the lease ``name`` for ``holder`` with a time-to-live."""

    def __init__(self, db: Database, name: str, holder: str, ttl: timedelta) -> None:
        self.db, self.name, self.holder, self.ttl = db, name, holder, ttl

    def try_acquire(self, now: datetime) -> bool:
        """Take or renew the lease if it is free, expired or already ours; True when we hold it."""
        expires = now + self.ttl
        with self.db.session() as session:
            taken = session.execute(  # type: ignore[attr-defined]
                update(Lease)
                .where(Lease.name == self.name)
                .where((Lease.holder == self.holder) | (Lease.expires_at < now))
                .values(holder=self.holder, expires_at=expires)
            ).rowcount
        if taken:
            return True
        try:
            with self.db.session() as session:
                session.execute(insert(Lease).values(name=self.name, holder=self.holder, expires_at=expires))
        except IntegrityError:
            return False
        return True

    def release(self) -> None:
        """Give the lease up (only if we hold it)."""
        with self.db.session() as session:
            session.execute(delete(Lease).where(Lease.name == self.name, Lease.holder == self.holder))


def current_holder(db: Database, name: str, now: datetime) -> str | None:
    """Who holds the lease ``name`` right now (None when nobody does or it expired)."""
    with db.session() as session:
        row = session.get(Lease, name)
        return row.holder if row is not None and row.expires_at > now else None
