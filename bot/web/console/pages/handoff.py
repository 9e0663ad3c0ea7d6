"""人工服务: the hand-off inbox — the queue, a request's page (接手, 回复 → 发送, 关闭), the badge, the export.

A reply inside WeChat's window is pushed at once as a customer-service message (``bot.wechat.push``) and its
outcome shown as WeChat explained it; outside the window it is held for the user's next message.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from bot.container import Container
from bot.domain import handoff
from bot.domain.errors import DomainError
from bot.domain.exports import audit_export
from bot.domain.pushes import errcode
from bot.domain.staff import Staff
from bot.store.models import HANDOFF_ACTIVE, HANDOFF_CLOSED
from bot.web.console import labels
from bot.web.console.auth import Checked, Console, services, source
from bot.web.console.pages.common import missing, table_file
from bot.web.console.render import local_time, render
from bot.wechat.push import Pusher

router = APIRouter(prefix="/console")
EXPORT_COLUMNS = ("编号", "状态", "地区", "用户问题", "提出时间", "等待", "接手人", "关闭时间", "评价")


@router.get("/handoff")
def handoff_queue(request: Request, staff: Console, status: str = "active") -> Response:
    """Open requests, oldest first (or the closed ones), in the user's region."""
    svc = services(request)
    statuses = (HANDOFF_CLOSED,) if status == "closed" else HANDOFF_ACTIVE
    with svc.db.session() as session:
        rows = handoff.queue(session, appid=svc.appid, scope=staff.scope, now=svc.now(), status=statuses)
    return render(request, "handoff.html", title="人工服务", rows=rows, status=status, labels=labels)


@router.get("/handoff/badge")
def handoff_badge(request: Request, staff: Console) -> Response:
    """The number of requests waiting to be taken (the navigation badge; empty when none)."""
    svc = services(request)
    with svc.db.session() as session:
        count = handoff.badge(session, appid=svc.appid, scope=staff.scope)
    return HTMLResponse(f'<span class="count" title="待接手的转人工请求">{count}</span>' if count else "")


@router.get("/handoff/export")
def handoff_export(request: Request, staff: Console, fmt: str = "csv", status: str = "active") -> Response:
    """The queue (in the user's region) as CSV or XLSX; the export is audited."""
    svc = services(request)
    statuses = (HANDOFF_CLOSED,) if status == "closed" else HANDOFF_ACTIVE
    with svc.db.session() as session:
        rows = handoff.queue(session, appid=svc.appid, scope=staff.scope, now=svc.now(), status=statuses, limit=10_000)
        audit_export(session, what="handoff", fmt=fmt, rows=len(rows), actor=staff.name, now=svc.now(),
                     scope=staff.scope.region, source=source(request), appid=svc.appid)
    cells = [[r.id, labels.HANDOFF_STATUS[r.status], r.region or "", r.question, local_time(r.created_at),
              labels.waited(r.waited), r.assignee or "", local_time(r.closed_at), r.rating or ""] for r in rows]
    return table_file(EXPORT_COLUMNS, cells, fmt=fmt, name="人工服务")


@router.get("/handoff/{request_id}")
def handoff_page(request: Request, request_id: int, staff: Console) -> Response:
    """One request: the user's words and last messages, the window, the replies, 接手 / 回复 / 关闭."""
    return _detail(request, request_id, staff)


def _detail(request: Request, request_id: int, staff: Staff, *, status_code: int = 200, **extra: Any) -> Response:
    """Render a request's page (404 when missing or outside the user's region)."""
    svc = services(request)
    with svc.db.session() as session:
        try:
            view = handoff.detail(session, appid=svc.appid, request_id=request_id, scope=staff.scope, now=svc.now())
        except handoff.HandoffNotFound:
            return missing(request, "转人工请求")
    return render(request, "handoff_detail.html", title=f"转人工 #{view.id}", item=view, labels=labels,
                  errcode=errcode, status_code=status_code, **extra)


@router.post("/handoff/{request_id}/take")
def handoff_take(request: Request, request_id: int, staff: Checked) -> Response:
    """接手: the request becomes the signed-in liaison's."""
    svc = services(request)
    try:
        with svc.db.session() as session:
            handoff.take(session, appid=svc.appid, request_id=request_id, staff=staff.name, scope=staff.scope,
                         now=svc.now(), source=source(request))
    except handoff.HandoffNotFound:
        return missing(request, "转人工请求")
    except DomainError as exc:
        return _detail(request, request_id, staff, error=_refusal(exc), status_code=409)
    return _detail(request, request_id, staff, notice="已接手，这个请求由您处理。")


@router.post("/handoff/{request_id}/reply")
def handoff_reply(request: Request, request_id: int, staff: Checked,
                  text: Annotated[str, Form()] = "") -> Response:
    """发送: a customer-service message inside the window, else held for the user's next message."""
    svc = services(request)
    try:
        with svc.db.session() as session:
            plan = handoff.reply(session, appid=svc.appid, request_id=request_id, staff=staff.name, text=text,
                                 scope=staff.scope, now=svc.now(), source=source(request))
    except handoff.HandoffNotFound:
        return missing(request, "转人工请求")
    except DomainError as exc:
        return _detail(request, request_id, staff, error=_refusal(exc), status_code=400)
    _push(svc, plan)
    assert plan.reply_id is not None  # a liaison's reply always has its row
    with svc.db.session() as session:
        sent = handoff.settle_reply(session, reply_id=plan.reply_id)
    if sent.outcome == "sent":
        return _detail(request, request_id, staff, notice="已通过客服消息发送给用户。")
    if sent.outcome == "held" and sent.error is None:
        return _detail(request, request_id, staff, notice="用户已超过 48 小时未发消息（或本轮客服消息已用完），"
                                                          "回复已保存，将在用户下次发消息时一起送达。")
    words = labels.error_in_words(sent.error, errcode(sent.error))
    held = "，回复已改为在用户下次发消息时送达" if sent.outcome == "held" else ""
    return _detail(request, request_id, staff, error=f"发送失败：{words}{held}。", status_code=502)


@router.post("/handoff/{request_id}/close")
def handoff_close(request: Request, request_id: int, staff: Checked,
                  ask_rating: Annotated[str, Form()] = "") -> Response:
    """关闭: close the request and tell the user (with a one-tap rating when asked for)."""
    svc = services(request)
    try:
        with svc.db.session() as session:
            plan = handoff.close(session, appid=svc.appid, request_id=request_id, staff=staff.name,
                                 scope=staff.scope, now=svc.now(), ask_rating=bool(ask_rating), source=source(request))
    except handoff.HandoffNotFound:
        return missing(request, "转人工请求")
    if plan is None:
        return _detail(request, request_id, staff, notice="这个请求已经关闭。")
    _push(svc, plan)
    rating = "，并请用户评价" if ask_rating else ""
    later = "（用户下次发消息时送达）" if plan.held else ""
    return _detail(request, request_id, staff, notice=f"已关闭，已告知用户{rating}{later}。")


def _push(svc: Container, plan: handoff.ReplyPlan) -> None:
    """Send a queued message now by customer-service message (unless it waits in the inbox)."""
    if not plan.held:
        kind = handoff.REPLY_KIND if plan.reply_id is not None else handoff.CLOSED_KIND
        Pusher(svc).deliver_text(appid=plan.appid, openid=plan.openid, text=plan.text, key=plan.key, kind=kind)


def _refusal(exc: DomainError) -> str:
    """Why a hand-off action was refused."""
    if isinstance(exc, handoff.HandoffTaken):
        return f"这个请求已由 {exc.assignee} 接手。"
    if isinstance(exc, handoff.HandoffClosed):
        return "这个请求已关闭，不能再回复。"
    if isinstance(exc, handoff.EmptyReply):
        return f"请填写回复内容（不超过 {handoff.MAX_REPLY} 字）。"
    return "操作未完成，请刷新页面后重试。"
