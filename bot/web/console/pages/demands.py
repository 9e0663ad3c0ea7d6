"""问题库: the review queue (filters, search, export, bulk approve) and a demand's page (edit, transcript,
top matches, 通过 / 退回)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.container import Container
from bot.domain import transcript
from bot.domain.demands import approve_demand, reject_demand
from bot.domain.errors import DomainError, NotFound
from bot.domain.exports import audit_export
from bot.domain.matches.review import rank_achievements
from bot.domain.records import DEMAND_EDITABLE, find_demands, get_demand
from bot.domain.staff import Staff
from bot.store.models import DEMAND_STATUSES, Achievement, Demand, Match
from bot.texts import demands as txt
from bot.web.console.auth import Checked, Console, services, source
from bot.web.console.pages.common import age_days, missing, record_query, save_edit, table_file
from bot.web.console.render import local_time, render
from bot.web.console.texts import FIELD_LABELS, MATCH_STATES
from knowledge.vocab import INDUSTRIES, NEED_TYPES

log = logging.getLogger(__name__)
router = APIRouter(prefix="/console")
TURN_SLACK = timedelta(minutes=1)  # the submitting turn's lines are stored when the turn ends, after the demand
EXPORT_FIELDS = ("id", "title", "company", "industry", "need_type", "region", "budget", "status", "contact_name",
                 "contact_phone", "created_at")


@router.get("/demands")
def demand_list(request: Request, staff: Console) -> Response:
    """The review queue: 待审核 first, with filters and full-text search."""
    return _list(request, staff)


def _list(request: Request, staff: Staff, **extra: Any) -> Response:
    """Render the filtered queue in the user's scope (``extra``: notice / error)."""
    svc = services(request)
    with svc.db.session() as session:
        rows = find_demands(session, appid=svc.appid, query=record_query(request), scope=staff.scope)
        now = svc.now()
        table = [(d, age_days(d.created_at, now)) for d in rows]
    return render(request, "demands.html", title="问题库", rows=table, statuses=DEMAND_STATUSES,
                  industries=INDUSTRIES, params=request.query_params, query_string=request.url.query, **extra)


@router.get("/demands/export")
def demand_export(request: Request, staff: Console, fmt: str = "csv") -> Response:
    """The filtered list (in the user's scope) as CSV or XLSX."""
    svc = services(request)
    with svc.db.session() as session:
        rows = find_demands(session, appid=svc.appid, query=record_query(request), scope=staff.scope)
        cells = [[local_time(d.created_at) if f == "created_at" else getattr(d, f) for f in EXPORT_FIELDS]
                 for d in rows]
        audit_export(session, what="demands", fmt=fmt, rows=len(rows), actor=staff.name, now=svc.now(),
                     scope=staff.scope.region, source=source(request), appid=svc.appid)
    return table_file([FIELD_LABELS[f] for f in EXPORT_FIELDS], cells, fmt=fmt, name="问题库")


@router.post("/demands/bulk-approve")
def bulk_approve(request: Request, staff: Checked, ids: Annotated[list[str] | None, Form()] = None) -> Response:
    """Publish each selected pending demand (each in its own transaction); report what happened to each."""
    svc = services(request)
    done, refused = [], []
    for demand_id in ids or []:
        try:
            with svc.db.session() as session:
                get_demand(session, appid=svc.appid, demand_id=demand_id, scope=staff.scope)
                done.append(txt.approved_text(_approve(session, svc, staff, demand_id, request)))
        except DomainError as exc:
            refused.append(txt.refusal_text(exc))
    notice = "；".join(done) if done or refused else "请先勾选要通过的需求"
    return _list(request, staff, notice=notice, error="；".join(refused))


def _approve(session: Session, svc: Container, staff: Staff, demand_id: str, request: Request) -> Any:
    """通过: publish, tell the owner, match and alert (the same use case as ``kc demands approve``)."""
    return approve_demand(session, matcher=svc.matcher, demand_id=demand_id.upper(), appid=svc.appid,
                          actor=staff.name, now=svc.now(), source=source(request))


@router.get("/demands/{demand_id}")
def demand_page(request: Request, demand_id: str, staff: Console) -> Response:
    """A demand: every field (editable), the chat it came from, the top matches, 通过 / 退回."""
    return _detail(request, demand_id, staff)


def _detail(request: Request, demand_id: str, staff: Staff, *, status_code: int = 200, **extra: Any) -> Response:
    """Render the demand page (or the 404 page when it is missing or outside the user's region)."""
    svc = services(request)
    with svc.db.session() as session:
        try:
            demand = get_demand(session, appid=svc.appid, demand_id=demand_id, scope=staff.scope)
        except NotFound:
            return missing(request, "需求")
        lines = transcript.recent(session, appid=demand.appid, openid=demand.openid,
                                  until=demand.created_at + TURN_SLACK) if demand.openid else []
        matches = _top_matches(session, svc, demand)
    return render(request, "demand.html", title=f"需求 {demand.id}", demand=demand, lines=lines, matches=matches,
                  editable=DEMAND_EDITABLE, labels=FIELD_LABELS, industries=INDUSTRIES, need_types=NEED_TYPES,
                  states=MATCH_STATES, status_code=status_code, **extra)


def _top_matches(session: Session, svc: Container, demand: Demand) -> list[dict[str, Any]]:
    """The matcher's best achievements for the demand (score, confidence, reasons) with any recorded state."""
    recorded = {m.achievement_id: m for m in session.scalars(select(Match).where(Match.demand_id == demand.id))}
    try:
        hits = rank_achievements(session, matcher=svc.matcher, demand_id=demand.id, appid=svc.appid, top=5)
    except Exception:  # noqa: BLE001 - the page stays usable when the matcher cannot load
        log.exception("matcher unavailable for demand %s", demand.id)
        hits = []
    rows = []
    for hit in hits:
        achievement = session.get(Achievement, hit.id)
        match = recorded.get(hit.id)
        rows.append({"id": hit.id, "title": achievement.title if achievement else "", "score": hit.score,
                     "confidence": getattr(hit, "confidence", ""), "reasons": list(hit.reasons),
                     "state": match.state if match else None})
    return rows


@router.post("/demands/{demand_id}/edit")
async def demand_edit(request: Request, demand_id: str, staff: Checked) -> Response:
    """Save edited fields (audited with before and after)."""
    svc = services(request)
    return await save_edit(request, staff, demand_id, what="需求", page=_detail, editable=DEMAND_EDITABLE,
                           scope=staff.scope, load=lambda session: get_demand(
                               session, appid=svc.appid, demand_id=demand_id, scope=staff.scope))


@router.post("/demands/{demand_id}/approve")
def demand_approve(request: Request, demand_id: str, staff: Checked) -> Response:
    """通过: publish the demand, queue the owner's notice, record matches and alerts."""
    svc = services(request)
    try:
        with svc.db.session() as session:
            get_demand(session, appid=svc.appid, demand_id=demand_id, scope=staff.scope)
            result = _approve(session, svc, staff, demand_id, request)
    except NotFound:
        return missing(request, "需求")
    except DomainError as exc:
        return _detail(request, demand_id, staff, error=txt.refusal_text(exc), status_code=409)
    return _detail(request, demand_id, staff, notice=txt.approved_text(result) + "，已通知提交人。")


@router.post("/demands/{demand_id}/reject")
def demand_reject(request: Request, demand_id: str, staff: Checked,
                  reason: Annotated[str, Form()] = "") -> Response:
    """退回 with a reason the owner is told."""
    svc = services(request)
    try:
        with svc.db.session() as session:
            get_demand(session, appid=svc.appid, demand_id=demand_id, scope=staff.scope)
            result = reject_demand(session, demand_id=demand_id.upper(), appid=svc.appid, reason=reason,
                                   actor=staff.name, now=svc.now(), source=source(request))
    except NotFound:
        return missing(request, "需求")
    except DomainError as exc:
        return _detail(request, demand_id, staff, error=txt.refusal_text(exc), status_code=400)
    return _detail(request, demand_id, staff,
                   notice=txt.rejected_text(result.demand_id, reason.strip()) + "（已告知提交人）")
