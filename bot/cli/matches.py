"""``kc matches``: follow the recorded demand–achievement matches."""

from __future__ import annotations

import typer

from bot.cli.common import fail, print_json, print_table, services
from bot.domain.errors import DomainError
from bot.domain.matches.lifecycle import LIAISON_STATES, list_matches, set_state
from bot.domain.queries import as_dict
from bot.texts import matches as txt

app = typer.Typer(help="匹配跟进：查看匹配记录、更新洽谈状态。", no_args_is_help=True)
MATCH_FIELDS = ("id", "demand_id", "achievement_id", "score", "state", "reasons", "demand_side",
                "achievement_side", "decline_reason", "history", "created_at", "updated_at")


@app.command("list")
def list_cmd(
    state: str = typer.Option(None, "--state", help="按状态筛选：" + "/".join(txt.STATE_LABELS)),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """List recorded matches."""
    svc = services()
    with svc.db.session() as session:
        rows = [as_dict(m, MATCH_FIELDS) for m in list_matches(session, appid=svc.appid, state=state)]
    if as_json:
        print_json(rows)
    else:
        print_table(rows, ["id", "demand_id", "achievement_id", "score", "state", "reasons"], max_cell=40)


@app.command("set")
def set_cmd(
    match_id: int = typer.Argument(..., help="匹配编号"),
    state: str = typer.Argument(..., help="新状态：" + "/".join(LIAISON_STATES)),
    note: str = typer.Option("", "--note", help="备注"),
    actor: str = typer.Option(..., "--by", envvar=["USER", "LOGNAME"], show_envvar=False,
                              help="操作人（默认取登录用户名）"),
) -> None:
    """Update a match's negotiation state (liaison officer)."""
    svc = services()
    try:
        with svc.db.session() as session:
            set_state(session, match_id=match_id, appid=svc.appid, state=state, actor=actor, now=svc.now(),
                      note=note, source="cli")
    except DomainError as exc:
        fail(txt.refusal_text(exc))
    typer.echo(txt.state_changed_text(match_id, state))
