"""``kc events``: events and registrations."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import typer

from bot.cli.common import fail, print_json, print_table, services
from bot.domain.queries import EVENT_FIELDS, as_dict, list_events

app = typer.Typer(help="科普及科技服务活动：创建、修改、取消、报名名单、签到、导出。", no_args_is_help=True)

REG_FIELDS = ("seq", "status", "position", "name", "phone", "company", "party_size", "companions",
              "checkin_code", "checked_in_at", "created_at")


def _time(value: str | None, name: str) -> datetime | None:
    """Parse an ISO time option (must carry its timezone) or exit with a clear error."""
    if value is None:
        return None
    from bot.data.importer import parse_time

    try:
        return parse_time(value)
    except ValueError as exc:
        fail(f"--{name} 无法解析“{value}”：{exc}")


def _options(**values: Any) -> dict[str, Any]:
    """The options that were given (None dropped), with times parsed."""
    out = {k: v for k, v in values.items() if v is not None}
    for key in ("start", "end", "signup_deadline"):
        if key in out:
            out[key] = _time(out[key], key.replace("signup_deadline", "deadline"))
    return out


@app.command("list")
def list_cmd(as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """List events by start time."""
    svc = services()
    with svc.db.session() as session:
        rows = [as_dict(e, EVENT_FIELDS) for e in list_events(session)]
    if as_json:
        print_json(rows)
    else:
        print_table(rows, ["id", "status", "start", "region", "capacity", "seats_taken", "title"])


@app.command("create")
def create_cmd(
    title: str = typer.Option(..., help="活动名称"),
    category: str = typer.Option(..., help="类别，如 健康科普进社区、技术培训"),
    start: str = typer.Option(..., help="开始时间，如 2027-03-13T09:30:00+08:00"),
    end: str = typer.Option(..., help="结束时间"),
    location: str = typer.Option(..., help="地点"),
    region: str = typer.Option(..., help="区域，如 襄阳市樊城区"),
    capacity: int = typer.Option(..., min=1, help="名额（人数，含同行人）"),
    deadline: str | None = typer.Option(None, help="报名截止时间（默认开始前 24 小时）"),
    event_id: str | None = typer.Option(None, "--id", help="活动编号（默认下一个 E..）"),
    description: str | None = typer.Option(None, help="活动介绍"),
    speaker: str | None = typer.Option(None, help="主讲人"),
    max_companions: int | None = typer.Option(None, min=0, help="每人最多同行人数（默认 2）"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """Create an event."""
    from bot.clock import utcnow
    from bot.domain.events.admin import EventAdminError, create_event

    values = _options(title=title, category=category, start=start, end=end, location=location, region=region,
                      capacity=capacity, signup_deadline=deadline, id=event_id, description=description,
                      speaker=speaker, max_companions=max_companions)
    svc = services()
    try:
        event = create_event(svc.db, appid=svc.appid, values=values, now=utcnow())
    except EventAdminError as exc:
        fail(str(exc))
    _show(as_dict(event, EVENT_FIELDS), as_json, f"已创建活动 {event.id}：{event.title}")


@app.command("edit")
def edit_cmd(
    event_id: str = typer.Argument(..., help="活动编号"),
    title: str | None = typer.Option(None), category: str | None = typer.Option(None),
    start: str | None = typer.Option(None, help="新的开始时间（带时区）"),
    end: str | None = typer.Option(None, help="新的结束时间（带时区）"),
    location: str | None = typer.Option(None), region: str | None = typer.Option(None),
    capacity: int | None = typer.Option(None, min=1), deadline: str | None = typer.Option(None),
    description: str | None = typer.Option(None), speaker: str | None = typer.Option(None),
    max_companions: int | None = typer.Option(None, min=0),
    status: str | None = typer.Option(None, help="open（开放报名）或 closed（停止报名）"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """Change an event; a new time or place notifies every registrant."""
    from bot.clock import utcnow
    from bot.domain.events.admin import EventAdminError, edit_event

    changes = _options(title=title, category=category, start=start, end=end, location=location, region=region,
                       capacity=capacity, signup_deadline=deadline, description=description, speaker=speaker,
                       max_companions=max_companions, status=status)
    if not changes:
        fail("没有要修改的内容；用 --help 查看可修改的字段")
    svc = services()
    try:
        result = edit_event(svc.db, event_id=event_id, changes=changes, now=utcnow())
    except EventAdminError as exc:
        fail(str(exc))
    summary = {"id": result.event.id, "changed": list(result.changed), "notified": result.notified,
               "promoted": len(result.promoted)}
    _show(summary, as_json, f"已修改 {event_id}：{'、'.join(result.changed) or '无变化'}；"
          f"通知 {result.notified} 人，递补 {len(result.promoted)} 人")


@app.command("cancel")
def cancel_cmd(
    event_id: str = typer.Argument(..., help="活动编号"),
    reason: str | None = typer.Option(None, help="取消原因（会写进通知）"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """Cancel an event and notify every registrant."""
    from bot.clock import utcnow
    from bot.domain.events.admin import EventAdminError, cancel_event

    svc = services()
    try:
        result = cancel_event(svc.db, event_id=event_id, now=utcnow(), reason=reason)
    except EventAdminError as exc:
        fail(str(exc))
    _show({"id": event_id, "status": result.event.status, "notified": result.notified}, as_json,
          f"活动 {event_id} 已取消，通知 {result.notified} 人")


@app.command("registrations")
def registrations_cmd(
    event_id: str = typer.Argument(..., help="活动编号"),
    include_cancelled: bool = typer.Option(False, "--all", help="包括已取消的报名"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """List the registrations of an event (confirmed, then waitlist, in arrival order)."""
    rows = [as_dict(v, REG_FIELDS) for v in _registrations(event_id, include_cancelled)]
    if as_json:
        print_json(rows)
    else:
        print_table(rows, ["seq", "status", "position", "name", "phone", "party_size", "checkin_code"])


def _registrations(event_id: str, include_cancelled: bool) -> list[Any]:
    """The registrations of an event, or exit when the event does not exist."""
    from bot.domain.events.signup import event_registrations, get_event

    svc = services()
    event = get_event(svc.db, event_id=event_id)
    if event is None:
        fail(f"没有编号为 {event_id} 的活动")
    return event_registrations(svc.db, event_id=event.id, include_cancelled=include_cancelled)


@app.command("export")
def export_cmd(
    event_id: str = typer.Argument(..., help="活动编号"),
    fmt: str = typer.Option("csv", "--format", help="csv 或 xlsx"),
    out: Path | None = typer.Option(None, "--out", help="输出文件（默认 ./<编号>-registrations.<格式>）"),
    include_cancelled: bool = typer.Option(False, "--all", help="包括已取消的报名"),
) -> None:
    """Export the registrations of an event to CSV or XLSX."""
    from bot.domain.events.export import FORMATS, export_registrations

    if fmt not in FORMATS:
        fail(f"不支持的格式 {fmt}（可选：{'、'.join(FORMATS)}）")
    views = _registrations(event_id, include_cancelled)
    path = export_registrations(views, out or Path(f"{event_id}-registrations.{fmt}"), fmt)
    typer.echo(f"已导出 {len(views)} 条报名到 {path}")


@app.command("checkin")
def checkin_cmd(
    code: str = typer.Argument(..., help="签到码"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """Check a registration in by its code."""
    from bot.clock import utcnow
    from bot.domain.events.signup import checkin

    svc = services()
    result = checkin(svc.db, code=code, now=utcnow())
    if as_json:
        reg = as_dict(result.registration, ("event_id", "name", "party_size", "checked_in_at")) \
            if result.registration else None
        print_json({"ok": result.ok, "already": result.already,
                    "refusal": result.refusal.value if result.refusal else None, "registration": reg})
    else:
        typer.echo(result.message)
    if not result.ok:
        raise typer.Exit(1)


def _show(data: dict[str, Any], as_json: bool, text: str) -> None:
    """Print ``data`` as JSON or the human sentence."""
    if as_json:
        print_json(data)
    else:
        typer.echo(text)
