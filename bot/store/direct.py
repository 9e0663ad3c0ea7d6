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
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Executable

from bot.store.models import UTCDateTime

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
    bind: Callable[[dict[str, Any]], tuple[Any, ...]] = tuple  # params → the processed tuple (``_binder``)
    convert: Callable[[tuple[Any, ...]], Any] = tuple  # a driver row → the result row (``_converter``)


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
    for name, bind in compiled.binds.items():
        if name in binds and isinstance(bind.type, UTCDateTime):
            binds[name] = _utc_text(binds[name])
    defaults = compiled.construct_params(_check=False)
    return Compiled(compiled.string, names, defaults, binds, row, results, computed,
                    _binder(names, defaults, binds, dict(computed)), _converter(row, results))


def _converter(row: Any, results: tuple[Processor, ...]) -> Callable[[tuple[Any, ...]], Any]:
    """A function of one driver row giving the result row (a ``row`` namedtuple) with ``results`` applied."""
    if row is None:
        return tuple
    if not any(results):
        return row._make  # type: ignore[no-any-return]
    env: dict[str, Any] = {"Row": row}
    parts = []
    for i, processor in enumerate(results):
        env[f"p{i}"] = processor
        parts.append(f"raw[{i}]" if processor is None else f"p{i}(raw[{i}])")
    source = f"def convert(raw):\n    return Row({', '.join(parts)})\n"
    exec(compile(source, "<bot.store.direct convert>", "exec"), env)  # noqa: S102 - code built from indexes
    return env["convert"]  # type: ignore[no-any-return]


_STORED = "%04d-%02d-%02d %02d:%02d:%02d.%06d"  # SQLAlchemy's SQLite DATETIME text


def _utc_text(fallback: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``UTCDateTime``'s SQLite bind processor with a shortcut for what the clock gives (aware UTC datetimes).

    The text is SQLAlchemy's SQLite storage format, ``YYYY-MM-DD HH:MM:SS.ffffff``; other values take ``fallback``
    (SQLAlchemy's own processor: other time zones converted to UTC, naive values refused)."""
    last: list[tuple[Any, str]] = [(None, "")]  # the last clock value and its text: a turn binds its ``now`` often

    def process(value: Any) -> Any:
        """The stored text of ``value``."""
        if value.__class__ is datetime and value.tzinfo is UTC:
            seen = last[0]
            if seen[0] is value:
                return seen[1]
            text = _STORED % (value.year, value.month, value.day, value.hour, value.minute, value.second,
                              value.microsecond)
            last[0] = (value, text)
            return text
        return fallback(value)

    return process


def _binder(names: tuple[str, ...], defaults: dict[str, Any], binds: dict[str, Callable[[Any], Any]],
            computed: dict[str, Callable[[], Any]]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """A function of one statement's parameters giving the processed tuple in placeholder order.

    It is generated once per statement so that a message's dozen statements spend no loop, lookup or branch on
    what is known at compile time: which placeholder has a default, a Python-side column default or a bind
    processor. A parameter not given takes the statement's own value (None for a bare ``bindparam``), one with a
    Python-side default that function's value; a placeholder unknown to the statement's parameters must be given
    (``KeyError``). None is never processed."""
    env: dict[str, Any] = {}
    parts = []
    for i, name in enumerate(names):
        env[f"n{i}"] = name
        if name in computed:
            env[f"c{i}"] = computed[name]
            value = f"(params[n{i}] if n{i} in params else c{i}())"
        elif defaults.get(name, _MISSING) is not _MISSING:
            env[f"d{i}"] = defaults[name]
            value = f"params.get(n{i}, d{i})"
        else:
            value = f"params[n{i}]"
        if name in binds:
            env[f"p{i}"] = binds[name]
            value = f"(None if (v := {value}) is None else p{i}(v))"
        parts.append(value)
    source = f"def bind(params):\n    return ({''.join(part + ', ' for part in parts)})\n"
    exec(compile(source, "<bot.store.direct bind>", "exec"), env)  # noqa: S102 - code built from the names above
    return env["bind"]  # type: ignore[no-any-return]


_MISSING = object()  # a placeholder absent from the statement's own parameters: its value must be given


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


class Rows:
    """The result of a direct execution: the few ``Result`` methods the hot path uses."""

    def __init__(self, compiled: Compiled, raw: Any, rowcount: int) -> None:
        self._compiled, self._raw, self.rowcount = compiled, raw, rowcount

    def _convert(self, raw: tuple[Any, ...]) -> Any:
        """One row with its result processors applied."""
        return self._compiled.convert(raw)

    def __iter__(self) -> Iterator[Any]:
        """Every row."""
        return map(self._compiled.convert, self._raw)

    def first(self) -> Any:
        """The first row or None."""
        return self._compiled.convert(self._raw[0]) if self._raw else None

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
    key = id(statement)
    compiled = _COMPILED[key] if key in _COMPILED else _compiled(connection, statement)
    if compiled is None:
        return None
    many = isinstance(params, list)
    batch: Any = [compiled.bind(p) for p in params] if isinstance(params, list) else compiled.bind(params or _NONE)
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        if connection._has_events or connection.engine._has_events:
            connection.dispatch.before_cursor_execute(connection, cursor, compiled.sql, batch, None, many)
        if many:
            cursor.executemany(compiled.sql, batch)
        else:
            cursor.execute(compiled.sql, batch)
        return Rows(compiled, cursor.fetchall() if compiled.row is not None else [], cursor.rowcount)
    finally:
        cursor.close()


_NONE: dict[str, Any] = {}  # no parameters (read only)
