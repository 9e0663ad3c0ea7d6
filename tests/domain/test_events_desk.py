"""The organisers' desk: door check-in within a scope, walk-ins, attendance and no-shows, visible promotions."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.domain.events import desk, signup
from bot.domain.events.rules import Refusal
from bot.domain.scope import EVERYWHERE, Scope
from bot.store.engine import Database
from bot.store.models import AuditLog, Registration
from tests.support.env import call
from tests.support.events_helpers import ADMIN, APPID, NOW, add_event, outbox

XIANGYANG, SHIYAN = Scope("襄阳市"), Scope("十堰市")


def _sign(db: Database, openid: str, event_id: str = "T1", party: int = 1) -> signup.SignupResult:
    companions = [f"同行{i}" for i in range(party - 1)]
    return call(db, signup.register, appid=APPID, event_id=event_id, openid=openid, name=f"居民{openid}",
                phone="13800000000", party_size=party, companions=companions, now=NOW)


def _checkins(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "event.checkin")) or 0)


def test_door_checkin_once_then_already_and_refused_codes_change_nothing(any_db: Database) -> None:
    add_event(any_db, "T1")
    add_event(any_db, "T2", region="十堰市茅箭区")
    code = _sign(any_db, "u1", party=2).registration.checkin_code  # type: ignore[union-attr]
    other = _sign(any_db, "u2", "T2").registration.checkin_code  # type: ignore[union-attr]
    at = NOW + timedelta(days=3)
    first = call(any_db, desk.door_checkin, appid=APPID, code=code.lower(), scope=XIANGYANG, actor=ADMIN, now=at)
    assert first.ok and not first.already and first.registration is not None
    assert (first.registration.name, first.registration.party_size, first.registration.title) == ("居民u1", 2, "测试讲座T1")
    again = call(any_db, desk.door_checkin, appid=APPID, code=code, scope=XIANGYANG, actor=ADMIN,
                 now=at + timedelta(minutes=5))
    assert again.already and again.registration is not None and again.registration.checked_in_at == at
    for bad, scope, event_id in (("ZZZZ9999", XIANGYANG, None), (other, XIANGYANG, None), (code, SHIYAN, None),
                                 (other, EVERYWHERE, "T1")):
        refused = call(any_db, desk.door_checkin, appid=APPID, code=bad, scope=scope, actor=ADMIN, now=at,
                       event_id=event_id)
        assert refused.refusal == Refusal.NOT_FOUND and refused.registration is None
    with any_db.session() as s:
        assert s.scalars(select(Registration.checked_in_at).where(Registration.openid == "u2")).one() is None
    assert _checkins(any_db) == 1


def test_walk_in_fits_the_seats_left_and_counts_in_attendance(any_db: Database) -> None:
    add_event(any_db, "T1", capacity=3)
    _sign(any_db, "u1")
    _sign(any_db, "u2")
    walk = call(any_db, desk.walk_in, appid=APPID, event_id="t1", name="王大爷", phone="13900000000",
                scope=XIANGYANG, actor=ADMIN, now=NOW + timedelta(days=3), check_in=True)
    assert walk.refusal is None and walk.registration is not None and walk.registration.checked_in_at is not None
    full = call(any_db, desk.walk_in, appid=APPID, event_id="T1", name="李奶奶", phone="13900000001",
                scope=XIANGYANG, actor=ADMIN, now=NOW + timedelta(days=3))
    assert full.refusal == "full"
    with any_db.session() as s:
        events = desk.scoped_events(s, appid=APPID, scope=XIANGYANG)
        during, = desk.attendance(s, events=events, now=NOW + timedelta(days=3))
        after, = desk.attendance(s, events=events, now=NOW + timedelta(days=4))
    assert (during.registrations, during.people, during.checked_in, during.no_shows) == (3, 3, 1, 0)
    assert after.no_shows == 2
    assert not [row for row in outbox(any_db) if row.openid.startswith("walkin:")]  # nobody to tell


def test_promotions_from_the_waitlist_are_visible(any_db: Database) -> None:
    add_event(any_db, "T1", capacity=1)
    _sign(any_db, "u1")
    waiting = _sign(any_db, "u2")
    assert waiting.status == "waitlisted"
    call(any_db, signup.cancel, appid=APPID, event_id="T1", openid="u1", now=NOW)
    with any_db.session() as s:
        event = desk.scoped_event(s, appid=APPID, event_id="T1", scope=XIANGYANG)
        assert set(desk.promoted(s, event=event)) == {waiting.registration.id}  # type: ignore[union-attr]
