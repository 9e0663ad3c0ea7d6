"""``kc events``: events and registrations."""

from __future__ import annotations

import typer

from bot.cli.common import print_json, print_table, services
from bot.records import EVENT_FIELDS, as_dict, list_events

app = typer.Typer(help="科普及科技服务活动：查看、签到、导出。", no_args_is_help=True)


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
