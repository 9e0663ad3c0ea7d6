"""``kc demands``: the 问题库."""

from __future__ import annotations

from dataclasses import asdict

import typer

from bot.cli.common import fail, print_json, print_table, services
from bot.domain.demands import DEMAND_FIELDS, approve_demand, list_demands, reject_demand
from bot.domain.errors import DomainError
from bot.domain.queries import as_dict
from bot.store.models import DEMAND_STATUSES
from bot.texts import demands as txt

app = typer.Typer(help="问题库（企业需求）：查看、审核。", no_args_is_help=True)
REVIEWER = typer.Option(..., "--by", envvar=["USER", "LOGNAME"], show_envvar=False,
                        help="审核人（默认取登录用户名）")


@app.command("list")
def list_cmd(
    status: str = typer.Option(None, "--status", help=f"按状态筛选：{'/'.join(DEMAND_STATUSES)}"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """List demands (optionally by status)."""
    svc = services()
    with svc.db.session() as session:
        rows = [as_dict(d, DEMAND_FIELDS) for d in list_demands(session, appid=svc.appid, status=status)]
    if as_json:
        print_json(rows)
    else:
        print_table(rows, ["id", "status", "company", "industry", "need_type", "budget", "region", "title"])


@app.command("approve")
def approve_cmd(
    demand_id: str = typer.Argument(..., help="需求编号，如 D26"),
    actor: str = REVIEWER,
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """Publish a pending demand: notify its owner, record matches, alert the other side."""
    svc = services()
    matcher = svc.matcher
    try:
        with svc.db.session() as session:
            result = approve_demand(session, matcher=matcher, demand_id=demand_id.upper(), appid=svc.appid,
                                    actor=actor, now=svc.now(), source="cli")
    except DomainError as exc:
        fail(txt.refusal_text(exc))
    if as_json:
        print_json(asdict(result))
    else:
        typer.echo(txt.approved_text(result))


@app.command("reject")
def reject_cmd(
    demand_id: str = typer.Argument(..., help="需求编号"),
    reason: str = typer.Option(..., "--reason", help="退回原因（会告知提交人）"),
    actor: str = REVIEWER,
) -> None:
    """Reject a pending demand with a reason; the owner is told."""
    svc = services()
    try:
        with svc.db.session() as session:
            result = reject_demand(session, demand_id=demand_id.upper(), appid=svc.appid, reason=reason,
                                   actor=actor, now=svc.now(), source="cli")
    except DomainError as exc:
        fail(txt.refusal_text(exc))
    typer.echo(txt.rejected_text(result.demand_id, reason.strip()))
