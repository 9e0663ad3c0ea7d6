"""Turn sessions: on file SQLite a worker thread keeps its own connection between turns, with the same
transactions as a pooled session; a nested session and a disposed database fall back to fresh connections."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.store.engine import Checkpointer, Database
from bot.store.models import User
from bot.store.sql import insert_rows


def _db(tmp_path: Path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'turns.sqlite3'}")
    db.migrate()
    return db


def _add(session: object, openid: str) -> None:
    insert_rows(session, User, [{"appid": "wx", "openid": openid}])  # type: ignore[arg-type]


def _openids(db: Database) -> list[str]:
    with db.session() as session:
        return sorted(session.scalars(select(User.openid)))


def _dbapi(session: object) -> object:
    return session.connection().connection.dbapi_connection  # type: ignore[attr-defined]


def test_a_thread_keeps_its_connection_between_turns_and_commits_are_durable(tmp_path: Path) -> None:
    db = _db(tmp_path)
    with db.turn_session() as session:
        _add(session, "o_1")
        first = _dbapi(session)
        session.commit()
    with db.turn_session() as session:
        assert _dbapi(session) is first
        _add(session, "o_2")
        session.commit()
    assert _openids(db) == ["o_1", "o_2"]
    db.dispose()


def test_an_uncommitted_turn_is_rolled_back_and_frees_the_write_lock(tmp_path: Path) -> None:
    db = _db(tmp_path)
    with pytest.raises(RuntimeError), db.turn_session() as session:
        _add(session, "o_lost")
        raise RuntimeError("handler failed")
    other = threading.Thread(target=lambda: _write_in_session(db, "o_other"))
    other.start()
    other.join(10)
    assert not other.is_alive()  # the failed turn left no write lock behind
    assert _openids(db) == ["o_other"]
    db.dispose()


def _write_in_session(db: Database, openid: str) -> None:
    with db.session() as session:
        _add(session, openid)


def test_a_nested_session_gets_its_own_connection_and_its_own_commit(tmp_path: Path) -> None:
    db = _db(tmp_path)
    with db.turn_session() as outer:
        outer.execute(select(User.id)).all()
        with db.turn_session() as inner:
            assert _dbapi(inner) is not _dbapi(outer)
            _add(inner, "o_inner")
            inner.commit()
        outer.rollback()
    assert _openids(db) == ["o_inner"]  # the outer rollback did not undo the inner turn
    db.dispose()


def test_after_dispose_a_thread_opens_a_new_connection(tmp_path: Path) -> None:
    db = _db(tmp_path)
    with db.turn_session() as session:
        first = _dbapi(session)
    db.dispose()
    with db.turn_session() as session:
        assert _dbapi(session) is not first
        _add(session, "o_after")
        session.commit()
    assert _openids(db) == ["o_after"]
    db.dispose()


def test_dispose_during_a_turn_lets_the_turn_commit_then_closes_its_connection(tmp_path: Path) -> None:
    db = _db(tmp_path)
    with db.turn_session() as session:
        _add(session, "o_running")
        db.dispose()  # e.g. shutdown while a deferred answer is still being written
        _add(session, "o_running_2")
        session.commit()
        conn = session.connection()
    assert conn.closed
    assert _openids(db) == ["o_running", "o_running_2"]
    db.dispose()



def test_turn_commits_leave_the_wal_checkpoint_to_a_background_thread(tmp_path: Path) -> None:
    """A turn's commit does not run SQLite's automatic checkpoint every 1000 pages; a thread does it, until dispose."""
    db = _db(tmp_path)
    with db.turn_session() as session:
        assert session.connection().exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() > 1000
        _add(session, "o_1")
        session.commit()
    assert "kc-sqlite-checkpoint" in {t.name for t in threading.enumerate()}
    db.dispose()
    assert "kc-sqlite-checkpoint" not in {t.name for t in threading.enumerate()}
    assert _openids(db) == ["o_1"]
    db.dispose()


def test_the_checkpoint_thread_copies_the_wal_into_the_database_file(tmp_path: Path) -> None:
    path = tmp_path / "wal.sqlite3"
    keep = sqlite3.connect(path)  # stays open, so nothing is checkpointed when a connection closes
    keep.execute("PRAGMA journal_mode=WAL")
    keep.execute("PRAGMA wal_autocheckpoint=0")
    keep.execute("CREATE TABLE t (x TEXT)")
    keep.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 200)
    keep.commit()
    before = path.stat().st_size  # the rows are only in the WAL so far
    checkpointer = Checkpointer(str(path), every=0.01)
    checkpointer.start()
    deadline = time.monotonic() + 10
    while path.stat().st_size <= before and time.monotonic() < deadline:  # waits for a round; no speed check
        time.sleep(0.02)
    checkpointer.stop()
    keep.close()
    assert path.stat().st_size > before


def test_a_thread_s_next_turn_starts_afresh_on_its_reused_session(tmp_path: Path) -> None:
    db = _db(tmp_path)
    with db.turn_session() as session:
        _add(session, "o_1")
        session.commit()
        user = session.scalars(select(User).where(User.openid == "o_1")).one()
        session.info["erased"] = {("wx", "o_1")}  # per unit of work (like privacy's record of an erasure)
    with db.turn_session() as again:
        assert again.info == {} and user not in again  # nothing of the previous turn: no info, no objects
        assert not again.in_transaction()
        assert again.scalars(select(User.openid)).all() == ["o_1"]
    db.dispose()
