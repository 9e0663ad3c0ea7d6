"""``kc demands``: the 问题库."""

from __future__ import annotations

from dataclasses import asdict

import typer

from bot.cli.common import fail, print_json, print_table, services
from bot.domain.queries import DEMAND_FIELDS, as_dict, list_demands
from bot.store.models import DEMAND_STATUSES

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


@app.command("approve")
def approve_cmd(
    demand_id: str = typer.Argument(..., help="需求编号，如 D26"),
    actor: str = typer.Option("cli", "--by", help="审核人"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """Publish a pending demand: notify its owner, record matches, alert the other side."""
    from bot.domain.matches.review import MatchFlowError, approve_demand

    svc = services()
    try:
        result = approve_demand(svc.db, svc.matcher, demand_id=demand_id.upper(), actor=actor, now=svc.now())
    except MatchFlowError as exc:
        fail(str(exc))
    if as_json:
        print_json(asdict(result))
    else:
        typer.echo(f"需求 {result.demand_id} 已发布：匹配 {result.matches} 项，排队提醒 {result.alerts} 条。")


@app.command("reject")
def reject_cmd(
    demand_id: str = typer.Argument(..., help="需求编号"),
    reason: str = typer.Option(..., "--reason", help="退回原因（会告知提交人）"),
    actor: str = typer.Option("cli", "--by", help="审核人"),
) -> None:
    """Reject a pending demand with a reason; the owner is told."""
    from bot.domain.matches.review import MatchFlowError, reject_demand

    svc = services()
    try:
        reject_demand(svc.db, demand_id=demand_id.upper(), reason=reason, actor=actor, now=svc.now())
    except MatchFlowError as exc:
        fail(str(exc))
    typer.echo(f"需求 {demand_id.upper()} 已退回：{reason}")
