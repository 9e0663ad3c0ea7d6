"""Helpers shared by the console pages: list filters from the query string, 404 pages, table exports."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bot.clock import LOCAL_TZ
from bot.container import Container
from bot.domain.errors import DomainError, NotFound
from bot.domain.events.export import neutralise
from bot.domain.records import Record, RecordQuery, edit_record
from bot.domain.scope import EVERYWHERE, Scope
from bot.domain.staff import Staff
from bot.store.models import Demand
from bot.web.console.auth import services, source
from bot.web.console.render import render
from bot.web.console.texts import FIELD_LABELS, edit_refusal

log = logging.getLogger(__name__)
EXPORT_TYPES = {"csv": "text/csv; charset=utf-8",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def local_day(text: str | None) -> date | None:
    """A ``YYYY-MM-DD`` form value as a date (None when empty or malformed)."""
    try:
        return date.fromisoformat((text or "").strip()) if text else None
    except ValueError:
        return None


def day_start(day: date) -> datetime:
    """Midnight of ``day`` in Beijing time."""
    return datetime.combine(day, time(), tzinfo=LOCAL_TZ)


def record_query(request: Request) -> RecordQuery:
    """The list filters of the query string (status, industry, region, since/until dates inclusive, q)."""
    params = request.query_params
    since, until = local_day(params.get("since")), local_day(params.get("until"))
    return RecordQuery(status=params.get("status") or None, industry=params.get("industry") or None,
                       region=(params.get("region") or "").strip() or None,
                       since=day_start(since) if since else None,
                       until=day_start(until + timedelta(days=1)) if until else None,
                       text=(params.get("q") or "").strip())


def missing(request: Request, what: str = "记录") -> Response:
    """The 404 page: the record does not exist, or is outside the user's region (the same answer)."""
    return render(request, "not_found.html", title="未找到", what=what, status_code=404)


def age_days(created: datetime, now: datetime) -> int:
    """Whole days since ``created``."""
    return max(0, (now - created).days)


def table_file(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, fmt: str, name: str) -> Response:
    """The rows as a CSV (UTF-8 with BOM, for Excel) or XLSX download; text cells cannot act as formulas."""
    cells = [[neutralise("" if v is None else v) for v in row] for row in rows]
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(list(headers))
        for row in cells:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        body = buffer.getvalue()
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(headers)
        writer.writerows(cells)
        body, fmt = ("\ufeff" + text.getvalue()).encode("utf-8"), "csv"
    filename = quote(f"{name}.{fmt}")
    return Response(body, media_type=EXPORT_TYPES[fmt],
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"})


def reindex(svc: Container, record: Record) -> None:
    """Bring the matcher's copy of an edited record up to date (best effort: the edit is saved either way)."""
    try:
        if isinstance(record, Demand):
            svc.matcher.index_demands([record])
        else:
            svc.matcher.index_achievements([record])
    except Exception:  # noqa: BLE001 - the next start-up sync catches up
        log.exception("could not re-index %s after an edit", record.id)


async def save_edit(request: Request, staff: Staff, record_id: str, *, load: Callable[[Session], Record],
                    editable: Sequence[str], what: str, page: Callable[..., Response],
                    scope: Scope = EVERYWHERE) -> Response:
    """Apply a record page's edited fields (audited), re-index the record and show the page with what changed."""
    form = await request.form()
    changes = {name: str(form.get(name, "")) for name in editable if name in form}
    svc = services(request)
    try:
        with svc.db.session() as session:
            record = load(session)
            changed = edit_record(session, record=record, changes=changes, actor=staff.name, now=svc.now(),
                                  scope=scope, source=source(request))
    except NotFound:
        return missing(request, what)
    except DomainError as exc:
        return page(request, record_id, staff, error=edit_refusal(exc), status_code=400)
    if changed:
        reindex(svc, record)
    notice = "已保存：" + "、".join(FIELD_LABELS[f] for f in changed) if changed else "没有改动"
    return page(request, record_id, staff, notice=notice)
