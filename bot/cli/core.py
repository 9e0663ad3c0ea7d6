"""Top-level ``kc`` commands: serve, scheduler, doctor, import."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import IO, Any

import typer

from bot.cli.common import ProgressBar, fail, print_json, services, setup_logging
from bot.container import Container
from bot.data.importer import KINDS, ImportFileError, import_file
from bot.settings import Settings, get_settings

log = logging.getLogger("kc")


# uvicorn's own access log would print the query string (signature, nonce, echostr): it is off, and
# bot.web.app.AccessLog writes "METHOD /path status time" instead. The same config reaches every worker.
LOG_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
    "root": {"handlers": ["stderr"], "level": "INFO"},
    "loggers": {name: {"level": "WARNING"} for name in ("alembic", "httpx", "httpcore", "chromadb", "jieba",
                                                         "uvicorn.access")},
}
_held_locks: list[IO[str]] = []  # open lock files, held until the process exits


def serve(
    host: str = typer.Option("127.0.0.1", help="监听地址"),
    port: int = typer.Option(8000, help="监听端口"),
    workers: int = typer.Option(1, "--workers", min=1, help="worker 进程数；大于 1 需要 PostgreSQL"),
    no_scheduler: bool = typer.Option(False, "--no-scheduler", help="不启动定时任务（多进程部署时的额外 worker）"),
    seed: bool = typer.Option(True, "--seed/--no-seed", help="空数据库首次启动时导入示例数据"),
) -> None:
    """Serve the webhook, health check and scheduler."""
    from bot.web.app import create_app

    setup_logging()
    database = sqlite_file(get_settings())
    if database is not None:
        if workers > 1:
            fail(f"--workers {workers}：SQLite 只支持单进程，多进程部署需要 PostgreSQL（设置 KC_DATABASE_URL=postgresql://…）。")
        hold_serve_lock(database)
    svc = services()
    _log_startup(svc)
    prepare_data(svc, seed=seed, warm=workers == 1)
    svc.settings.scheduler = svc.settings.scheduler and not no_scheduler
    if workers == 1:
        _run(create_app(svc), host=host, port=port)
        return
    svc.close()
    if no_scheduler:
        os.environ["KC_SCHEDULER"] = "false"  # the workers read their settings from the environment
    _run("bot.web.app:create_worker_app", host=host, port=port, workers=workers, factory=True)


def scheduler(
    check: bool = typer.Option(False, "--check", help="只检查：有进程持有调度租约时退出码 0（用于健康检查）"),
) -> None:
    """Run only the scheduled jobs (no web server): the scheduler process of a multi-worker deployment."""
    from jobs.lease import current_holder
    from jobs.scheduler import LEASE_NAME, LeaderScheduler

    if check:
        svc = services(migrate=False)
        holder = current_holder(svc.db, LEASE_NAME, svc.now())
        typer.echo(holder or "没有进程持有调度租约")
        raise typer.Exit(0 if holder else 1)
    setup_logging()
    svc = services()
    _log_startup(svc)
    runner = LeaderScheduler(svc)
    runner.start()
    log.info("调度进程已启动：持有调度租约时运行定时任务（Ctrl-C 或 SIGTERM 停止）")
    _wait_for_stop()
    runner.stop()
    svc.close()


def _wait_for_stop() -> None:
    """Block until SIGINT or SIGTERM."""
    import signal
    import threading

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    while not stop.wait(1.0):
        pass


def _run(app: Any, **options: Any) -> None:
    """uvicorn with our log config and without its query-printing access log."""
    import uvicorn

    uvicorn.run(app, log_config=LOG_CONFIG, log_level="info", access_log=False, **options)


def prepare_data(svc: Container, *, seed: bool, warm: bool) -> None:
    """First-start seeding and (for a single process) loading models before the first message."""
    from bot.data.seed import seed_if_empty, seed_kb_if_empty
    from knowledge.intents import warm as warm_intents
    from knowledge.keywords import warm as warm_keywords

    if seed and svc.settings.seed_samples:
        with svc.db.session() as session:
            seed_if_empty(session, appid=svc.appid)
        seed_kb_if_empty(svc.kb)
    if warm:  # the intent model (trained from the corpus once, then cached); its vector stage in a thread
        warm_intents(Path(svc.settings.data_dir), svc.kb.embedder if svc.kb is not None else None)
        warm_keywords()
    if warm and svc.kb is not None:
        svc.kb.warm()  # load models and indexes now, not inside the first user's 5-second budget
    if warm:
        from bot.web.app import freeze_warm_heap

        freeze_warm_heap()


def sqlite_file(settings: Settings) -> Path | None:
    """The SQLite database file the settings point at (None for PostgreSQL or in-memory SQLite)."""
    url = settings.resolved_database_url
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[-1] if "///" in url else ""
    return None if path in ("", ":memory:") else Path(path).resolve()


def hold_serve_lock(database: Path) -> Path:
    """Lock ``<database>.serve.lock`` for the life of this process, or exit when another kc serve holds it."""
    import fcntl

    lock = database.with_name(database.name + ".serve.lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    handle = lock.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        fail(f"数据目录 {lock.parent} 里的 SQLite 数据库已被另一个 kc serve 进程使用（锁文件 {lock.name}）。"
             "SQLite 只支持单进程：请先停止那个进程；需要多进程部署请改用 PostgreSQL（KC_DATABASE_URL）。")
    _held_locks.append(handle)
    return lock


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
        with svc.db.session() as session, ProgressBar("导入", "条") as bar:
            result = import_file(session, kind=kind, path=file, appid=svc.appid, progress=bar)
    except ImportFileError as exc:
        fail(f"{file}：{exc}；未导入任何记录。")
    if as_json:
        print_json({"kind": kind, "created": result.created, "updated": result.updated})
    else:
        typer.echo(f"已导入 {kind}：新增 {result.created} 条，更新 {result.updated} 条。")


def register(app: typer.Typer) -> None:
    """Attach the top-level commands to ``app``."""
    app.command("serve")(serve)
    app.command("scheduler")(scheduler)
    app.command("doctor")(doctor)
    app.command("import")(import_cmd)
