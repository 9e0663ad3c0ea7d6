"""``kc match``: rank achievements for a demand, or demands for an achievement."""

from __future__ import annotations

from typing import Any

import typer

from bot.cli.common import fail, print_json, print_table, services

app = typer.Typer(help="需求与成果匹配：为需求找成果，为成果找需求。", no_args_is_help=True)

TOP = typer.Option(10, "--top", min=1, help="最多返回几条")
JSON = typer.Option(False, "--json", help="输出 JSON：[{id, score, reasons}]")


@app.command("demand")
def demand_cmd(
    demand_id: str = typer.Argument(..., help="需求 ID"), top: int = TOP, as_json: bool = JSON
) -> None:
    """List the achievements that best match a demand."""
    _show(_run("demand", demand_id, top), as_json)


@app.command("achievement")
def achievement_cmd(
    achievement_id: str = typer.Argument(..., help="成果 ID"), top: int = TOP, as_json: bool = JSON
) -> None:
    """List the published demands that best match an achievement."""
    _show(_run("achievement", achievement_id, top), as_json)


def _run(side: str, record_id: str, top: int) -> list[dict[str, Any]]:
    """Load the record from SQL and match it through the shared matcher."""
    from bot.store.models import Achievement, Demand
    from knowledge.matching import as_achievement, as_demand

    svc = services()
    model, convert, label = (
        (Demand, as_demand, "需求") if side == "demand" else (Achievement, as_achievement, "成果")
    )
    with svc.db.session() as session:
        row = session.get(model, record_id)
        if row is None:
            fail(f"找不到{label} {record_id}")
        record = convert(row)
    matcher = svc.matcher
    matches = (
        matcher.match_demand(record, top) if side == "demand" else matcher.match_achievement(record, top)
    )
    return [m.to_dict() for m in matches]


def _show(rows: list[dict[str, Any]], as_json: bool) -> None:
    """Print as JSON or as a table with the reasons joined."""
    if as_json:
        print_json(rows)
        return
    table = [{"id": r["id"], "score": f"{r['score']:.3f}", "reasons": "；".join(r["reasons"])} for r in rows]
    print_table(table, ["id", "score", "reasons"], max_cell=60)
