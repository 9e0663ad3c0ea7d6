"""匹配: the match lifecycle as a board by state, both sides per row, idle days, overdue highlighted, and a
liaison's state move with a reason."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from bot.domain.errors import DomainError
from bot.domain.matches.board import BOARD_STATES, match_board, move_match
from bot.domain.matches.lifecycle import LIAISON_STATES
from bot.domain.staff import Staff
from bot.web.console.auth import Checked, Console, services, source
from bot.web.console.render import render
from bot.web.console.texts import MATCH_STATES, move_refusal

router = APIRouter(prefix="/console")


@router.get("/matches")
def board(request: Request, staff: Console) -> Response:
    """The board: one table per lifecycle state."""
    return _board(request, staff)


def _board(request: Request, staff: Staff, *, status_code: int = 200, **extra: Any) -> Response:
    """Render the board in the user's scope; ``days`` (query) overrides the overdue threshold."""
    svc = services(request)
    days = _days(request.query_params.get("days"), svc.settings.console_overdue_days)
    state = request.query_params.get("state") or None
    with svc.db.session() as session:
        rows = match_board(session, appid=svc.appid, now=svc.now(), overdue_days=days, scope=staff.scope,
                           state=state if state in BOARD_STATES else None)
    columns = [(s, [r for r in rows if r.state == s]) for s in BOARD_STATES]
    return render(request, "matches.html", title="匹配", columns=columns, labels=MATCH_STATES, days=days,
                  state=state, moves=LIAISON_STATES, overdue=sum(r.overdue for r in rows), status_code=status_code,
                  **extra)


def _days(text: str | None, default: int) -> int:
    """The overdue threshold in days (the setting unless a sensible number is given)."""
    return int(text) if text and text.isdigit() and 0 < int(text) < 1000 else default


@router.post("/matches/{match_id}/move")
def move(request: Request, match_id: int, staff: Checked, state: Annotated[str, Form()] = "",
         reason: Annotated[str, Form()] = "") -> Response:
    """Move a match to 洽谈中/已签约/已婉拒/已过期 with a reason (audited)."""
    svc = services(request)
    try:
        with svc.db.session() as session:
            move_match(session, appid=svc.appid, match_id=match_id, state=state, reason=reason, actor=staff.name,
                       now=svc.now(), scope=staff.scope, source=source(request))
    except DomainError as exc:
        status = 404 if exc.code == "not_found" else 400
        return _board(request, staff, error=move_refusal(exc), status_code=status)
    return _board(request, staff, notice=f"匹配 {match_id} 已改为“{MATCH_STATES.get(state, state)}”。")
