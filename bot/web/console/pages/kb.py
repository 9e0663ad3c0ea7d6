"""知识库: upload (上传文档 → 上传, ingested in the background with progress), the document list with
sections, chunk counts, editions and look-alike documents, 停用/启用 and remove, 试问 (answer, sources, scores, would it decline) and 未答问题."""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from bot.container import Container
from bot.domain import kbadmin, unanswered
from bot.domain.errors import DomainError
from bot.domain.exports import audit_export
from bot.domain.staff import Staff
from bot.web.console import labels
from bot.web.console.auth import Checked, Console, services, source
from bot.web.console.pages.common import table_file
from bot.web.console.render import local_time, render

router = APIRouter(prefix="/console")


def _kb(svc: Container) -> Any:
    """The deployment's knowledge base (None when it runs without one)."""
    return svc.kb


@router.get("/kb")
def kb_page(request: Request, staff: Console) -> Response:
    """Uploads, documents, 试问 and the grouped 未答问题."""
    return _page(request, staff)


def _page(request: Request, staff: Staff, *, trial: kbadmin.Trial | None = None, status_code: int = 200,
          **extra: Any) -> Response:
    """Render the knowledge-base desk."""
    svc = services(request)
    kb = _kb(svc)
    docs = kbadmin.documents(kb) if kb is not None else []
    with svc.db.session() as session:
        uploads = kbadmin.uploads(session)
        groups = unanswered.open_groups(session, appid=svc.appid)
    return render(request, "kb.html", title="知识库", docs=docs, uploads=uploads, groups=groups, trial=trial,
                  labels=labels, running=any(u.status not in ("done", "failed") for u in uploads),
                  status_code=status_code, **extra)


@router.get("/kb/uploads")
def kb_uploads_fragment(request: Request, staff: Console) -> Response:
    """The uploads table (htmx polls it while an ingestion runs)."""
    svc = services(request)
    with svc.db.session() as session:
        uploads = kbadmin.uploads(session)
    return render(request, "kb_uploads.html", uploads=uploads, labels=labels,
                  running=any(u.status not in ("done", "failed") for u in uploads))


@router.post("/kb/upload")
async def kb_upload(request: Request, staff: Checked, file: Annotated[UploadFile, File()]) -> Response:
    """上传: refuse a wrong file at once; otherwise queue it and ingest it in a background thread."""
    svc = services(request)
    content = await file.read(kbadmin.MAX_UPLOAD_BYTES + 1)
    try:
        with svc.db.session() as session:
            upload_id = kbadmin.start_upload(session, filename=file.filename or "", content=content, actor=staff.name,
                                             now=svc.now(), source=source(request))
    except kbadmin.UploadRefused as exc:
        return _page(request, staff, error=f"未上传：{labels.UPLOAD_ERRORS[exc.reason]}。", status_code=400)
    threading.Thread(target=kbadmin.ingest_upload,
                     kwargs={"sessions": svc.db.session, "kb": svc.kb, "clock": svc.now, "upload_id": upload_id},
                     name=f"kc-kb-upload-{upload_id}", daemon=True).start()
    return _page(request, staff, notice=f"已上传 {file.filename}，正在后台导入（见下方进度）。")


@router.post("/kb/remove")
def kb_remove(request: Request, staff: Checked, doc: Annotated[str, Form()] = "") -> Response:
    """删除 a document (audited)."""
    svc = services(request)
    try:
        with svc.db.session() as session:
            kbadmin.remove_document(session, kb=_kb(svc), doc=doc, actor=staff.name, now=svc.now(),
                                    source=source(request))
    except kbadmin.DocumentNotFound:
        return _page(request, staff, error=f"没有文档 {doc}。", status_code=404)
    return _page(request, staff, notice=f"已删除文档 {doc}。")


@router.post("/kb/retire")
def kb_retire(request: Request, staff: Checked, doc: Annotated[str, Form()] = "",
              retired: Annotated[str, Form()] = "1") -> Response:
    """停用 a superseded or expired document (kept and listed, never answered from), or 启用 it again (audited)."""
    svc = services(request)
    out = retired != "0"
    try:
        with svc.db.session() as session:
            kbadmin.retire_document(session, kb=_kb(svc), doc=doc, retired=out, actor=staff.name, now=svc.now(),
                                    source=source(request))
    except kbadmin.DocumentNotFound:
        return _page(request, staff, error=f"没有文档 {doc}。", status_code=404)
    done = "已停用文档 {}，机器人不再用它回答。" if out else "已启用文档 {}，机器人会用它回答。"
    return _page(request, staff, notice=done.format(doc))


@router.post("/kb/ask")
def kb_ask(request: Request, staff: Checked, question: Annotated[str, Form()] = "") -> Response:
    """试问: what the bot would answer, from which sources, with which scores, and whether it would decline."""
    svc = services(request)
    kb = _kb(svc)
    if kb is None:
        return _page(request, staff, error="这个部署没有配置知识库。", status_code=503)
    try:
        trial = kbadmin.trial(kb, question=question, home_city=svc.settings.home_city)
    except DomainError:
        return _page(request, staff, error="请输入要试问的问题。", status_code=400)
    return _page(request, staff, trial=trial)


@router.post("/kb/unanswered/resolve")
def kb_resolve(request: Request, staff: Checked, ids: Annotated[str, Form()] = "") -> Response:
    """已处理: take a group of questions off the to-do list."""
    svc = services(request)
    chosen = [int(i) for i in ids.split(",") if i.strip().isdigit()]
    with svc.db.session() as session:
        done = unanswered.resolve(session, appid=svc.appid, ids=chosen, staff=staff.name, now=svc.now(),
                                  source=source(request))
    return _page(request, staff, notice=f"已将 {done} 个问题标为已处理。")


@router.get("/kb/unanswered/export")
def kb_unanswered_export(request: Request, staff: Console, fmt: str = "csv") -> Response:
    """未答问题 (grouped) as CSV or XLSX; the export is audited."""
    svc = services(request)
    with svc.db.session() as session:
        groups = unanswered.open_groups(session, appid=svc.appid)
        audit_export(session, what="unanswered", fmt=fmt, rows=len(groups), actor=staff.name, now=svc.now(),
                     scope=staff.scope.region, source=source(request), appid=svc.appid)
    cells = [[g.title, g.count, g.declined, "；".join(g.questions[:20]), local_time(g.last_at)] for g in groups]
    return table_file(("问题", "次数", "拒答次数", "相似问法", "最近一次"), cells, fmt=fmt, name="未答问题")
