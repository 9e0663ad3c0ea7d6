"""Chat simulator (development mode, or admins): a message goes through the real webhook path (signed, and
encrypted in compat/safe mode, into ``POST /wechat`` of this very app), and the page shows the bot's replies
and the pushes queued for the simulated user."""

from __future__ import annotations

import itertools
import time
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from bot.domain import transcript
from bot.domain.staff import Staff
from bot.store.models import Outbox
from bot.web.console.auth import Checked, Console, Forbidden, services
from bot.web.console.render import render
from bot.wechat.loopback import reply_text, text_message

router = APIRouter(prefix="/console")
_msg_ids = itertools.count(int(time.time() * 1000) % 10**12 + 9 * 10**12)  # apart from real MsgIds


def _allowed(request: Request, staff: Staff) -> Staff:
    """Anyone signed in during development; admins only in production."""
    if services(request).settings.env != "development" and not staff.is_admin:
        raise Forbidden("simulator is for admins in production")
    return staff


def simulated_openid(staff: Staff) -> str:
    """The simulated chat user of a console account."""
    return f"console-sim-{staff.name}"


@router.get("/simulator")
def simulator(request: Request, staff: Console) -> Response:
    """The simulator page: 消息 field, 发送 button, the conversation and the pushes."""
    return _page(request, _allowed(request, staff))


def _page(request: Request, staff: Staff, **extra: Any) -> Response:
    """Render the simulated user's transcript and pushes."""
    svc, openid = services(request), simulated_openid(staff)
    with svc.db.session() as session:
        lines = transcript.recent(session, appid=svc.appid, openid=openid, limit=30)
        pushes = list(session.scalars(select(Outbox).where(Outbox.appid == svc.appid, Outbox.openid == openid)
                                      .order_by(Outbox.id.desc()).limit(20)))
    return render(request, "simulator.html", title="对话模拟器", openid=openid, lines=lines, pushes=pushes,
                  mode=svc.settings.resolved_wechat_mode, **extra)


@router.post("/simulator")
async def simulate(request: Request, staff: Checked, message: Annotated[str, Form()] = "") -> Response:
    """Send ``message`` as the simulated user through ``POST /wechat`` and show the outcome."""
    _allowed(request, staff)
    text = message.strip()
    if not text:
        return await run_in_threadpool(_page, request, staff, error="请输入消息")
    svc = services(request)
    query, body = text_message(svc.settings, openid=simulated_openid(staff), text=text, msg_id=next(_msg_ids),
                               now=int(svc.now().timestamp()))
    transport = httpx.ASGITransport(app=request.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://simulator.local") as client:
        response = await client.post("/wechat", params=query, content=body, timeout=30)
    if response.status_code != 200:
        return await run_in_threadpool(_page, request, staff, error=f"webhook 拒绝了消息（HTTP {response.status_code}）")
    reply = reply_text(svc.settings, response.content)
    return await run_in_threadpool(_page, request, staff, reply=reply or "（没有被动回复：答复会以推送送达）")
