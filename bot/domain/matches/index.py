"""Keeps the matcher's index in step with the SQL records, and shares it between processes.

``SqlJournal`` is the matcher's index journal (``knowledge.matching.journal.Journal``) in the caller's
unit of work: the ``match_index`` table holds each record's newest indexed state (fields, tokens, vector)
and the ``match_index`` counter its version. A process that indexes a record writes it there in the
caller's transaction; every other process applies it on its next ``follow`` (incrementally, no rebuild).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.store.engine import is_sqlite
from bot.store.models import DEMAND_CLOSED, Achievement, Counter, Demand, MatchIndexEntry
from bot.store.sql import insert_ignore
from knowledge.matching.journal import COLUMNS, Entry, entry_row, row_entry

if TYPE_CHECKING:
    from bot.domain.matches import Matching

log = logging.getLogger(__name__)

VERSION_COUNTER = "match_index"
BATCH = 1000


class SqlJournal:
    """The index journal in the caller's session; its own writes are committed with the caller's work."""

    commits_on_write = False

    def __init__(self, session: Session) -> None:
        self.session = session
        self._written: int | None = None  # the first version written in this (uncommitted) transaction

    def head(self) -> int:
        """The newest committed version (this transaction's own uncommitted versions hidden)."""
        if self._written is not None:
            return self._written - 1
        value = self.session.scalar(select(Counter.value).where(Counter.name == VERSION_COUNTER))
        return int(value or 0)

    def read(self, after: int) -> list[Entry]:
        """Entries written after version ``after``, oldest first."""
        table = MatchIndexEntry.__table__
        cols = [table.c.record_id if c == "id" else table.c[c] for c in COLUMNS]
        query = select(*cols).where(table.c.version > after).order_by(table.c.version)
        if self._written is not None:
            query = query.where(table.c.version < self._written)
        return [row_entry(tuple(r)) for r in self.session.execute(query)]

    def write(self, entries: Sequence[Entry]) -> int:
        """Take the next version (locking the counter until the caller commits) and upsert the entries."""
        insert_ignore(self.session, Counter, name=VERSION_COUNTER, value=0)
        version = int(self.session.execute(
            update(Counter).where(Counter.name == VERSION_COUNTER).values(value=Counter.value + 1)
            .returning(Counter.value).execution_options(synchronize_session=False)
        ).scalar_one())
        rows = [_db_row(entry_row(e, version)) for e in entries]
        for i in range(0, len(rows), BATCH):
            self.session.execute(_upsert(self.session, rows[i : i + BATCH]))
        if self._written is None:
            self._written = version
        return version


def _db_row(row: dict[str, object]) -> dict[str, object]:
    """A journal row with the table's column names."""
    out = dict(row)
    out["record_id"] = out.pop("id")
    return out


def _upsert(session: Session, rows: list[dict[str, object]]) -> Any:
    """INSERT … ON CONFLICT (side, record_id) DO UPDATE for SQLite and PostgreSQL."""
    from sqlalchemy.dialects import postgresql, sqlite

    insert = sqlite.insert if is_sqlite(session) else postgresql.insert
    stmt = insert(MatchIndexEntry).values(rows)
    keys = ("side", "record_id")
    return stmt.on_conflict_do_update(
        index_elements=list(keys), set_={c: stmt.excluded[c] for c in rows[0] if c not in keys}
    )


def follow(session: Session, *, matcher: Matching) -> SqlJournal:
    """Apply what other processes indexed since this process last looked; returns the journal to index with."""
    journal = SqlJournal(session)
    matcher.sync(journal)
    return journal


def sync_index(session: Session, *, matcher: Matching) -> dict[str, int]:
    """Index every published achievement and every open demand (unchanged records cost nothing).

    Pending demands are indexed too so the score calibration sees the whole corpus; callers alert only
    on published ones (``MATCHABLE_DEMAND_STATUSES``). The index spans every account: the use cases keep
    only hits of the caller's account.
    """
    journal = follow(session, matcher=matcher)
    achievements = list(session.scalars(select(Achievement).where(Achievement.status == "已发布")))
    demands = list(session.scalars(select(Demand).where(Demand.status != DEMAND_CLOSED)))
    counts = {
        "achievements": matcher.index_achievements(achievements, journal=journal),
        "demands": matcher.index_demands(demands, journal=journal),
    }
    log.info("matching index synced: %s changed", counts)
    return counts
