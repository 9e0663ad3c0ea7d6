"""Portable ``INSERT … ON CONFLICT DO NOTHING`` for SQLite and PostgreSQL (atomic claims and upserts)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session


def insert_ignore(session: Session, model: type[Any], **values: Any) -> bool:
    """Insert a row unless it collides with a unique key; True when this call inserted it."""
    from sqlalchemy.dialects import postgresql, sqlite

    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    # rowcount is -1 on psycopg when SQLAlchemy adds an implicit RETURNING: ask for the key explicitly.
    table = model.__table__
    stmt = insert(table).values(**values).on_conflict_do_nothing().returning(*table.primary_key.columns)
    return session.execute(stmt).first() is not None
