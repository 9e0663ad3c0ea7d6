"""``kc match``: rank achievements for a demand, or demands for an achievement."""

from __future__ import annotations

from typing import Any

import typer

from bot.cli.common import fail, print_json, print_table, services
from bot.domain.errors import DomainError
from bot.domain.matches.review import rank_achievements, rank_demands
from bot.texts.demands import refusal_text
from knowledge.matching.scoring import confidence

app = typer.Typer(help="需求与成果匹配：为需求找成果，为成果找需求。", no_args_is_help=True)

TOP = typer.Option(10, "--top", min=1, help="最多返回几条")
JSON = typer.Option(False, "--json", help="输出 JSON：[{id, score, reasons, confidence}]（置信度 高/中/低）")


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
    """List the demands that best match an achievement."""
    _show(_run("achievement", achievement_id, top), as_json)


def _run(side: str, record_id: str, top: int) -> list[dict[str, Any]]:
    """Rank the other side for one record through the shared matcher; ``{id, score, reasons, confidence}`` rows
    (the top ``top`` candidates, no global cut: a weak one is listed with the confidence 低)."""
    svc = services()
    matcher = svc.matcher
    try:
        with svc.db.session() as session:
            if side == "demand":
                hits = rank_achievements(session, matcher=matcher, demand_id=record_id, appid=svc.appid, top=top)
            else:
                hits = rank_demands(session, matcher=matcher, achievement_id=record_id, appid=svc.appid, top=top)
    except DomainError as exc:
        fail(refusal_text(exc))
    return [
        {"id": h.id, "score": round(h.score, 4), "reasons": list(h.reasons), "confidence": confidence(h.score, h.alertable)}
        for h in hits
    ]


def _show(rows: list[dict[str, Any]], as_json: bool) -> None:
    """Print as JSON or as a table with the reasons joined."""
    if as_json:
        print_json(rows)
        return
    table = [
        {"id": r["id"], "score": f"{r['score']:.3f}", "confidence": r["confidence"], "reasons": "；".join(r["reasons"])}
        for r in rows
    ]
    print_table(table, ["id", "score", "confidence", "reasons"], max_cell=60)
