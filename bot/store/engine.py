"""Database engine and sessions: SQLite (WAL) by default, PostgreSQL via ``KC_DATABASE_URL``."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
WAL_AUTOCHECKPOINT_PAGES = 8000  # a commit checkpoints by itself only past ~32 MB of WAL (``Checkpointer`` does it)
CHECKPOINT_SECONDS = 1.0
log = logging.getLogger(__name__)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    """Enable WAL, foreign keys and a busy timeout on every SQLite connection."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
    cur.close()


WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
WRITE_WAIT_SECONDS = 30.0  # like busy_timeout: past it the statement goes ahead and SQLite decides


class SqliteWriteLock:
    """Hands SQLite's single write slot between this process's threads in arrival order.

    Without it, concurrent writers poll through SQLite's busy handler, which sleeps 1, 2, 5 … 100 ms between
    tries, so tail latencies reach hundreds of milliseconds. The lock is taken at a transaction's first write
    (pysqlite only begins a transaction there) and released at its commit or rollback.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()

    def install(self, engine: Engine) -> None:
        """Listen on ``engine``'s statements and transaction ends."""
        event.listen(engine, "before_cursor_execute", self._before, retval=True)  # no wrapper per statement
        event.listen(engine, "commit", self._release)
        event.listen(engine, "rollback", self._release)

    def try_take(self) -> bool:
        """Take the write slot for the calling thread now, or False when another thread holds it (no waiting)."""
        return self._lock.acquire(blocking=False)

    def give(self) -> None:
        """Give back a slot taken by ``try_take`` (the thread's own transactions take and release it on top)."""
        self._lock.release()

    def _before(self, conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> tuple[str, Any]:
        """Take the lock before the first write of a transaction; the statement and parameters unchanged."""
        info = conn.info
        if not info.get("kc_write") and statement.lstrip()[:7].upper().startswith(WRITES) \
                and self._lock.acquire(timeout=WRITE_WAIT_SECONDS):
            info["kc_write"] = True
        return statement, parameters

    def _release(self, conn: Any) -> None:
        """Give the lock back when the transaction that took it ends."""
        if conn.info.pop("kc_write", False):
            self._lock.release()


def make_engine(url: str, write_lock: SqliteWriteLock | None = None) -> Engine:
    """Create an engine for ``url`` with the pragmas and pool settings it needs (a file SQLite's writes go through
    ``write_lock``, a new one when not given)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1] if "///" in url else ""
        memory = path in ("", ":memory:")
        if not memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # an in-memory database lives in one connection: share it (tests of handlers need no files)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                               poolclass=StaticPool if memory else None)
        event.listen(engine, "connect", _sqlite_pragmas)
        if not memory:
            (write_lock or SqliteWriteLock()).install(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def is_sqlite(bind: Engine | Session) -> bool:
    """Whether ``bind`` (an engine or a session) talks to SQLite."""
    engine = bind.get_bind() if isinstance(bind, Session) else bind
    return engine.dialect.name == "sqlite"


def end_sqlite_transaction(session: Session) -> None:
    """On SQLite, commit when the connection is inside a transaction (it then holds the one write lock).

    pysqlite begins a transaction only at the first write, so after reads alone this is free: no commit, and the
    session keeps its connection instead of handing it back to the pool and checking it out again."""
    if is_sqlite(session):
        dbapi = session.connection().connection.dbapi_connection
        if dbapi is None or getattr(dbapi, "in_transaction", True):
            session.commit()


class PinnedConnections:
    """One long-lived connection per worker thread (file SQLite): a message's turn skips the pool's check-out,
    reset and return. A thread whose connection is already in use (a nested session) gets None: the pool."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: dict[Connection, bool] = {}  # every pinned connection → in use now

    def take(self) -> Connection | None:
        """This thread's connection, marked in use; None when it is in use already."""
        local = self._local
        if getattr(local, "busy", False):
            return None
        conn = getattr(local, "conn", None)
        with self._lock:
            if conn is not None and conn in self._open:
                self._open[conn] = True
            else:
                conn = None
        if conn is None:  # first turn on this thread, or the database was disposed since
            conn = local.conn = self.engine.connect()
            with self._lock:
                self._open[conn] = True
        local.busy = True
        return conn

    def session(self, conn: Connection, factory: sessionmaker[Session]) -> Session:
        """This thread's session on ``conn`` (its pinned connection), made once and reused (closed between turns)."""
        local = self._local
        session: Session | None = getattr(local, "session", None)
        if session is None or session.bind is not conn:
            session = local.session = factory(bind=conn)
        return session

    def give_back(self, conn: Connection) -> None:
        """End whatever transaction the turn left open and free the connection (closed if disposed meanwhile)."""
        try:
            if conn.in_transaction():
                conn.rollback()
        finally:
            self._local.busy = False
            with self._lock:
                stale = conn not in self._open
                if not stale:
                    self._open[conn] = False
            if stale:
                self._local.conn = None
                conn.close()

    def close_all(self) -> None:
        """At dispose: close the idle connections now; a turn still running closes its own when it ends."""
        with self._lock:
            idle = [conn for conn, busy in self._open.items() if not busy]
            self._open.clear()
        for conn in idle:
            conn.close()


class Checkpointer:
    """Copies the WAL back into the database file from a background thread, once a second.

    SQLite's automatic checkpoint runs inside whichever commit crosses the threshold (1000 pages by default:
    every few dozen messages), with its fsyncs, in some user's reply. A PASSIVE checkpoint never waits for a
    writer or a reader and never blocks one; the automatic one stays as a safety net at a larger threshold."""

    def __init__(self, path: str, every: float = CHECKPOINT_SECONDS) -> None:
        self.path, self.every = path, every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the thread (once; again after ``stop``)."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(target=self._run, name="kc-sqlite-checkpoint", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        """Checkpoint every ``every`` seconds until stopped."""
        try:
            conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        except sqlite3.Error:  # the database went away (a removed directory): commits checkpoint by themselves
            log.warning("wal checkpoint thread not started", exc_info=True)
            return
        try:
            while not self._stop.wait(self.every):
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error:  # a busy or vanished database: the next round (or the automatic one) copies
                    log.debug("wal checkpoint skipped", exc_info=True)
        finally:
            conn.close()

    def stop(self) -> None:
        """Stop the thread (it finishes a checkpoint in progress)."""
        with self._lock:
            thread, self._thread = self._thread, None
        self._stop.set()
        if thread is not None:
            thread.join(timeout=5)


class Database:
    """An engine plus a session factory; the unit every service receives."""

    def __init__(self, url: str) -> None:
        self.url = url
        file_sqlite = url.startswith("sqlite") and url.split("///", 1)[-1] not in ("", ":memory:") and "///" in url
        self.write_lock = SqliteWriteLock() if file_sqlite else None  # None: no in-process write slot to share
        self.engine = make_engine(url, self.write_lock)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._pinned = PinnedConnections(self.engine) if file_sqlite else None
        self._checkpointer = Checkpointer(url.split("///", 1)[-1]) if file_sqlite else None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed on success, rolled back on error."""
        with self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def turn_session(self) -> Iterator[Session]:
        """A session for one message's turn on a worker thread (the caller commits; closing rolls back the rest).

        On file SQLite it runs on the thread's own connection, kept open between turns, and is that thread's one
        session, closed (objects forgotten, ``info`` emptied) after each turn; elsewhere (and nested) it is an
        ordinary pooled session. Transactions, locks and commits are the same either way."""
        conn = self._pinned.take() if self._pinned is not None else None
        if self._checkpointer is not None:
            self._checkpointer.start()
        if conn is None:
            with self.sessions() as session:
                yield session
            return
        session = self._pinned.session(conn, self.sessions)  # type: ignore[union-attr]
        try:
            yield session
        finally:
            try:
                session.close()  # as a ``with`` block would: roll back what is left, forget every object
                session.info.clear()  # per unit of work (e.g. who it erased): the next turn starts afresh
            finally:
                self._pinned.give_back(conn)  # type: ignore[union-attr]

    def migrate(self) -> None:
        """Bring the schema up to the newest Alembic revision."""
        from alembic import command

        cfg = alembic_config(self.url)
        cfg.attributes["connection"] = self.engine  # the same pool (an in-memory database is one connection)
        command.upgrade(cfg, "head")

    def table_names(self) -> list[str]:
        """Names of the tables present in the database."""
        return sorted(inspect(self.engine).get_table_names())

    def dispose(self) -> None:
        """Close every pooled (and pinned) connection."""
        if self._checkpointer is not None:
            self._checkpointer.stop()
        if self._pinned is not None:
            self._pinned.close_all()
        self.engine.dispose()


def alembic_config(url: str) -> Any:
    """An Alembic config pointing at the packaged migrations and ``url``."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["kc_url"] = url
    return cfg
