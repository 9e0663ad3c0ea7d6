"""``kc outbox``: the push queue."""

from __future__ import annotations

import typer
from sqlalchemy import select

from bot.cli.common import fail, print_json, print_table, services
from bot.domain.queries import as_dict
from bot.store.models import Outbox
from bot.wechat.sender import requeue

app = typer.Typer(help="推送队列：查看、重试失败的推送。", no_args_is_help=True)
OUTBOX_FIELDS = ("id", "kind", "openid", "status", "channel", "attempts", "next_attempt_at", "last_error",
                 "idempotency_key", "created_at", "sent_at")


@app.command("list")
def list_cmd(
    status: str = typer.Option(None, "--status", help="pending/sending/sent/inbox/dead/uncertain"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """List pushes (e.g. ``--status dead`` for those that gave up)."""
    with services().db.session() as session:
        query = select(Outbox).order_by(Outbox.id)
        if status:
            query = query.where(Outbox.status == status)
        rows = [as_dict(r, OUTBOX_FIELDS) for r in session.scalars(query)]
    if as_json:
        print_json(rows)
    else:
        print_table(rows, ["id", "kind", "openid", "status", "channel", "attempts", "last_error"], max_cell=30)


@app.command("retry")
def retry_cmd(outbox_id: int = typer.Argument(..., help="推送编号")) -> None:
    """Queue a push again with fresh attempts: a dead one, an uncertain one, or one stranded in sending."""
    svc = services()
    if not requeue(svc.db, outbox_id, now=svc.now()):
        fail(f"推送 {outbox_id} 不存在，或不是失败（dead）、结果不明（uncertain）、卡在发送中的状态")
    typer.echo(f"推送 {outbox_id} 已重新排队。")
