"""Export event registrations to CSV (UTF-8 with BOM, opens in Excel) or XLSX (openpyxl)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.clock import LOCAL_TZ
from bot.domain.events.signup import RegistrationView
from bot.texts.events import STATUS_TEXT

FORMATS = ("csv", "xlsx")
COLUMNS = ("序号", "状态", "候补位次", "姓名", "手机号", "单位", "人数", "同行人", "签到码", "签到时间", "报名时间")


def _time(value: Any) -> str:
    """A local time as ``2027-03-13 09:30`` (empty when unset)."""
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") if value else ""


def registration_rows(views: Sequence[RegistrationView]) -> list[list[Any]]:
    """One row per registration, in the order of ``COLUMNS``."""
    return [
        [v.seq, STATUS_TEXT.get(v.status, v.status), v.position or "", v.name, v.phone, v.company or "",
         v.party_size, "、".join(v.companions), v.checkin_code, _time(v.checked_in_at), _time(v.created_at)]
        for v in views
    ]


def write_csv(views: Sequence[RegistrationView], path: Path) -> None:
    """Write the registrations as CSV (UTF-8 BOM so Excel shows Chinese correctly)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(registration_rows(views))


def write_xlsx(views: Sequence[RegistrationView], path: Path, *, title: str = "报名名单") -> None:
    """Write the registrations as an XLSX sheet with a bold, frozen header and text-formatted phones."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(list(COLUMNS))
    for row in registration_rows(views):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    phone_col = COLUMNS.index("手机号") + 1
    for (cell,) in sheet.iter_rows(min_row=2, min_col=phone_col, max_col=phone_col):
        cell.number_format = "@"
    sheet.freeze_panes = "A2"
    for index, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(10, len(name) * 2 + 4)
    book.save(path)


def export_registrations(views: Sequence[RegistrationView], path: Path, fmt: str) -> Path:
    """Write ``views`` to ``path`` as ``csv`` or ``xlsx``; returns the path."""
    if fmt not in FORMATS:
        raise ValueError(f"不支持的导出格式 {fmt}（可选：csv、xlsx）")
    path.parent.mkdir(parents=True, exist_ok=True)
    (write_csv if fmt == "csv" else write_xlsx)(views, path)
    return path
