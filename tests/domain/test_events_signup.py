"""Sign-up, waitlist, cancellation with promotion and check-in — on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.domain.events.checkin import CheckinResult, checkin
from bot.domain.events.notices import expire_waitlists
from bot.domain.events.queries import event_registrations, my_registrations
from bot.domain.events.rules import Refusal
from bot.domain.events.signup import SignupResult, cancel, register
from bot.domain.ids import CODE_ALPHABET
from bot.store.engine import Database
from bot.store.models import AuditLog, Registration
from bot.texts.events import cancel_reply, checkin_text, signup_reply
from tests.support.env import call
from tests.support.events_helpers import ADMIN, APPID, NOW, add_event, outbox, reload


def sign(db: Database, openid: str, event_id: str = "T1", **kw: object) -> SignupResult:
    """Register ``openid`` with a name and phone (one unit of work)."""
    return call(db, register, appid=APPID, event_id=event_id, openid=openid, name=f"居民{openid}",
                    phone="13800000000", now=kw.pop("now", NOW), **kw)  # type: ignore[arg-type]


def a_id(db: Database, code: str) -> int:
    """The id of the registration with check-in ``code``."""
    with db.session() as s:
        return s.scalars(select(Registration.id).where(Registration.checkin_code == code)).one()


def run_parallel(count: int, fn):  # type: ignore[no-untyped-def]
    """Run ``fn(i)`` for i in range(count) on ``count`` threads released together."""
    barrier = threading.Barrier(count)

    def task(i: int):  # type: ignore[no-untyped-def]
        barrier.wait()
        return fn(i)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(task, range(count)))


def test_200_concurrent_signups_then_10_cancellations(any_db: Database) -> None:
    add_event(any_db, capacity=50)
    results = run_parallel(200, lambda i: sign(any_db, f"u{i:03d}"))

    assert all(r.ok for r in results)
    confirmed = sorted(r.registration.seq for r in results if r.status == "confirmed")
    waitlisted = sorted(r.registration.seq for r in results if r.status == "waitlisted")
    assert confirmed == list(range(1, 51))  # the first 50 serialised transactions got the seats
    assert waitlisted == list(range(51, 201))  # strictly increasing, no duplicates, no gaps
    assert sorted(r.position for r in results if r.status == "waitlisted") == list(range(1, 151))
    assert all(r.position == r.registration.seq - 50 for r in results if r.status == "waitlisted")
    assert reload(any_db, "T1").seats_taken == 50
    with any_db.session() as s:
        assert s.scalar(select(Registration.id).where(Registration.event_id == "T1").order_by(
            Registration.id.desc())) is not None
        assert len(set(s.scalars(select(Registration.openid)))) == 200

    by_seq = {r.registration.seq: r.registration for r in results}
    leaving = [by_seq[s].name.removeprefix("居民") for s in (3, 7, 11, 19, 23, 29, 31, 37, 41, 50)]
    cancels = run_parallel(10, lambda i: call(any_db, cancel, appid=APPID, event_id="T1", openid=leaving[i], now=NOW))

    assert all(c.ok for c in cancels)
    promoted = sorted(p.seq for c in cancels for p in c.promoted)
    assert promoted == list(range(51, 61))  # exactly the next 10, in arrival order
    notices = outbox(any_db, "event_promoted")
    assert sorted(n.openid for n in notices) == sorted(by_seq[s].name.removeprefix("居民") for s in range(51, 61))
    assert len({n.idempotency_key for n in notices}) == 10
    assert all("有名额了" in n.payload["text"] for n in notices)
    regs = call(any_db, event_registrations, appid=APPID, event_id="T1")
    assert sum(v.party_size for v in regs if v.status == "confirmed") == 50 == reload(any_db, "T1").seats_taken
    assert [v.position for v in regs if v.status == "waitlisted"][:3] == [1, 2, 3]
    assert next(v.seq for v in regs if v.status == "waitlisted") == 61


def test_party_size_counts_and_promotion_is_first_fit_in_arrival_order(any_db: Database) -> None:
    add_event(any_db, capacity=5)
    a = sign(any_db, "a", party_size=3, companions=["甲", "乙"])
    b = sign(any_db, "b", party_size=3)
    c = sign(any_db, "c", party_size=2)
    d = sign(any_db, "d", party_size=1)
    assert [r.status for r in (a, b, c, d)] == ["confirmed", "waitlisted", "confirmed", "waitlisted"]
    assert (b.position, d.position) == (1, 2)

    first = call(any_db, cancel, appid=APPID, event_id="T1", openid="c", now=NOW)  # frees 2: b (3) does not fit, d does
    assert [p.name for p in first.promoted] == ["居民d"]
    second = call(any_db, cancel, appid=APPID, event_id="T1", openid="a", now=NOW)  # frees 3 more → 4 free: b fits
    assert [p.name for p in second.promoted] == ["居民b"]
    assert reload(any_db, "T1").seats_taken == 4
    assert len(outbox(any_db, "event_promoted")) == 2


def test_refusals_have_types_and_messages(any_db: Database) -> None:
    add_event(any_db, "OPEN", capacity=5, max_companions=2)
    add_event(any_db, "LATE", deadline_before=timedelta(days=4))  # deadline already passed
    add_event(any_db, "GONE", starts_in=timedelta(hours=-1), deadline_before=timedelta(hours=1))
    add_event(any_db, "OFF", status="cancelled")
    add_event(any_db, "SHUT", status="closed")
    cases = {
        "NOPE": Refusal.NOT_FOUND, "LATE": Refusal.DEADLINE_PASSED, "GONE": Refusal.STARTED,
        "OFF": Refusal.CANCELLED, "SHUT": Refusal.CLOSED,
    }
    for event_id, refusal in cases.items():
        result = sign(any_db, "x", event_id)
        assert (result.ok, result.refusal) == (False, refusal), event_id
        assert signup_reply(result)
    too_big = sign(any_db, "x", "OPEN", party_size=4)
    assert too_big.refusal is Refusal.PARTY_TOO_LARGE and "2名同行人" in signup_reply(too_big)
    assert sign(any_db, "x", "OPEN", party_size=1, companions=["甲"]).refusal is Refusal.INVALID_PARTY
    assert "截止" in signup_reply(sign(any_db, "x", "LATE"))
    with any_db.session() as s:
        assert s.scalars(select(Registration)).all() == []


def test_already_registered_returns_existing_and_reregistering_goes_to_the_end(any_db: Database) -> None:
    add_event(any_db, capacity=1)
    first = sign(any_db, "a")
    again = sign(any_db, "a")
    assert again.refusal is Refusal.ALREADY_REGISTERED and again.registration == first.registration
    assert "已经报过名" in signup_reply(again) and first.registration.checkin_code in signup_reply(again)
    sign(any_db, "b")  # waitlisted, seq 2
    call(any_db, cancel, appid=APPID, event_id="T1", openid="b", now=NOW)
    back = sign(any_db, "b")
    assert (back.status, back.registration.seq, back.position) == ("waitlisted", 3, 1)
    with any_db.session() as s:
        assert len(s.scalars(select(Registration).where(Registration.openid == "b")).all()) == 1


def test_cancel_rules(any_db: Database) -> None:
    add_event(any_db, capacity=2, starts_in=timedelta(hours=30))
    sign(any_db, "a")
    assert call(any_db, cancel, appid=APPID, event_id="T1", openid="z", now=NOW).refusal is Refusal.NOT_REGISTERED
    started = call(any_db, cancel, appid=APPID, event_id="T1", openid="a", now=NOW + timedelta(hours=31))
    assert started.refusal is Refusal.STARTED
    late = call(any_db, cancel, appid=APPID, event_id="T1", openid="a", now=NOW + timedelta(hours=20))
    assert late.ok and late.late and "不足12小时" in cancel_reply(late)
    assert call(any_db, cancel, appid=APPID, event_id="T1", openid="a", now=NOW).refusal is Refusal.NOT_REGISTERED
    assert reload(any_db, "T1").seats_taken == 0


def test_waitlist_lapses_at_the_deadline(any_db: Database) -> None:
    add_event(any_db, capacity=1)
    sign(any_db, "a")
    sign(any_db, "b")
    after_deadline = NOW + timedelta(days=2, hours=1)
    assert call(any_db, expire_waitlists, appid=APPID, now=NOW) == 0
    assert call(any_db, expire_waitlists, appid=APPID, now=after_deadline) == 1
    assert call(any_db, expire_waitlists, appid=APPID, now=after_deadline) == 0
    assert [n.openid for n in outbox(any_db, "event_waitlist_expired")] == ["b"]
    late_cancel = call(any_db, cancel, appid=APPID, event_id="T1", openid="a", now=after_deadline)
    assert late_cancel.ok and late_cancel.promoted == ()


def test_checkin_codes_and_my_registrations(any_db: Database) -> None:
    add_event(any_db, capacity=1)
    add_event(any_db, "T2", capacity=3, starts_in=timedelta(days=2))
    a = sign(any_db, "a")
    b = sign(any_db, "b")
    sign(any_db, "a", "T2", party_size=2, companions=["老伴"])
    code = a.registration.checkin_code
    assert len(code) == 8 and set(code) <= set(CODE_ALPHABET)
    assert code != b.registration.checkin_code

    def scan(typed: str, now: datetime = NOW) -> CheckinResult:
        return call(any_db, checkin, appid=APPID, actor=ADMIN, code=typed, now=now, source="test")

    spaced = " ".join([code[:4].lower(), code[4:]])
    first = scan(spaced)
    assert first.ok and not first.already and "签到成功" in checkin_text(first)
    assert scan(code, NOW + timedelta(minutes=5)).already
    assert scan(b.registration.checkin_code).refusal is Refusal.NOT_CONFIRMED
    assert scan("ZZZZZZZZ").refusal is Refusal.NOT_FOUND
    with any_db.session() as s:  # the door check-in is audited once (the second scan changed nothing)
        audits = s.scalars(select(AuditLog).where(AuditLog.action == "event.checkin")).all()
    assert [(a.actor, a.entity_id, a.detail["source"]) for a in audits] == [(ADMIN, str(a_id(any_db, code)), "test")]

    mine = call(any_db, my_registrations, appid=APPID, openid="a", now=NOW)
    assert [v.event_id for v in mine] == ["T2", "T1"]  # soonest first
    assert mine[0].companions == ("老伴",) and mine[1].checkin_code == code
    assert call(any_db, my_registrations, appid=APPID, openid="b", now=NOW)[0].position == 1
    assert call(any_db, my_registrations, appid=APPID, openid="a", now=NOW + timedelta(days=10)) == []


def test_double_taps_by_one_user_make_one_registration(any_db: Database) -> None:
    # Read-then-write under one lock: the event row lock (a no-op write first on SQLite) comes before the
    # "already registered" read, so concurrent duplicates never reach the unique constraint.
    add_event(any_db, capacity=5)
    results = run_parallel(20, lambda _: sign(any_db, "same"))
    assert sum(r.ok for r in results) == 1
    assert sum(r.refusal is Refusal.ALREADY_REGISTERED for r in results) == 19
    assert len({r.registration.checkin_code for r in results}) == 1
    assert reload(any_db, "T1").seats_taken == 1


def test_the_caller_owns_the_transaction(any_db: Database) -> None:
    """The domain never commits: a unit of work that fails after the sign-up stores nothing."""
    add_event(any_db, capacity=5)
    try:
        with any_db.session() as session:
            assert register(session, appid=APPID, event_id="T1", openid="a", name="甲", phone="13800000000",
                            now=NOW).status == "confirmed"
            raise RuntimeError("the caller fails afterwards")
    except RuntimeError:
        pass
    assert reload(any_db, "T1").seats_taken == 0 and reload(any_db, "T1").reg_seq == 0
    with any_db.session() as s:
        assert s.scalars(select(Registration)).all() == []


def test_accounts_never_mix(any_db: Database) -> None:
    """Another WeChat account neither sees nor signs up for, cancels or checks in this account's event."""
    add_event(any_db, capacity=5)
    mine = sign(any_db, "a")
    other = call(any_db, register, appid="wx_other", event_id="T1", openid="a", name="乙", phone="13800000001",
                 now=NOW)
    assert other.refusal is Refusal.NOT_FOUND
    assert call(any_db, cancel, appid="wx_other", event_id="T1", openid="a", now=NOW).refusal is Refusal.NOT_FOUND
    code = mine.registration.checkin_code
    assert call(any_db, checkin, appid="wx_other", actor=ADMIN, code=code, now=NOW).refusal is Refusal.NOT_FOUND
    assert call(any_db, my_registrations, appid="wx_other", openid="a", now=NOW) == []
    assert reload(any_db, "T1").seats_taken == 1
