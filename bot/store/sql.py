"""SQL helpers: portable ``INSERT … ON CONFLICT DO NOTHING`` and the one outbox insert path."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Executable
from sqlalchemy.orm import Session

from bot.store.direct import run_direct


def rowcount(result: Any) -> int:
    """How many rows an UPDATE or DELETE touched (0 when the driver does not say)."""
    return int(getattr(result, "rowcount", 0) or 0)


def insert_ignore(session: Session, model: type[Any], **values: Any) -> bool:
    """Insert a row unless it collides with a unique key; True when this call inserted it."""
    return insert_returning(session, model, **values) is not None


def core(session: Session, statement: Executable, params: dict[str, Any] | list[dict[str, Any]] | None = None) -> Any:
    """Run a Core statement on the session's connection (its transaction), skipping the ORM's execute layer.

    Pending ORM changes are flushed first, as ``session.execute`` would; meant for statements built once and
    reused with bound parameters (their cache key and compiled form are then computed once per process). On
    SQLite the statement runs on the driver's cursor directly (``bot.store.direct``) when it can."""
    session.flush()
    connection = _connection(session)
    if connection.dialect.name == "sqlite":
        result = run_direct(connection, statement, params)
        if result is not None:
            return result
    return connection.execute(statement, params)


_CONNECTION = "kc_connection"  # session.info: (the session transaction, its connection)


def _connection(session: Session) -> Connection:
    """The session's connection in its current transaction, remembered for the transaction's lifetime.

    ``Session.connection()`` walks the transaction's state machine on every call; a message's turn asks for it
    about ten times in one transaction."""
    transaction = session.get_transaction()
    cached = session.info.get(_CONNECTION)
    if transaction is not None and cached is not None and cached[0] is transaction and transaction.is_active:
        return cached[1]  # type: ignore[no-any-return]
    connection = session.connection()
    session.info[_CONNECTION] = (session.get_transaction(), connection)
    return connection


_INSERTS: dict[tuple[str, Any, tuple[str, ...]], Any] = {}


def _insert_statement(dialect: str, table: Any, columns: tuple[str, ...]) -> Any:
    """``INSERT … ON CONFLICT DO NOTHING RETURNING pk`` for ``columns`` of ``table``, built once per shape."""
    key = (dialect, table, columns)
    stmt = _INSERTS.get(key)
    if stmt is None:
        from sqlalchemy import bindparam
        from sqlalchemy.dialects import postgresql, sqlite

        insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
        # rowcount is -1 on psycopg when SQLAlchemy adds an implicit RETURNING: ask for the key explicitly.
        stmt = insert(table).values({c: bindparam(c, type_=table.c[c].type) for c in columns})
        stmt = _INSERTS[key] = stmt.on_conflict_do_nothing().returning(*table.primary_key.columns)
    return stmt


_UPDATES: dict[tuple[Any, tuple[str, ...], tuple[str, ...]], tuple[Any, tuple[str, ...]]] = {}
_PLAIN_INSERTS: dict[tuple[Any, tuple[str, ...]], Any] = {}


def update_where(session: Session, model: type[Any], where: dict[str, Any], **values: Any) -> int:
    """``UPDATE`` the rows of ``model`` whose columns equal ``where`` to ``values``; how many rows it touched.

    One statement per (table, where columns, value columns) as a call site names them, reused with bound
    parameters."""
    key = (model, tuple(where), tuple(values))
    entry = _UPDATES.get(key)
    if entry is None:
        from sqlalchemy import bindparam, update

        table = model.__table__
        stmt = update(table).where(*(table.c[c] == bindparam(f"w_{c}", type_=table.c[c].type) for c in key[1]))
        stmt = stmt.values({c: bindparam(f"v_{c}", type_=table.c[c].type) for c in key[2]})
        entry = _UPDATES[key] = (stmt, (*(f"w_{c}" for c in key[1]), *(f"v_{c}" for c in key[2])))
    stmt, names = entry
    return rowcount(core(session, stmt, dict(zip(names, (*where.values(), *values.values()), strict=True))))


def insert_rows(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (all with the same columns) in one statement execution; no-op when empty."""
    if not rows:
        return
    key = (model, tuple(rows[0]))
    stmt = _PLAIN_INSERTS.get(key)
    if stmt is None:
        from sqlalchemy import bindparam, insert

        table = model.__table__
        stmt = _PLAIN_INSERTS[key] = insert(table).values({c: bindparam(c, type_=table.c[c].type) for c in key[1]})
    core(session, stmt, rows if len(rows) > 1 else rows[0])


def insert_returning(session: Session, model: type[Any], **values: Any) -> Any:
    """Insert a row unless it collides with a unique key; its primary key when this call inserted it, else None."""
    dialect = _connection(session).dialect.name
    stmt = _insert_statement("sqlite" if dialect == "sqlite" else "postgresql", model.__table__, tuple(values))
    row = core(session, stmt, values).first()
    return None if row is None else row[0]


def queue_outbox(session: Session, *, appid: str, openid: str, kind: str, key: str, payload: dict[str, Any],
                 now: datetime, channel: str | None = None, status: str = "pending") -> bool:
    """The one way an outbox row is written: once per idempotency ``key``; True when this call queued it."""
    from bot.store.models import Outbox

    return insert_ignore(session, Outbox, appid=appid, openid=openid, kind=kind, idempotency_key=key,
                         payload=payload, channel=channel, status=status, attempts=0,
                         next_attempt_at=now, created_at=now)
