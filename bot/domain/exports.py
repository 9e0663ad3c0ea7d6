"""Console exports: tables as CSV (UTF-8 with BOM) or XLSX bytes, formula-like cells neutralised, each audited.

Callers pass rows already limited to the signed-in user's scope; ``audit_export`` records who exported
what (exports hold personal data).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.domain import audit
from bot.domain.events.export import FORMATS, check_format, neutralise

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def table_bytes(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str, *, title: str = "导出") -> bytes:
    """The table as a file in ``fmt`` (csv | xlsx); every text cell is neutralised."""
    check_format(fmt)
    safe = [[neutralise(cell) for cell in row] for row in rows]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        writer.writerows(safe)
        return buffer.getvalue().encode("utf-8-sig")
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(list(columns))
    for row in safe:
        sheet.append(list(row))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def audit_export(session: Session, *, what: str, fmt: str, rows: int, actor: str, now: datetime,
                 scope: str | None, source: str | None = None, appid: str | None = None) -> None:
    """One audit row per export: who, what, how many rows, in which scope."""
    audit.record(session, appid=appid, actor=actor, action="export", entity="export", entity_id=what[:64], now=now,
                 source=source, format=fmt, rows=rows, scope=scope or "全部")


__all__ = ["CONTENT_TYPES", "FORMATS", "audit_export", "table_bytes"]
