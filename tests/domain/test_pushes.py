"""The push desk's views: waiting pushes with errors, per-day counts per channel and what limits blocked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain import pushes
from bot.store.cswindow import DAILY_CAP_NOTE
from bot.store.engine import Database
from bot.store.models import Outbox

NOW = datetime(2031, 5, 4, 4, 0, tzinfo=UTC)  # 12:00 in Beijing


def _push(db: Database, key: str, status: str, *, channel: str | None = "custom", error: str | None = None,
          sent_ago: timedelta | None = None, attempts: int = 0) -> None:
    with db.session() as s:
        s.add(Outbox(appid="wx", openid="u1", idempotency_key=key, kind="event_reminder", payload={"text": "提醒"},
                     channel=channel, status=status, attempts=attempts, last_error=error, next_attempt_at=NOW,
                     created_at=NOW - (sent_ago or timedelta(0)), sent_at=NOW - sent_ago if sent_ago else None))


def test_waiting_pushes_and_the_per_day_view(any_db: Database) -> None:
    _push(any_db, "a", "sent", sent_ago=timedelta(hours=1))
    _push(any_db, "b", "sent", channel="template", sent_ago=timedelta(days=1))
    _push(any_db, "c", "inbox", channel="inbox", error="errcode 45047: out of response count limit")
    _push(any_db, "d", "dead", error="HTTP 500 Internal Server Error", attempts=6)
    _push(any_db, "e", "pending", error="errcode -1: system busy", attempts=2)
    _push(any_db, "f", "pending", error=DAILY_CAP_NOTE)
    with any_db.session() as s:
        views = {v.id: v for v in pushes.waiting(s)}
        days = pushes.per_day(s, now=NOW, days=3)
        dead = pushes.waiting(s, status="dead")
    assert sorted(v.status for v in views.values()) == ["dead", "deferred", "failed", "inbox"]
    assert [v.attempts for v in dead] == [6] and dead[0].last_error == "HTTP 500 Internal Server Error"
    assert next(v for v in views.values() if v.status == "inbox").errcode == 45047
    today, yesterday, _ = days
    assert dict(today.sent) == {"custom": 1} and today.held == 1 and today.dead == 1
    assert dict(today.blocked) == {"quota": 1, "cap": 1}
    assert dict(yesterday.sent) == {"template": 1}
