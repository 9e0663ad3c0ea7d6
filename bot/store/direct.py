"""Reused Core statements run on the SQLite driver's cursor: compiled once, executed without SQLAlchemy's execution layer.

The hot message path runs about ten small statements per message; SQLAlchemy's per-execution machinery (context,
events, result set-up) costs several times what SQLite itself does for them. Here each statement is compiled once
per process, with its bind and result processors (JSON, datetimes, booleans) taken from SQLAlchemy, so values go
in and come out exactly as ``Connection.execute`` would give them. The statement runs inside the session's
transaction on the same DBAPI connection, and the engine's ``before_cursor_execute`` listeners still run (the
SQLite write lock, ``bot.store.engine.SqliteWriteLock``, is taken there). Statements this cannot run as they are
(expanding ``IN`` lists, Python-side column defaults) return None and go the ordinary way.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Executable

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class Compiled:
    """One statement compiled for SQLite: SQL text, positional parameter order and value processors."""

    sql: str
    names: tuple[str, ...]
    defaults: dict[str, Any]
    binds: dict[str, Callable[[Any], Any]]
    row: Any  # a namedtuple class for result rows (None for statements that return none)
    results: tuple[Processor, ...]
    computed: tuple[tuple[str, Callable[[], Any]], ...]  # Python-side column defaults, evaluated per row
    slots: tuple[tuple[str, Any, Processor], ...] = ()  # (name, default or _MISSING, bind processor) per placeholder


MAX_STATEMENTS = 512  # the hot path has a few dozen; past this, statements are not cached
_COMPILED: dict[int, Compiled | None] = {}
_KEEP: dict[int, Executable] = {}  # the statements compiled above (their ids stay valid)


def _compile(connection: Connection, statement: Executable) -> Compiled | None:
    """Compile ``statement`` for the connection's dialect; None when it needs per-execution rendering."""
    compiled: Any = statement.compile(dialect=connection.dialect)  # type: ignore[attr-defined]
    if "POSTCOMPILE" in compiled.string or compiled.positiontup is None:
        return None
    computed = _computed_defaults(compiled)
    if computed is None:
        return None
    columns = list(compiled._result_columns)
    dialect = connection.dialect
    results = tuple(column[3]._cached_result_processor(dialect, None) for column in columns)
    row = namedtuple("Row", [column[0] for column in columns], rename=True) if columns else None  # type: ignore[misc]
    names, binds = tuple(compiled.positiontup), dict(compiled._bind_processors)
    defaults = compiled.construct_params(_check=False)
    slots = tuple((name, defaults.get(name, _MISSING), binds.get(name)) for name in names)
    return Compiled(compiled.string, names, defaults, binds, row, results, computed, slots)


_MISSING = object()  # a placeholder with no default: its value must be given


def _constant(value: Any) -> Callable[[], Any]:
    """A function returning ``value``."""
    return lambda: value


def _computed_defaults(compiled: Any) -> tuple[tuple[str, Callable[[], Any]], ...] | None:
    """Python-side column defaults (``default=`` on insert, ``onupdate=`` on update) as (name, function) pairs.

    Only constants and functions of no argument qualify (None otherwise: those need SQLAlchemy's context)."""
    out: list[tuple[str, Callable[[], Any]]] = []
    for column, is_update in [*((c, False) for c in compiled.insert_prefetch),
                              *((c, True) for c in compiled.update_prefetch)]:
        default = column.onupdate if is_update else column.default
        if default is not None and default.is_scalar:
            out.append((column.key, _constant(default.arg)))
        elif default is not None and default.is_callable and hasattr(default.arg, "__wrapped__"):
            out.append((column.key, default.arg.__wrapped__))  # SQLAlchemy wraps only argument-less functions
        else:
            return None
    return tuple(out)


def _compiled(connection: Connection, statement: Executable) -> Compiled | None:
    """The cached compiled form of a statement built once and reused (keyed by identity)."""
    key = id(statement)
    if key not in _COMPILED:
        if len(_COMPILED) >= MAX_STATEMENTS:  # statements built per call do not belong here: go the ordinary way
            return None
        _KEEP[key] = statement
        _COMPILED[key] = _compile(connection, statement)
    return _COMPILED[key]


def _positional(compiled: Compiled, params: dict[str, Any]) -> tuple[Any, ...]:
    """The parameter tuple in placeholder order, processed as SQLAlchemy would bind it."""
    if compiled.computed:
        params = {**{name: make() for name, make in compiled.computed}, **params}
    values = []
    get = params.get
    for name, default, processor in compiled.slots:
        value = get(name, default)
        if value is _MISSING:
            raise KeyError(name)
        values.append(processor(value) if processor is not None and value is not None else value)
    return tuple(values)


class Rows:
    """The result of a direct execution: the few ``Result`` methods the hot path uses."""

    def __init__(self, compiled: Compiled, raw: list[tuple[Any, ...]], rowcount: int) -> None:
        self._compiled, self._raw, self.rowcount = compiled, raw, rowcount

    def _convert(self, raw: tuple[Any, ...]) -> Any:
        """One row with its result processors applied."""
        values = [p(v) if p is not None else v for p, v in zip(self._compiled.results, raw, strict=True)]
        return self._compiled.row(*values)

    def __iter__(self) -> Iterator[Any]:
        """Every row."""
        return (self._convert(raw) for raw in self._raw)

    def first(self) -> Any:
        """The first row or None."""
        return self._convert(self._raw[0]) if self._raw else None

    def one(self) -> Any:
        """Exactly one row (else ``NoResultFound`` / ``MultipleResultsFound`` as SQLAlchemy raises)."""
        from sqlalchemy.exc import MultipleResultsFound, NoResultFound

        if not self._raw:
            raise NoResultFound("No row was found when one was required")
        if len(self._raw) > 1:
            raise MultipleResultsFound("Multiple rows were found when exactly one was required")
        return self._convert(self._raw[0])

    def scalar(self) -> Any:
        """The first column of the first row, or None."""
        row = self.first()
        return None if row is None else row[0]

    def all(self) -> list[Any]:
        """Every row, as a list."""
        return list(self)


def run_direct(connection: Connection, statement: Executable,
               params: dict[str, Any] | list[dict[str, Any]] | None) -> Rows | None:
    """Run ``statement`` on the connection's SQLite cursor; None when it must go through ``Connection.execute``."""
    compiled = _compiled(connection, statement)
    if compiled is None:
        return None
    many = isinstance(params, list)
    batch = [_positional(compiled, p) for p in params] if isinstance(params, list) else _positional(compiled, params or {})
    dbapi: Any = connection.connection.dbapi_connection
    cursor = dbapi.cursor()
    try:
        if connection._has_events or connection.engine._has_events:
            connection.dispatch.before_cursor_execute(connection, cursor, compiled.sql, batch, None, many)
        (cursor.executemany if many else cursor.execute)(compiled.sql, batch)
        raw = cursor.fetchall() if compiled.row is not None else []
        return Rows(compiled, raw, cursor.rowcount)
    finally:
        cursor.close()
