"""Reminders, announcements to subscribers: idempotent with a fixed clock, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.domain.events.admin import cancel_event, edit_event
from bot.domain.events.notices import enqueue_announcements
from bot.domain.events.notices import enqueue_reminders as _enqueue_reminders
from bot.domain.events.signup import register
from bot.domain.events.subscriptions import subscribe as _subscribe
from bot.domain.events.subscriptions import unsubscribe
from bot.store.engine import Database
from tests.support.env import call
from tests.support.events_helpers import ADMIN, APPID, NOW, add_event, outbox, reload


def signup(db: Database, openid: str, event_id: str = "T1") -> None:
    """Register ``openid``."""
    call(db, register, appid=APPID, event_id=event_id, openid=openid, name="居民", phone="13800000000", now=NOW)


def enqueue_reminders(db: Database, **kwargs: Any) -> int:
    """The reminders of the test account, queued in one unit of work."""
    return call(db, _enqueue_reminders, appid=APPID, **kwargs)


def subscribe(db: Database, *, appid: str, openid: str, **kwargs: Any) -> bool:
    """One subscription in its own unit of work."""
    return call(db, _subscribe, appid=appid, openid=openid, **kwargs)


def test_reminders_each_window_once(any_db: Database) -> None:
    add_event(any_db, capacity=2, starts_in=timedelta(hours=30), deadline_before=timedelta(hours=1))
    for who in ("a", "b", "c"):  # c is waitlisted: no reminder
        signup(any_db, who)
    start = reload(any_db, "T1").start
    assert enqueue_reminders(any_db, now=start - timedelta(hours=25)) == 0
    day_before = start - timedelta(hours=23)
    assert enqueue_reminders(any_db, now=day_before) == 2
    assert enqueue_reminders(any_db, now=day_before) == 0
    assert enqueue_reminders(any_db, now=day_before + timedelta(hours=5)) == 0
    two_hours = start - timedelta(hours=1, minutes=50)
    assert enqueue_reminders(any_db, now=two_hours) == 2
    assert enqueue_reminders(any_db, now=two_hours + timedelta(minutes=30)) == 0
    assert enqueue_reminders(any_db, now=start + timedelta(minutes=1)) == 0
    rows = outbox(any_db, "event_reminder")
    assert sorted((r.openid, r.idempotency_key.rsplit(":", 1)[-1]) for r in rows) == [
        ("a", "24h"), ("a", "2h"), ("b", "24h"), ("b", "2h")]
    assert "签到码" in rows[0].payload["text"] and rows[0].next_attempt_at == day_before


def test_a_late_run_sends_only_the_nearest_reminder_and_none_for_cancelled_events(any_db: Database) -> None:
    add_event(any_db, capacity=5, starts_in=timedelta(hours=30), deadline_before=timedelta(hours=1))
    add_event(any_db, "T2", capacity=5, starts_in=timedelta(hours=30), deadline_before=timedelta(hours=1))
    signup(any_db, "a")
    signup(any_db, "a", "T2")
    call(any_db, cancel_event, appid=APPID, event_id="T2", actor=ADMIN, now=NOW)
    start = reload(any_db, "T1").start
    assert enqueue_reminders(any_db, now=start - timedelta(hours=1), hours=(24, 2)) == 1
    assert [r.idempotency_key for r in outbox(any_db, "event_reminder")] == [f"remind:T1:{1}:2h"]


def test_a_new_time_gets_new_reminders(any_db: Database) -> None:
    add_event(any_db, capacity=5, starts_in=timedelta(hours=30), deadline_before=timedelta(hours=1))
    signup(any_db, "a")
    start = reload(any_db, "T1").start
    assert enqueue_reminders(any_db, now=start - timedelta(hours=20)) == 1
    later = start + timedelta(days=2)
    call(any_db, edit_event, appid=APPID, event_id="T1", changes={"start": later, "end": later + timedelta(hours=1)},
         actor=ADMIN, now=NOW)
    assert enqueue_reminders(any_db, now=start - timedelta(hours=20)) == 0
    assert enqueue_reminders(any_db, now=later - timedelta(hours=20)) == 1


def test_announcements_reach_matching_subscribers_once(any_db: Database) -> None:
    add_event(any_db, "V1", region="襄阳市谷城县", category="健康科普进农村")
    add_event(any_db, "V2", region="襄阳市樊城区", category="健康科普进社区")
    add_event(any_db, "V3", region="襄阳市樊城区", category="技术培训", status="closed")
    assert subscribe(any_db, appid=APPID, openid="village", region="谷城") is True
    assert subscribe(any_db, appid=APPID, openid="village", region="谷城") is False
    subscribe(any_db, appid=APPID, openid="community", category="社区")
    subscribe(any_db, appid=APPID, openid="all")
    subscribe(any_db, appid="other_account", openid="stranger")
    subscribe(any_db, appid=APPID, openid="gone", category="社区")
    assert call(any_db, unsubscribe, appid=APPID, openid="gone") == 1

    assert call(any_db, enqueue_announcements, appid=APPID, now=NOW) == 3
    assert call(any_db, enqueue_announcements, appid=APPID, now=NOW) == 0
    texts = {r.openid: r.payload["text"] for r in outbox(any_db, "event_announcement")}
    assert set(texts) == {"village", "community", "all"}
    assert "V1" in texts["village"] and "V2" not in texts["village"]
    assert "V2" in texts["community"] and "V1" not in texts["community"]
    assert "V1" in texts["all"] and "V2" in texts["all"] and "V3" not in texts["all"]
    assert reload(any_db, "V1").announced_at == NOW

    add_event(any_db, "V4", region="襄阳市谷城县", category="健康科普进农村")  # a later event: announced on the next run
    assert call(any_db, enqueue_announcements, appid=APPID, now=NOW + timedelta(hours=1)) == 2
