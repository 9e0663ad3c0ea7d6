"""``kc matches``: follow the recorded demand–achievement matches."""

from __future__ import annotations

import typer
from sqlalchemy import select

from bot.cli.common import fail, print_json, print_table, services
from bot.domain.matches.review import LIAISON_STATES, STATE_LABELS
from bot.domain.queries import as_dict
from bot.store.models import Match

app = typer.Typer(help="匹配跟进：查看匹配记录、更新洽谈状态。", no_args_is_help=True)
MATCH_FIELDS = ("id", "demand_id", "achievement_id", "score", "state", "reasons", "demand_side",
                "achievement_side", "decline_reason", "history", "created_at", "updated_at")


@app.command("list")
def list_cmd(
    state: str = typer.Option(None, "--state", help="按状态筛选：" + "/".join(STATE_LABELS)),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """List recorded matches."""
    svc = services()
    with svc.db.session() as session:
        query = select(Match).order_by(Match.id)
        if state:
            query = query.where(Match.state == state)
        rows = [as_dict(m, MATCH_FIELDS) for m in session.scalars(query)]
    if as_json:
        print_json(rows)
    else:
        print_table(rows, ["id", "demand_id", "achievement_id", "score", "state", "reasons"], max_cell=40)


@app.command("set")
def set_cmd(
    match_id: int = typer.Argument(..., help="匹配编号"),
    state: str = typer.Argument(..., help="新状态：" + "/".join(LIAISON_STATES)),
    note: str = typer.Option("", "--note", help="备注"),
    actor: str = typer.Option("cli", "--by", help="操作人"),
) -> None:
    """Update a match's negotiation state (liaison officer)."""
    from bot.domain.matches.lifecycle import set_state
    from bot.domain.matches.review import MatchFlowError

    try:
        svc = services()
        set_state(svc.db, match_id=match_id, state=state, actor=actor, now=svc.now(), note=note)
    except MatchFlowError as exc:
        fail(str(exc))
    typer.echo(f"匹配 {match_id} 已更新为：{STATE_LABELS[state]}")
