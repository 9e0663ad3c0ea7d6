"""Reused Core statements on SQLite run on the driver's cursor and give exactly what SQLAlchemy would."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import bindparam, select

from bot.store.direct import run_direct
from bot.store.engine import Database
from bot.store.models import User
from bot.store.sql import core, insert_rows, update_where

_USER = select(User.id, User.roles, User.subscribed, User.last_inbound_at, User.profile, User.updated_at).where(
    User.openid == bindparam("openid"))
_BY_OPENIDS = select(User.id).where(User.openid.in_(["o_a", "o_b"]))  # an expanding IN: the ordinary path


def _db(tmp_path: Path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'direct.sqlite3'}")
    db.migrate()
    return db


def test_rows_written_and_read_directly_match_sqlalchemy(tmp_path: Path) -> None:
    db = _db(tmp_path)
    at = datetime(2026, 5, 1, 8, 30, tzinfo=UTC)
    with db.session() as session:  # roles, profile, subscribed and the timestamps come from Python-side defaults
        insert_rows(session, User, [{"appid": "wx", "openid": "o_a", "last_inbound_at": at}])
    with db.session() as session:
        direct = core(session, _USER, {"openid": "o_a"}).one()
        plain = session.connection().execute(_USER, {"openid": "o_a"}).one()
        assert tuple(direct) == tuple(plain)
        assert direct.roles == [] and direct.profile == {} and direct.subscribed is True
        assert direct.last_inbound_at.replace(tzinfo=UTC) == at and direct.updated_at is not None
        before = direct.updated_at
        assert update_where(session, User, {"openid": "o_a"}, profile={"区域": "浦东"}) == 1
        assert update_where(session, User, {"openid": "o_missing"}, profile={}) == 0
    with db.session() as session:
        user = session.scalars(select(User).where(User.openid == "o_a")).one()
        assert user.profile == {"区域": "浦东"} and user.updated_at >= before  # onupdate ran
        assert core(session, _BY_OPENIDS).all() == [(user.id,)]
        assert run_direct(session.connection(), _BY_OPENIDS, None) is None
    db.dispose()


def test_a_direct_write_holds_the_sqlite_write_lock_until_commit(tmp_path: Path) -> None:
    db = _db(tmp_path)
    written, other_done = threading.Event(), threading.Event()

    def other_writer() -> None:
        written.wait(5)
        with db.session() as session:
            insert_rows(session, User, [{"appid": "wx", "openid": "o_other"}])
        other_done.set()

    thread = threading.Thread(target=other_writer)
    thread.start()
    with db.session() as session:
        insert_rows(session, User, [{"appid": "wx", "openid": "o_first"}])
        written.set()
        assert not other_done.wait(0.3)  # waits in arrival order for this transaction's commit, no busy error
    thread.join(5)
    assert other_done.is_set()
    with db.session() as session:
        assert sorted(session.scalars(select(User.openid))) == ["o_first", "o_other"]
    db.dispose()



def test_a_utc_time_is_stored_as_sqlalchemy_stores_it_also_when_bound_again(tmp_path: Path) -> None:
    from datetime import timedelta, timezone

    from sqlalchemy import DateTime
    from sqlalchemy.dialects import sqlite

    from bot.store.direct import _utc_text

    dialect = sqlite.dialect()
    reference = DateTime().dialect_impl(dialect).bind_processor(dialect)
    assert reference is not None
    process = _utc_text(lambda value: reference(value.astimezone(UTC).replace(tzinfo=None)))
    now = datetime(2026, 5, 1, 8, 30, 5, 7, tzinfo=UTC)
    times = [now, now, datetime(2026, 5, 1, 8, 30, 5, tzinfo=UTC), now, datetime(1, 1, 1, tzinfo=UTC),
             datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=8)))]
    for value in times:  # the same object twice in a row, then another, then the first again, then another zone
        assert process(value) == reference(value.astimezone(UTC).replace(tzinfo=None))
    assert process(now) == "2026-05-01 08:30:05.000007"
