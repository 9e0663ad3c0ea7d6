"""项目库: achievements with the list, filter, export, detail and edit pattern of the 问题库, and an upload
(CSV/XLSX) with the import rules of ``kc import``.

Region scope covers demands, matches and events (issue 14); achievements are the whole programme's offer, so
every liaison sees all of them, while the demands listed beside one stay inside the liaison's region."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from bot.data.importer import ImportFileError, import_file
from bot.domain import audit
from bot.domain.errors import NotFound
from bot.domain.exports import audit_export
from bot.domain.matches.review import rank_demands
from bot.domain.records import ACHIEVEMENT_EDITABLE, find_achievements, get_achievement
from bot.domain.staff import Staff
from bot.store.models import Demand
from bot.web.console.auth import Checked, Console, services, source
from bot.web.console.pages.common import missing, record_query, save_edit, table_file
from bot.web.console.render import local_time, render
from bot.web.console.texts import FIELD_LABELS
from knowledge.vocab import INDUSTRIES, MATURITIES

router = APIRouter(prefix="/console")
EXPORT_FIELDS = ("id", "title", "field", "institution", "maturity", "ip", "keywords", "region", "contact_name",
                 "contact_phone", "status", "created_at")
UPLOAD_SUFFIXES = (".csv", ".xlsx", ".jsonl")
MAX_UPLOAD = 5 * 1024 * 1024


@router.get("/achievements")
def achievement_list(request: Request, staff: Console) -> Response:
    """The 项目库 with filters and full-text search."""
    return _list(request)


def _list(request: Request, *, status_code: int = 200, **extra: Any) -> Response:
    """Render the filtered list (``extra``: notice / error)."""
    svc = services(request)
    with svc.db.session() as session:
        rows = find_achievements(session, appid=svc.appid, query=record_query(request))
    return render(request, "achievements.html", title="项目库", rows=rows, industries=INDUSTRIES,
                  params=request.query_params, query_string=request.url.query, status_code=status_code, **extra)


@router.get("/achievements/export")
def achievement_export(request: Request, staff: Console, fmt: str = "csv") -> Response:
    """The filtered list as CSV or XLSX."""
    svc = services(request)
    with svc.db.session() as session:
        rows = find_achievements(session, appid=svc.appid, query=record_query(request))
        cells = [[_cell(a, f) for f in EXPORT_FIELDS] for a in rows]
        audit_export(session, what="achievements", fmt=fmt, rows=len(rows), actor=staff.name, now=svc.now(),
                     scope=staff.scope.region, source=source(request), appid=svc.appid)
    return table_file([FIELD_LABELS[f] for f in EXPORT_FIELDS], cells, fmt=fmt, name="项目库")


def _cell(row: Any, name: str) -> Any:
    """One exported value (times local, keywords joined)."""
    value = getattr(row, name)
    if name == "created_at":
        return local_time(value)
    return "、".join(value) if isinstance(value, list) else value


@router.post("/achievements/import")
async def achievement_import(request: Request, staff: Checked) -> Response:
    """Import an uploaded file in one transaction; a bad row imports nothing and is named (line, field)."""
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _list(request, error="请选择要上传的文件", status_code=400)
    suffix = Path(upload.filename).suffix.lower()
    data = await upload.read(MAX_UPLOAD + 1)
    if suffix not in UPLOAD_SUFFIXES or len(data) > MAX_UPLOAD:
        return _list(request, error="请上传 5 MB 以内的 .csv、.xlsx 或 .jsonl 文件", status_code=400)
    svc = services(request)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            with svc.db.session() as session:
                result = import_file(session, kind="achievements", path=path, appid=svc.appid)
                audit.record(session, appid=svc.appid, actor=staff.name, action="achievement.import", entity="file",
                             entity_id=upload.filename, now=svc.now(), source=source(request),
                             after={"created": result.created, "updated": result.updated})
        except ImportFileError as exc:
            return _list(request, error=f"{upload.filename}：{exc}；未导入任何记录。", status_code=400)
    return _list(request, notice=f"已导入 {upload.filename}：新增 {result.created} 条，更新 {result.updated} 条。")


@router.get("/achievements/{achievement_id}")
def achievement_page(request: Request, achievement_id: str, staff: Console) -> Response:
    """An achievement: every field (editable) and the demands it fits best."""
    return _detail(request, achievement_id, staff)


def _detail(request: Request, achievement_id: str, staff: Staff, *, status_code: int = 200,
            **extra: Any) -> Response:
    """Render the achievement page (404 when missing or outside the user's region)."""
    svc = services(request)
    with svc.db.session() as session:
        try:
            achievement = get_achievement(session, appid=svc.appid, achievement_id=achievement_id)
        except NotFound:
            return missing(request, "成果")
        hits = rank_demands(session, matcher=svc.matcher, achievement_id=achievement.id, appid=svc.appid, top=5)
        demands = [(h, session.get(Demand, h.id)) for h in hits]
        demands = [(h, d) for h, d in demands if d is not None and staff.scope.allows(d.region)]
    return render(request, "achievement.html", title=f"成果 {achievement.id}", item=achievement, demands=demands,
                  editable=ACHIEVEMENT_EDITABLE, labels=FIELD_LABELS, industries=INDUSTRIES, maturities=MATURITIES,
                  status_code=status_code, **extra)


@router.post("/achievements/{achievement_id}/edit")
async def achievement_edit(request: Request, achievement_id: str, staff: Checked) -> Response:
    """Save edited fields (audited with before and after)."""
    svc = services(request)
    return await save_edit(request, staff, achievement_id, what="成果", page=_detail, editable=ACHIEVEMENT_EDITABLE,
                           load=lambda session: get_achievement(session, appid=svc.appid,
                                                                achievement_id=achievement_id))
