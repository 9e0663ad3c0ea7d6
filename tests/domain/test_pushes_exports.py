"""The push desk's views (waiting pushes with errors, per-day counts per channel and what quotas blocked) and
console exports (neutralised cells in CSV and XLSX, one audit row per export)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from bot.domain import exports, pushes
from bot.store.cswindow import DAILY_CAP_NOTE
from bot.store.engine import Database
from bot.store.models import AuditLog, Outbox
from bot.web.console.pages.common import table_file
from tests.support.env import call

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


def test_exports_neutralise_formula_cells_and_are_audited(any_db: Database) -> None:
    rows = [["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "王敏", 3]]
    headers = ["姓名", "a", "b", "c", "d", "人数"]
    csv_text = bytes(table_file(headers, rows, fmt="csv", name="t").body).decode("utf-8-sig")
    assert csv_text.splitlines()[1].startswith("\"'=HYPERLINK") and ",'+1,'-2,'@SUM(A1),王敏,3" in csv_text
    sheet = load_workbook(io.BytesIO(bytes(table_file(headers, rows, fmt="xlsx", name="t").body))).active
    assert sheet is not None
    assert [c.value for c in sheet[2]] == ["'=HYPERLINK(\"x\")", "'+1", "'-2", "'@SUM(A1)", "王敏", 3]
    call(any_db, exports.audit_export, what="handoff", fmt="xlsx", rows=1, actor="shiyan", now=NOW, scope="十堰市")
    with any_db.session() as s:
        row = s.scalars(select(AuditLog).where(AuditLog.action == "export")).one()
    assert (row.actor, row.entity_id, row.detail["scope"], row.detail["rows"]) == ("shiyan", "handoff", "十堰市", 1)
