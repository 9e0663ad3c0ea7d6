"""Admin changes notify every registrant exactly once per change; export to CSV/XLSX; the kc events CLI."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import app
from bot.domain.errors import DomainError
from bot.domain.events.admin import EditResult, cancel_event, create_event, edit_event
from bot.domain.events.errors import EventCancelled, EventInvalid, EventNotFound
from bot.domain.events.export import COLUMNS, export_registrations
from bot.domain.events.queries import event_registrations
from bot.domain.events.signup import cancel, register
from bot.store.engine import Database
from bot.store.models import AuditLog
from bot.texts.events import event_error_text
from tests.support.env import call
from tests.support.events_helpers import ADMIN, APPID, CST, NOW, add_event, outbox, reload

runner = CliRunner()


def fill(db: Database, count: int, capacity: int) -> None:
    """An event T1 with ``count`` sign-ups u0.. (some waitlisted when count > capacity)."""
    add_event(db, capacity=capacity)
    for i in range(count):
        call(db, register, appid=APPID, event_id="T1", openid=f"u{i}", name=f"居民{i}", phone=f"1380000{i:04d}",
             now=NOW)


def edit(db: Database, **changes: object) -> EditResult:
    """An admin edit of T1 in its own unit of work."""
    return call(db, edit_event, appid=APPID, event_id="T1", changes=changes, actor=ADMIN, now=NOW)


def refused(error: pytest.ExceptionInfo[DomainError]) -> str:
    """The phrased reason of a refused admin change."""
    return event_error_text(error.value)


def test_change_of_place_or_time_notifies_each_active_registrant_once_per_change(any_db: Database) -> None:
    fill(any_db, 4, capacity=3)  # 3 confirmed + 1 waitlisted
    call(any_db, cancel, appid=APPID, event_id="T1", openid="u0", now=NOW)  # u3 promoted; u0 must not be told
    moved = edit(any_db, location="市民中心三楼")
    assert moved.notified == 3 and moved.changed == ("location",)
    same_again = edit(any_db, location="市民中心三楼")
    assert same_again.notified == 0 and same_again.changed == ()
    new_start = reload(any_db, "T1").start + timedelta(hours=1)
    retimed = edit(any_db, start=new_start, end=new_start + timedelta(hours=2))
    assert retimed.notified == 3
    notices = outbox(any_db, "event_changed")
    assert len(notices) == 6 and len({n.idempotency_key for n in notices}) == 6
    assert sorted({n.openid for n in notices}) == ["u1", "u2", "u3"]
    assert "地点改为市民中心三楼" in notices[0].payload["text"]
    assert "时间改为" in notices[-1].payload["text"]
    assert edit(any_db, description="新介绍").notified == 0


def test_cancelling_an_event_notifies_everyone_once(any_db: Database) -> None:
    fill(any_db, 3, capacity=2)
    first = call(any_db, cancel_event, appid=APPID, event_id="T1", actor=ADMIN, now=NOW, reason="场地维修")
    assert first.notified == 3 and reload(any_db, "T1").status == "cancelled"
    assert call(any_db, cancel_event, appid=APPID, event_id="T1", actor=ADMIN, now=NOW).notified == 0
    notices = outbox(any_db, "event_changed")
    assert len(notices) == 3 and all("场地维修" in n.payload["text"] for n in notices)
    with pytest.raises(EventCancelled):
        edit(any_db, location="别处")


def test_capacity_rules_on_edit(any_db: Database) -> None:
    fill(any_db, 4, capacity=2)
    with pytest.raises(EventInvalid) as error:
        edit(any_db, capacity=1)
    assert "名额不能少于" in refused(error)
    grown = edit(any_db, capacity=3)
    assert [p.name for p in grown.promoted] == ["居民2"]
    assert reload(any_db, "T1").seats_taken == 3
    with pytest.raises(EventInvalid) as error:
        edit(any_db, seats_taken=0)
    assert "不能修改" in refused(error)


def test_create_event_defaults_and_validation(any_db: Database) -> None:
    add_event(any_db, "E07")
    start = NOW + timedelta(days=5)
    values = dict(title="防诈骗讲座", category="健康科普进社区", start=start, end=start + timedelta(hours=1),
                  location="社区", region="襄阳市襄州区", capacity=30)
    event = call(any_db, create_event, appid=APPID, values=values, actor=ADMIN, now=NOW)
    assert event.id == "E08" and event.signup_deadline == start - timedelta(hours=24)
    with pytest.raises(EventInvalid) as error:
        call(any_db, create_event, appid=APPID, values={**values, "category": "房地产"}, actor=ADMIN, now=NOW)
    assert "类别" in refused(error)
    with pytest.raises(EventInvalid) as error:
        call(any_db, create_event, appid=APPID, values={**values, "end": start}, actor=ADMIN, now=NOW)
    assert "结束时间" in refused(error)


def test_export_csv_and_xlsx_content(any_db: Database, tmp_path: Path) -> None:
    fill(any_db, 3, capacity=2)
    call(any_db, register, appid=APPID, event_id="T1", openid="p", name="王秀兰", phone="13800001111", party_size=2,
         companions=["李德全"], company="示例公司", now=NOW)
    views = call(any_db, event_registrations, appid=APPID, event_id="T1")
    csv_path = export_registrations(views, tmp_path / "r.csv", "csv")
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == COLUMNS and len(rows) == 5
    last = dict(zip(COLUMNS, rows[-1], strict=True))
    assert (last["姓名"], last["手机号"], last["同行人"], last["人数"], last["状态"], last["候补位次"]) == (
        "王秀兰", "13800001111", "李德全", "2", "候补", "2")
    assert last["报名时间"] == NOW.astimezone(CST).strftime("%Y-%m-%d %H:%M")

    xlsx_path = export_registrations(views, tmp_path / "r.xlsx", "xlsx")
    sheet = load_workbook(xlsx_path).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == COLUMNS and len(values) == 5
    assert values[1][COLUMNS.index("状态")] == "已报名" and values[-1][COLUMNS.index("手机号")] == "13800001111"
    assert values[-1][COLUMNS.index("签到码")] == views[-1].checkin_code


def test_exports_never_hold_live_formulas(any_db: Database, tmp_path: Path) -> None:
    """Names typed by users that look like formulas are written as text in CSV and XLSX."""
    fill(any_db, 0, capacity=5)
    hostile = ['=HYPERLINK("http://evil.example","点我")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
    for index, name in enumerate(hostile):
        call(any_db, register, appid=APPID, event_id="T1", openid=f"h{index}", name=name, phone="13800001111",
             company="=cmd|' /C calc'!A0", now=NOW)
    views = call(any_db, event_registrations, appid=APPID, event_id="T1")
    with export_registrations(views, tmp_path / "r.csv", "csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    names = [dict(zip(COLUMNS, row, strict=True))["姓名"] for row in rows]
    assert names == ["'" + n.strip() for n in hostile]  # sign-up strips whitespace; the rest is kept, as text
    assert all(dict(zip(COLUMNS, row, strict=True))["单位"].startswith("'=") for row in rows)
    sheet = load_workbook(export_registrations(views, tmp_path / "r.xlsx", "xlsx")).active
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert not any(c.data_type == "f" for c in cells)  # openpyxl would store a formula as type "f"
    assert all(str(c.value).startswith("'") for c in cells if c.column == COLUMNS.index("姓名") + 1)


@pytest.fixture
def kc_env(any_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    """Point the CLI at the parametrised database (account = the CLI's default appid)."""
    monkeypatch.setenv("KC_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KC_DATABASE_URL", any_db.url)
    monkeypatch.chdir(tmp_path)
    return any_db


def kc(*args: str) -> tuple[int, str]:
    """Run ``kc`` in-process."""
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_cli_create_edit_registrations_checkin_export_cancel(kc_env: Database, tmp_path: Path) -> None:
    code, out = kc("events", "create", "--title", "颈椎保健讲座", "--category", "健康科普进机关",
                   "--start", "2031-06-01T09:00:00+08:00", "--end", "2031-06-01T10:00:00+08:00",
                   "--location", "市民中心", "--region", "襄阳市东津新区", "--capacity", "1", "--json")
    assert code == 0, out
    event_id = json.loads(out)["id"]
    appid = reload(kc_env, event_id).appid
    for who in ("a", "b"):
        call(kc_env, register, appid=appid, event_id=event_id, openid=who, name=who, phone="13800000000", now=NOW)
    code, out = kc("events", "registrations", event_id, "--json")
    regs = json.loads(out)
    assert code == 0 and [(r["status"], r["position"]) for r in regs] == [("confirmed", None), ("waitlisted", 1)]

    assert kc("events", "checkin", regs[0]["checkin_code"].lower())[0] == 0
    code, out = kc("events", "checkin", regs[1]["checkin_code"])
    assert code == 1 and "不能签到" in out
    code, out = kc("events", "edit", event_id, "--location", "市民中心B座", "--json")
    assert code == 0 and json.loads(out)["notified"] == 2
    assert kc("events", "edit", event_id, "--start", "2031-06-01 09:00")[0] != 0  # no time zone → refused
    code, out = kc("events", "export", event_id, "--format", "xlsx")
    exported = tmp_path / "data" / "exports" / f"{event_id}-registrations.xlsx"  # the data dir, not the cwd
    assert code == 0 and exported.exists() and str(exported) in out.replace("\n", "")
    assert not (tmp_path / f"{event_id}-registrations.xlsx").exists() and exported.stat().st_mode & 0o077 == 0
    assert kc("events", "export", event_id, "--format", "pdf")[0] != 0
    code, out = kc("events", "cancel", event_id, "--json")
    assert code == 0 and json.loads(out)["notified"] == 2


def test_admin_changes_are_audited_and_scoped_to_the_account(any_db: Database) -> None:
    start = NOW + timedelta(days=5)
    values = dict(title="防诈骗讲座", category="健康科普进社区", start=start, end=start + timedelta(hours=1),
                  location="社区", region="襄阳市襄州区", capacity=30)
    event = call(any_db, create_event, appid=APPID, values=values, actor=ADMIN, now=NOW, source="test")
    call(any_db, edit_event, appid=APPID, event_id=event.id, changes={"capacity": 40}, actor="editor", now=NOW)
    with pytest.raises(EventNotFound) as error:
        call(any_db, cancel_event, appid="wx_other", event_id=event.id, actor="stranger", now=NOW)
    assert f"没有编号为 {event.id} 的活动" == refused(error)
    call(any_db, cancel_event, appid=APPID, event_id=event.id, actor=ADMIN, now=NOW, reason="天气")
    with any_db.session() as s:
        rows = s.scalars(select(AuditLog).order_by(AuditLog.id)).all()
    assert [(r.action, r.actor, r.entity_id, r.appid) for r in rows] == [
        ("event.create", ADMIN, event.id, APPID), ("event.edit", "editor", event.id, APPID),
        ("event.cancel", ADMIN, event.id, APPID)]
    assert rows[0].detail["source"] == "test" and rows[0].detail["after"]["title"] == "防诈骗讲座"
    assert (rows[1].detail["before"], rows[1].detail["after"]) == ({"capacity": 30}, {"capacity": 40})
    assert rows[2].detail["reason"] == "天气" and rows[2].detail["after"] == {"status": "cancelled"}


def test_cli_refusal_prints_the_reason_and_stores_nothing(kc_env: Database) -> None:
    add_event(kc_env, "T9", appid=reload_appid(), capacity=5)
    code, out = kc("events", "edit", "T9", "--start", "2031-06-01T09:00:00+08:00", "--end",
                   "2031-06-01T08:00:00+08:00")
    assert code == 1 and "结束时间必须晚于开始时间" in out
    code, out = kc("events", "export", "NOPE")
    assert code == 1 and "没有编号为 NOPE 的活动" in out
    assert reload(kc_env, "T9").start == NOW + timedelta(days=3)
    with kc_env.session() as s:
        assert s.scalars(select(AuditLog)).all() == []


def reload_appid() -> str:
    """The CLI's default account (no KC_WECHAT_APPID in the tests)."""
    from bot.settings import get_settings

    return get_settings().appid
