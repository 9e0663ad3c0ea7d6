"""工作台: counts and charts over a date range."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.web.console.auth import Console
from bot.web.console.render import render

router = APIRouter(prefix="/console")


@router.get("/")
def dashboard(request: Request, staff: Console) -> Response:
    """The dashboard."""
    return render(request, "dashboard.html", title="工作台")
