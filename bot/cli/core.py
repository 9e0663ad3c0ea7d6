"""Top-level ``kc`` commands: serve, doctor, import."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import typer

from bot.cli.common import fail, print_json, services, setup_logging
from bot.data.importer import KINDS, ImportFileError, import_file

log = logging.getLogger("kc")


def serve(
    host: str = typer.Option("127.0.0.1", help="监听地址"),
    port: int = typer.Option(8000, help="监听端口"),
    no_scheduler: bool = typer.Option(False, "--no-scheduler", help="不启动定时任务（多进程部署时的额外 worker）"),
    seed: bool = typer.Option(True, "--seed/--no-seed", help="空数据库首次启动时导入示例数据"),
) -> None:
    """Serve the webhook, health check and scheduler."""
    import uvicorn

    from bot.data.knowledge import seed_kb_if_empty
    from bot.data.seed import seed_if_empty
    from bot.web.app import create_app

    setup_logging()
    svc = services()
    _log_startup(svc)
    if seed and svc.settings.seed_samples:
        seed_if_empty(svc.db, appid=svc.appid)
        seed_kb_if_empty(svc.kb)
    svc.kb.warm()  # load models and indexes now, not inside the first user's 5-second budget
    svc.settings.scheduler = svc.settings.scheduler and not no_scheduler
    uvicorn.run(create_app(svc), host=host, port=port, log_level="info")


def _log_startup(svc: Any) -> None:
    """Say which mode we run in and what is missing."""
    settings = svc.settings
    log.info("数据目录 %s；数据库 %s", settings.data_dir.resolve(), svc.db.engine.url.render_as_string())
    missing = settings.missing_wechat()
    if missing:
        log.warning("开发模式：未配置 %s，公众号消息无法验签；可用 `kc chat` 在终端试用。", "、".join(missing))
    if not settings.llm_base_url:
        log.info("未配置 KC_LLM_BASE_URL：政策问答使用抽取式回答（不调用大模型）。")


def doctor(as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """Check settings, database, Chroma, embeddings and WeChat credentials."""
    from bot.cli.doctor import run_checks

    checks = run_checks(services())
    if as_json:
        print_json([c.as_dict() for c in checks])
    else:
        for check in checks:
            mark = typer.style("OK ", fg=typer.colors.GREEN) if check.ok else typer.style("需处理", fg=typer.colors.RED)
            typer.echo(f"[{mark}] {check.name}: {check.detail}")
    if not all(c.ok or c.optional for c in checks):
        raise typer.Exit(1)


def import_cmd(
    kind: str = typer.Argument(..., help=f"数据类型：{'|'.join(KINDS)}"),
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSONL 或 CSV 文件"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """Import demands, achievements or events (idempotent on id; a bad file imports nothing)."""
    svc = services()
    try:
        result = import_file(svc.db, kind, file, appid=svc.appid)
    except ImportFileError as exc:
        fail(f"{file}：{exc}；未导入任何记录。")
    if as_json:
        print_json({"kind": kind, "created": result.created, "updated": result.updated})
    else:
        typer.echo(f"已导入 {kind}：新增 {result.created} 条，更新 {result.updated} 条。")


def register(app: typer.Typer) -> None:
    """Attach the top-level commands to ``app``."""
    app.command("serve")(serve)
    app.command("doctor")(doctor)
    app.command("import")(import_cmd)
