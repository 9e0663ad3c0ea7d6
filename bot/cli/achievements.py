"""``kc achievements``: the 项目库."""

from __future__ import annotations

import typer

from bot.cli.common import print_json, print_table, services
from bot.domain.achievements import ACHIEVEMENT_FIELDS, list_achievements
from bot.domain.queries import as_dict

app = typer.Typer(help="项目库（科技成果）：查看。", no_args_is_help=True)


@app.command("list")
def list_cmd(as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """List achievements."""
    svc = services()
    with svc.db.session() as session:
        rows = [as_dict(a, ACHIEVEMENT_FIELDS) for a in list_achievements(session, appid=svc.appid)]
    if as_json:
        print_json(rows)
    else:
        print_table(rows, ["id", "field", "maturity", "institution", "title"])
