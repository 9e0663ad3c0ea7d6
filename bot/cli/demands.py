"""``kc demands``: the 问题库."""

from __future__ import annotations

import typer

from bot.cli.common import print_json, print_table, services
from bot.models import DEMAND_STATUSES
from bot.records import DEMAND_FIELDS, as_dict, list_demands

app = typer.Typer(help="问题库（企业需求）：查看、审核。", no_args_is_help=True)


@app.command("list")
def list_cmd(
    status: str = typer.Option(None, "--status", help=f"按状态筛选：{'/'.join(DEMAND_STATUSES)}"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """List demands (optionally by status)."""
    svc = services()
    with svc.db.session() as session:
        rows = [as_dict(d, DEMAND_FIELDS) for d in list_demands(session, status=status)]
    if as_json:
        print_json(rows)
    else:
        print_table(rows, ["id", "status", "company", "industry", "need_type", "budget", "region", "title"])
