"""The index journal: every indexed record (fields, tokens, vector) under a monotonically growing version.

Matchers in several processes follow one journal: ``Matcher.sync(journal)`` applies the entries written
since the version it has seen, so a record indexed by one process is matched by every other one, and a
restarting process reads tokens and vectors instead of re-tokenising and re-embedding. ``Journal`` is the
protocol; ``LocalJournal`` keeps it in a SQLite file (or in memory) for a standalone matcher, and the bot
keeps it in its SQL database (``bot.domain.matches.index.SqlJournal``).

Writers are serialised on the version counter and write their entries in the same transaction as the
counter, so version order is commit order and a reader that saw version ``v`` has seen every entry ≤ ``v``.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from knowledge.matching.records import Side


@dataclass(frozen=True)
class Entry:
    """One record's indexed state; ``digest == ""`` marks a removed record."""

    side: Side
    id: str
    digest: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    tokens: str = ""  # space-joined lexical tokens (surface words, bigrams, §concepts)
    tokenizer: str = ""  # fingerprint of the tokenizer that produced ``tokens``
    model: str = ""  # embedder that produced ``vector``
    vector: bytes | None = None  # float32
    version: int = 0  # set when read back

    @property
    def removed(self) -> bool:
        """Whether this entry forgets the record."""
        return not self.digest


class Journal(Protocol):
    """Where matchers share their index: a version counter and the newest entry of every record.

    ``commits_on_write`` says whether ``write`` commits by itself; a journal writing inside its caller's
    transaction says False (and hides its own uncommitted version from ``head`` and ``read``), so a matcher
    re-reads what it wrote once that is committed instead of trusting a version that may be rolled back.
    """

    commits_on_write: bool

    def head(self) -> int:
        """The newest committed version (0 when empty)."""

    def read(self, after: int) -> Sequence[Entry]:
        """Entries written after version ``after``, oldest first."""

    def write(self, entries: Sequence[Entry]) -> int:
        """Store entries under the next version (replacing each record's previous entry); returns it."""


COLUMNS = ("side", "id", "digest", "fields", "tokens", "tokenizer", "model", "vector", "version")


def entry_row(entry: Entry, version: int) -> dict[str, Any]:
    """The column values of an entry (fields as JSON text)."""
    return {
        "side": entry.side,
        "id": entry.id,
        "digest": entry.digest,
        "fields": json.dumps(entry.fields, ensure_ascii=False),
        "tokens": entry.tokens,
        "tokenizer": entry.tokenizer,
        "model": entry.model,
        "vector": entry.vector,
        "version": version,
    }


def row_entry(row: Sequence[Any]) -> Entry:
    """An entry from a row in ``COLUMNS`` order."""
    side, rid, digest, fields_json, tokens, tokenizer, model, vector, version = row
    return Entry(side, rid, digest, json.loads(fields_json or "{}"), tokens or "", tokenizer or "", model or "",
                 bytes(vector) if vector is not None else None, int(version))


class LocalJournal:
    """A journal in a SQLite file (one machine, any number of processes) or in memory (``path=None``)."""

    commits_on_write = True

    def __init__(self, path: str | Path | None = None) -> None:
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False, timeout=30,
                                   isolation_level=None)
        self._lock = threading.Lock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS head (one INTEGER PRIMARY KEY, version INTEGER NOT NULL)")
        self._db.execute("INSERT OR IGNORE INTO head VALUES (1, 0)")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS entries (side TEXT, id TEXT, digest TEXT, fields TEXT, tokens TEXT, "
            "tokenizer TEXT, model TEXT, vector BLOB, version INTEGER, PRIMARY KEY (side, id))"
        )
        self._db.execute("CREATE INDEX IF NOT EXISTS entries_version ON entries (version)")

    def head(self) -> int:
        """The newest committed version."""
        with self._lock:
            return int(self._db.execute("SELECT version FROM head").fetchone()[0])

    def read(self, after: int) -> list[Entry]:
        """Entries newer than ``after``, oldest first."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {', '.join(COLUMNS)} FROM entries WHERE version > ? ORDER BY version", (after,)
            ).fetchall()
        return [row_entry(r) for r in rows]

    def write(self, entries: Sequence[Entry]) -> int:
        """Store entries under the next version, atomically."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                version = int(self._db.execute("UPDATE head SET version = version + 1 RETURNING version").fetchone()[0])
                marks = ", ".join("?" * len(COLUMNS))
                self._db.executemany(
                    f"INSERT OR REPLACE INTO entries ({', '.join(COLUMNS)}) VALUES ({marks})",
                    [tuple(entry_row(e, version).values()) for e in entries],
                )
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            return version

    def close(self) -> None:
        """Close the database."""
        self._db.close()
