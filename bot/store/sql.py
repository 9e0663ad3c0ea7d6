"""SQL helpers: portable ``INSERT … ON CONFLICT DO NOTHING`` and the one outbox insert path."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.store.engine import is_sqlite


def rowcount(result: Any) -> int:
    """How many rows an UPDATE or DELETE touched (0 when the driver does not say)."""
    return int(getattr(result, "rowcount", 0) or 0)


def insert_ignore(session: Session, model: type[Any], **values: Any) -> bool:
    """Insert a row unless it collides with a unique key; True when this call inserted it."""
    return insert_returning(session, model, **values) is not None


def insert_returning(session: Session, model: type[Any], **values: Any) -> Any:
    """Insert a row unless it collides with a unique key; its primary key when this call inserted it, else None."""
    from sqlalchemy.dialects import postgresql, sqlite

    insert = sqlite.insert if is_sqlite(session) else postgresql.insert
    # rowcount is -1 on psycopg when SQLAlchemy adds an implicit RETURNING: ask for the key explicitly.
    table = model.__table__
    stmt = insert(table).values(**values).on_conflict_do_nothing().returning(*table.primary_key.columns)
    row = session.execute(stmt).first()
    return None if row is None else row[0]


def queue_outbox(session: Session, *, appid: str, openid: str, kind: str, key: str, payload: dict[str, Any],
                 now: datetime, channel: str | None = None, status: str = "pending") -> bool:
    """The one way an outbox row is written: once per idempotency ``key``; True when this call queued it."""
    from bot.store.models import Outbox

    return insert_ignore(session, Outbox, appid=appid, openid=openid, kind=kind, idempotency_key=key,
                         payload=payload, channel=channel, status=status, attempts=0,
                         next_attempt_at=now, created_at=now)
