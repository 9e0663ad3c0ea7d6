"""``kc events``: events and registrations — parse, one unit of work calling the domain, print."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from bot.cli.common import fail, print_json, print_table, services
from bot.domain.errors import DomainError
from bot.domain.queries import EVENT_FIELDS, as_dict, list_events
from bot.texts.events import checkin_text, event_error_text

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.container import Container

app = typer.Typer(help="科普及科技服务活动：创建、修改、取消、报名名单、签到、导出。", no_args_is_help=True)

REG_FIELDS = ("seq", "status", "position", "name", "phone", "company", "party_size", "companions",
              "checkin_code", "checked_in_at", "created_at")
SOURCE = "cli"


@contextmanager
def refusals_exit() -> Iterator[None]:
    """Turn a refused use case (``DomainError``) into its phrased reason and a non-zero exit."""
    try:
        yield
    except DomainError as exc:
        fail(event_error_text(exc))


@contextmanager
def unit_of_work(svc: Container) -> Iterator[Session]:
    """The command's transaction: committed on success; on a refusal nothing is stored and the command exits."""
    with refusals_exit(), svc.db.session() as session:
        yield session


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


def _show(data: Any, as_json: bool, text: str) -> None:
    """Print ``data`` as JSON or the human sentence."""
    if as_json:
        print_json(data)
    else:
        typer.echo(text)


@app.command("list")
def list_cmd(as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """List the account's events by start time."""
    svc = services()
    with unit_of_work(svc) as session:
        rows = [as_dict(e, EVENT_FIELDS) for e in list_events(session, appid=svc.appid)]
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
    actor: str = typer.Option("cli", "--by", help="操作人（记入审计日志）"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """Create an event."""
    from bot.domain.events.admin import create_event

    values = _options(title=title, category=category, start=start, end=end, location=location, region=region,
                      capacity=capacity, signup_deadline=deadline, id=event_id, description=description,
                      speaker=speaker, max_companions=max_companions)
    svc = services()
    with unit_of_work(svc) as session:
        event = create_event(session, appid=svc.appid, values=values, actor=actor, now=svc.now(), source=SOURCE)
        row = as_dict(event, EVENT_FIELDS)
    _show(row, as_json, f"已创建活动 {row['id']}：{row['title']}")


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
    actor: str = typer.Option("cli", "--by", help="操作人（记入审计日志）"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """Change an event; a new time or place notifies every registrant."""
    from bot.domain.events.admin import edit_event

    changes = _options(title=title, category=category, start=start, end=end, location=location, region=region,
                       capacity=capacity, signup_deadline=deadline, description=description, speaker=speaker,
                       max_companions=max_companions, status=status)
    if not changes:
        fail("没有要修改的内容；用 --help 查看可修改的字段")
    svc = services()
    with unit_of_work(svc) as session:
        result = edit_event(session, appid=svc.appid, event_id=event_id, changes=changes, actor=actor,
                            now=svc.now(), source=SOURCE)
    summary = {"id": event_id, "changed": list(result.changed), "notified": result.notified,
               "promoted": len(result.promoted)}
    _show(summary, as_json, f"已修改 {event_id}：{'、'.join(result.changed) or '无变化'}；"
          f"通知 {result.notified} 人，递补 {len(result.promoted)} 人")


@app.command("cancel")
def cancel_cmd(
    event_id: str = typer.Argument(..., help="活动编号"),
    reason: str | None = typer.Option(None, help="取消原因（会写进通知）"),
    actor: str = typer.Option("cli", "--by", help="操作人（记入审计日志）"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """Cancel an event and notify every registrant."""
    from bot.domain.events.admin import cancel_event

    svc = services()
    with unit_of_work(svc) as session:
        result = cancel_event(session, appid=svc.appid, event_id=event_id, actor=actor, now=svc.now(),
                              reason=reason, source=SOURCE)
        status = result.event.status
    _show({"id": event_id, "status": status, "notified": result.notified}, as_json,
          f"活动 {event_id} 已取消，通知 {result.notified} 人")


def _registrations(svc: Container, event_id: str, include_cancelled: bool) -> list[Any]:
    """The registrations of an account's event, or exit when the event does not exist."""
    from bot.domain.events.queries import event_registrations

    with unit_of_work(svc) as session:
        return event_registrations(session, appid=svc.appid, event_id=event_id, include_cancelled=include_cancelled)


@app.command("registrations")
def registrations_cmd(
    event_id: str = typer.Argument(..., help="活动编号"),
    include_cancelled: bool = typer.Option(False, "--all", help="包括已取消的报名"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """List the registrations of an event (confirmed, then waitlist, in arrival order)."""
    rows = [as_dict(v, REG_FIELDS) for v in _registrations(services(), event_id, include_cancelled)]
    if as_json:
        print_json(rows)
    else:
        print_table(rows, ["seq", "status", "position", "name", "phone", "party_size", "checkin_code"])


@app.command("export")
def export_cmd(
    event_id: str = typer.Argument(..., help="活动编号"),
    fmt: str = typer.Option("csv", "--format", help="csv 或 xlsx"),
    out: Path | None = typer.Option(None, "--out", help="输出文件（默认 <数据目录>/exports/<编号>-registrations.<格式>）"),
    include_cancelled: bool = typer.Option(False, "--all", help="包括已取消的报名"),
) -> None:
    """Export the registrations of an event (names and phones) to CSV or XLSX, by default under the data dir."""
    from bot.domain.events.export import check_format, default_path, export_registrations

    svc = services()
    with refusals_exit():
        check_format(fmt)
    views = _registrations(svc, event_id, include_cancelled)
    path = export_registrations(views, out or default_path(svc.settings.data_dir, event_id, fmt), fmt)
    typer.echo(f"已导出 {len(views)} 条报名到 {path}（含姓名和手机号，请妥善保管，用完删除）")


@app.command("checkin")
def checkin_cmd(
    code: str = typer.Argument(..., help="签到码"),
    actor: str = typer.Option("cli", "--by", help="操作人（记入审计日志）"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """Check a registration in by its code."""
    from bot.domain.events.checkin import checkin

    svc = services()
    with unit_of_work(svc) as session:
        result = checkin(session, appid=svc.appid, code=code, actor=actor, now=svc.now(), source=SOURCE)
    reg = result.registration
    data = {"ok": result.ok, "already": result.already, "refusal": result.refusal.value if result.refusal else None,
            "registration": as_dict(reg, ("event_id", "name", "party_size", "checked_in_at")) if reg else None}
    _show(data, as_json, checkin_text(result))
    if not result.ok:
        raise typer.Exit(1)
