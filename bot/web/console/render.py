"""Jinja2 rendering for console pages: the navigation, the signed-in user and the CSRF token in every page."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from bot.clock import LOCAL_TZ

HERE = Path(__file__).parent
NAV: tuple[tuple[str, str], ...] = (
    ("工作台", "/console/"), ("问题库", "/console/demands"), ("项目库", "/console/achievements"),
    ("匹配", "/console/matches"), ("活动", "/console/events"), ("知识库", "/console/kb"),
    ("人工服务", "/console/handoff"), ("推送", "/console/outbox"),
)
templates = Jinja2Templates(directory=str(HERE / "templates"))


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time shown in Beijing time ("" for None)."""
    return value.astimezone(LOCAL_TZ).strftime(fmt) if value else ""


templates.env.filters["local"] = local_time
templates.env.globals["NAV"] = NAV


def render(request: Request, name: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render ``templates/name`` with the navigation, ``staff`` and its CSRF token."""
    staff = getattr(request.state, "staff", None)
    context.setdefault("csrf", staff.csrf_token if staff else "")
    development = request.app.state.services.settings.env == "development"
    context.setdefault("simulator", staff is not None and (staff.is_admin or development))
    response: HTMLResponse = templates.TemplateResponse(
        request, name, {"staff": staff, "path": request.url.path, **context}, status_code=status_code)
    return response
