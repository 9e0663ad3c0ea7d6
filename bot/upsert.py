"""Portable ``INSERT … ON CONFLICT DO NOTHING`` for SQLite and PostgreSQL (atomic claims and upserts)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session


def insert_ignore(session: Session, model: type[Any], **values: Any) -> bool:
    """Insert a row unless it collides with a unique key; True when this call inserted it."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    # A Core insert on the table: the ORM-enabled path does not report rowcount on psycopg.
    result = session.execute(insert(model.__table__).values(**values).on_conflict_do_nothing())
    return bool(result.rowcount)  # type: ignore[attr-defined]
