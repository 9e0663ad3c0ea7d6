"""Console accounts: argon2id hashes, lockout after five failures, sessions that really end, region scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.domain import staff as accounts
from bot.domain.errors import Conflict, Invalid
from bot.domain.scope import Scope
from bot.store.engine import Database
from bot.store.models import AuditLog, LoginAttempt, StaffSession, StaffUser
from tests.support.env import call

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
PASSWORD = "correct-horse-1"


def _create(db: Database, name: str = "wang", role: str = "liaison", region: str | None = "十堰市") -> None:
    call(db, accounts.create_staff, name=name, role=role, region=region, password=PASSWORD, actor="root", now=NOW)


def _sign_in(db: Database, name: str, password: str, now: datetime = NOW) -> accounts.SignIn:
    return call(db, accounts.sign_in, name=name, password=password, ip="10.0.0.7", now=now)


def test_password_is_an_argon2id_hash_and_names_are_unique(any_db: Database) -> None:
    _create(any_db)
    with any_db.session() as session:
        user = session.scalars(select(StaffUser)).one()
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
        audit = session.scalars(select(AuditLog).where(AuditLog.action == "staff.create")).one()
    assert audit.detail["after"] == {"role": "liaison", "region": "十堰市"} and audit.actor == "root"
    with pytest.raises(Conflict):
        _create(any_db)
    with pytest.raises(Invalid):
        call(any_db, accounts.create_staff, name="li", role="boss", region=None, password=PASSWORD, actor="root",
             now=NOW)
    with pytest.raises(Invalid):
        call(any_db, accounts.create_staff, name="li", role="admin", region=None, password="short", actor="root",
             now=NOW)


def test_five_failures_lock_for_fifteen_minutes_even_against_the_right_password(any_db: Database) -> None:
    _create(any_db)
    outcomes = [_sign_in(any_db, "wang", "wrong", NOW + timedelta(seconds=n)) for n in range(5)]
    assert [o.reason for o in outcomes] == ["bad_password"] * 4 + ["locked"]
    assert outcomes[-1].locked_until == NOW + timedelta(seconds=4) + accounts.LOCK_FOR
    assert _sign_in(any_db, "wang", PASSWORD, NOW + timedelta(minutes=10)).reason == "locked"
    later = _sign_in(any_db, "wang", PASSWORD, NOW + timedelta(minutes=16))
    assert later.ok and later.token
    with any_db.session() as session:
        attempts = list(session.scalars(select(LoginAttempt).order_by(LoginAttempt.id)))
    assert [a.ok for a in attempts] == [False] * 6 + [True] and {a.ip for a in attempts} == {"10.0.0.7"}


def test_unknown_name_and_wrong_password_look_the_same(any_db: Database) -> None:
    _create(any_db)
    assert not _sign_in(any_db, "nobody", PASSWORD).ok
    assert not _sign_in(any_db, "wang", "wrong").ok


def test_sessions_are_new_at_each_sign_in_and_end_on_sign_out_disable_and_reset(any_db: Database) -> None:
    _create(any_db)
    first, second = _sign_in(any_db, "wang", PASSWORD), _sign_in(any_db, "wang", PASSWORD)
    assert first.token and second.token and first.token != second.token
    staff = call(any_db, accounts.current_staff, token=first.token, now=NOW)
    assert staff is not None and staff.name == "wang" and staff.scope == Scope("十堰市") and not staff.is_admin
    with any_db.session() as session:
        stored = set(session.scalars(select(StaffSession.token_hash)))
    assert first.token not in stored  # only hashes are kept
    assert call(any_db, accounts.sign_out, token=first.token)
    assert call(any_db, accounts.current_staff, token=first.token, now=NOW) is None
    assert call(any_db, accounts.current_staff, token=second.token, now=NOW + accounts.SESSION_IDLE) is None
    third = _sign_in(any_db, "wang", PASSWORD)
    assert call(any_db, accounts.disable_staff, name="wang", actor="root", now=NOW) == 2
    assert call(any_db, accounts.current_staff, token=third.token or "", now=NOW) is None
    assert _sign_in(any_db, "wang", PASSWORD).reason == "disabled"


def test_reset_password_lifts_the_lock_and_ends_sessions(any_db: Database) -> None:
    _create(any_db)
    token = _sign_in(any_db, "wang", PASSWORD).token or ""
    for _ in range(5):
        _sign_in(any_db, "wang", "wrong")
    call(any_db, accounts.reset_password, name="wang", password="another-pass-2", actor="root", now=NOW)
    assert call(any_db, accounts.current_staff, token=token, now=NOW) is None
    assert _sign_in(any_db, "wang", "another-pass-2").ok
    assert not _sign_in(any_db, "wang", PASSWORD).ok


def test_scope_matches_region_prefixes() -> None:
    shiyan = Scope("十堰市")
    assert shiyan.allows("十堰市") and shiyan.allows("十堰市茅箭区") and shiyan.allows("十堰")
    assert not shiyan.allows("襄阳市高新区") and not shiyan.allows(None)
    assert Scope().allows("襄阳市") and Scope().allows(None)
    assert Scope("神农架林区").allows("神农架林区") and not Scope("随州市").allows("襄阳市随州路")
