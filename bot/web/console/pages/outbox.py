"""推送: the push queue — waiting, failed, held, dead and uncertain pushes with channel, attempts and the last
error in words; 重试 for dead (and uncertain) ones; a per-day view per channel and what quotas blocked.

Pushes carry no region, so the desk is for admins and liaisons without a region; others are told so.
"""

from __future__ import annotations

import logging
import threading

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.container import Container
from bot.domain import audit, pushes
from bot.domain.exports import audit_export
from bot.domain.staff import Staff
from bot.web.console import labels
from bot.web.console.auth import Checked, Console, services, source
from bot.web.console.pages.common import table_file
from bot.web.console.render import local_time, render
from bot.wechat.sender import Dispatcher, requeue

log = logging.getLogger(__name__)
router = APIRouter(prefix="/console")
FILTERS = ("", "pending", "failed", "deferred", "inbox", "dead", "uncertain", "sending")
EXPORT_COLUMNS = ("编号", "类别", "用户", "状态", "渠道", "尝试次数", "最后错误", "创建时间", "下次尝试")


def _allowed(staff: Staff) -> bool:
    """Pushes have no region: admins and liaisons without one see the queue."""
    return staff.scope.region is None


@router.get("/outbox")
def outbox_page(request: Request, staff: Console, status: str = "") -> Response:
    """The queue (filtered by status) and the per-day view."""
    return _page(request, staff, status)


def _page(request: Request, staff: Staff, status: str = "", *, status_code: int = 200, **extra: object) -> Response:
    """Render the push desk."""
    if not _allowed(staff):
        return render(request, "outbox.html", title="推送", allowed=False, rows=[], days=[], status="",
                      filters=FILTERS, labels=labels)
    svc = services(request)
    with svc.db.session() as session:
        rows = pushes.waiting(session, status=status if status in FILTERS else None)
        days = pushes.per_day(session, now=svc.now())
    return render(request, "outbox.html", title="推送", allowed=True, rows=rows, days=days, status=status,
                  filters=FILTERS, labels=labels, status_code=status_code, **extra)


@router.post("/outbox/{outbox_id}/retry")
def outbox_retry(request: Request, outbox_id: int, staff: Checked) -> Response:
    """重试: queue a dead (or uncertain) push again with fresh attempts and send due pushes now."""
    if not _allowed(staff):
        return _page(request, staff)
    svc = services(request)
    if not requeue(svc.db, outbox_id, now=svc.now()):
        return _page(request, staff, error=f"推送 {outbox_id} 不存在，或不是已放弃、结果不明的状态。", status_code=409)
    with svc.db.session() as session:
        audit.record(session, appid=svc.appid, actor=staff.name, action="outbox.retry", entity="outbox",
                     entity_id=str(outbox_id), now=svc.now(), source=source(request))
    threading.Thread(target=_dispatch, args=(svc,), name="kc-outbox-retry", daemon=True).start()
    return _page(request, staff, notice=f"推送 {outbox_id} 已重新排队，正在发送。")


def _dispatch(svc: Container) -> None:
    """Send due pushes now (the scheduled dispatcher would within 30 s)."""
    try:
        Dispatcher(svc).run(svc.now())
    except Exception:  # the scheduled run will try again
        log.exception("immediate dispatch after a retry failed")


@router.get("/outbox/export")
def outbox_export(request: Request, staff: Console, fmt: str = "csv", status: str = "") -> Response:
    """The filtered queue as CSV or XLSX; the export is audited."""
    if not _allowed(staff):
        return _page(request, staff)
    svc = services(request)
    with svc.db.session() as session:
        rows = pushes.waiting(session, status=status if status in FILTERS else None, limit=10_000)
        audit_export(session, what="outbox", fmt=fmt, rows=len(rows), actor=staff.name, now=svc.now(), scope=None,
                     source=source(request), appid=svc.appid)
    cells = [[r.id, labels.PUSH_KINDS.get(r.kind, r.kind), r.openid, labels.PUSH_STATUS.get(r.status, r.status),
              labels.CHANNELS.get(r.channel, r.channel), r.attempts, labels.error_in_words(r.last_error, r.errcode),
              local_time(r.created_at), local_time(r.next_attempt_at)] for r in rows]
    return table_file(EXPORT_COLUMNS, cells, fmt=fmt, name="推送队列")
