"""The FastAPI application factory: the WeChat webhook (`bot.web.wechat`), the health check, the access log."""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.telemetry import TelemetryConfig
from sqlalchemy import text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.container import Container
from bot.settings import Settings, get_settings
from bot.web import console
from bot.web import wechat as webhook
from knowledge.intents import warm as warm_intents
from knowledge.keywords import warm as warm_keywords

log = logging.getLogger(__name__)
access_log = logging.getLogger("kc.access")
# The app exports no OpenTelemetry: FastAPI's native telemetry would otherwise look up the global providers on
# every request to find that out.
NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}
SHUTDOWN_GRACE_SECONDS = 30.0  # on SIGTERM/Ctrl-C, queued and running answers get this long to be delivered


class AccessLog:
    """ASGI middleware: one line per request with method, path (never the query string), status and time."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on and log it once the response has started (nothing to time when nobody logs it)."""
        if scope["type"] != "http" or not access_log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), [500]

        async def send_status(message: Message) -> None:
            """Note the status code on its way out."""
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            path = scope["path"].encode("unicode_escape").decode("ascii")  # no forged lines via %0A
            access_log.info("%s %s %d %.1fms", scope["method"], path, status[0], elapsed)


def component_status(services: Container) -> dict[str, Any]:
    """Status of each component, cheap enough for a health probe."""
    settings = services.settings
    try:
        with services.db.session() as session:
            session.execute(text("SELECT 1"))
        database: dict[str, Any] = {"ok": True, "dialect": services.db.engine.dialect.name}
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        database = {"ok": False, "error": type(exc).__name__}
    missing = settings.missing_wechat()
    return {
        "database": database,
        "wechat": {"ok": not missing, "mode": "configured" if not missing else "development", "missing": missing},
        "embedding": {"configured": settings.embedding_model, "active": active_embedder(services)},
        "scheduler": {"holder": scheduler_holder(services), "here": bool(settings.scheduler)},
        "chroma": {"mode": "http" if settings.chroma_url else "embedded"},
        "env": settings.env,
    }


def active_embedder(services: Container) -> str | None:
    """The embedding backend the knowledge base answers with (None without a knowledge base)."""
    try:
        kb = services.kb
        return kb.embedder.name if kb is not None else None
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return f"error: {type(exc).__name__}"


def scheduler_holder(services: Container) -> str | None:
    """The process (host:pid:id) holding the scheduler lease, or None when no scheduler runs."""
    from jobs.lease import current_holder
    from jobs.scheduler import LEASE_NAME

    try:
        return current_holder(services.db, LEASE_NAME, services.now())
    except Exception:  # noqa: BLE001 - the database check reports the outage
        return None


def start_scheduler(services: Container) -> Any:
    """Start the lease-guarded scheduler when this process is configured to run one."""
    if not services.settings.scheduler:
        return None
    from jobs.scheduler import LeaderScheduler

    scheduler = LeaderScheduler(services)
    scheduler.start()
    return scheduler


def create_app(services: Container | None = None, settings: Settings | None = None) -> FastAPI:
    """Build the app around ``services`` (created from settings when not given)."""
    if services is None:
        settings = settings or get_settings()
        settings.check_production()
        services = Container.create(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        """Start the scheduler and the recovery of half-done answers; on shutdown deliver what is in flight."""
        scheduler = start_scheduler(services)
        # answer what a previous run left half-done (its leases lapse within seconds; the job repeats this)
        app.state.pipeline.recover_in_background()
        yield
        if scheduler is not None:
            scheduler.stop()
        if not app.state.pipeline.close(SHUTDOWN_GRACE_SECONDS):
            log.warning("shutdown: answers still running after %.0f s; their leases lapse and another worker "
                        "or the recovery job delivers them", SHUTDOWN_GRACE_SECONDS)
        services.close()

    app = FastAPI(title="科创助手", lifespan=lifespan, telemetry=NO_TELEMETRY)
    app.state.services = services
    webhook.install(app, services)  # before the access log: the webhook's shortcut sits inside it
    app.add_middleware(AccessLog)
    console.install(app)

    @app.get("/healthz")
    def healthz() -> JSONResponse:
        """Report component status; 503 when the database is down."""
        status = component_status(services)
        return JSONResponse(status, status_code=200 if status["database"]["ok"] else 503)

    return app


def create_worker_app() -> FastAPI:
    """The app of one ``kc serve --workers N`` worker (uvicorn's factory): settings from the environment, models warm."""
    app = create_app()
    kb = app.state.services.kb
    warm_intents(Path(app.state.services.settings.data_dir), kb.embedder if kb is not None else None)
    warm_keywords()
    if kb is not None:
        kb.warm()
    freeze_warm_heap()
    return app


def freeze_warm_heap() -> None:
    """Take the warmed models and indexes out of the cyclic garbage collector's sweeps (``gc.freeze``).

    Millions of long-lived objects (intent model, lexical indexes, tokeniser dictionaries) otherwise make every
    full collection a pause of up to a few hundred milliseconds in the middle of some user's answer; frozen, a
    collection only walks what was allocated since. Call it once, after warm-up."""
    gc.collect()
    gc.freeze()
