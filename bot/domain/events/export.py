"""Export event registrations to CSV (UTF-8 with BOM, opens in Excel) or XLSX (openpyxl).

The files hold names and phone numbers: they are written owner-readable only (mode 0600), by default
into the data dir's ``exports/`` folder (``default_path``), never silently into the working directory.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.clock import LOCAL_TZ
from bot.domain.events.errors import EventInvalid
from bot.domain.events.views import RegistrationView
from bot.texts.events import EXPORT_HEADERS, EXPORT_SHEET_TITLE, STATUS_TEXT

FORMATS = ("csv", "xlsx")
FIELDS = ("seq", "status", "position", "name", "phone", "company", "party_size", "companions", "checkin_code",
          "checked_in_at", "created_at")
COLUMNS = tuple(EXPORT_HEADERS[f] for f in FIELDS)  # the header row
EXPORTS_DIR = "exports"


def _time(value: Any) -> str:
    """A local time as ``2027-03-13 09:30`` (empty when unset)."""
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") if value else ""


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a cell as a formula


def neutralise(value: Any) -> Any:
    """A text cell that cannot act as a formula (a leading apostrophe); numbers pass unchanged."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def registration_rows(views: Sequence[RegistrationView]) -> list[list[Any]]:
    """One row per registration, in the order of ``FIELDS``; user-typed text is neutralised."""
    return [
        [neutralise(cell) for cell in (
            v.seq, STATUS_TEXT.get(v.status, v.status), v.position or "", v.name, v.phone, v.company or "",
            v.party_size, "、".join(v.companions), v.checkin_code, _time(v.checked_in_at), _time(v.created_at))]
        for v in views
    ]


def write_csv(views: Sequence[RegistrationView], path: Path) -> None:
    """Write the registrations as CSV (UTF-8 BOM so Excel shows Chinese correctly)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(registration_rows(views))


def write_xlsx(views: Sequence[RegistrationView], path: Path, *, title: str = EXPORT_SHEET_TITLE) -> None:
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
    phone_col = FIELDS.index("phone") + 1
    for (cell,) in sheet.iter_rows(min_row=2, min_col=phone_col, max_col=phone_col):
        cell.number_format = "@"
    sheet.freeze_panes = "A2"
    for index, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(10, len(name) * 2 + 4)
    book.save(path)


def check_format(fmt: str) -> None:
    """Refuse an export format other than ``FORMATS``."""
    if fmt not in FORMATS:
        raise EventInvalid("unknown_format", fmt=fmt, formats=FORMATS)


def default_path(data_dir: Path, event_id: str, fmt: str) -> Path:
    """Where an export goes unless told otherwise: ``<data dir>/exports/<event>-registrations.<fmt>``."""
    return Path(data_dir).resolve() / EXPORTS_DIR / f"{event_id}-registrations.{fmt}"


def export_registrations(views: Sequence[RegistrationView], path: Path, fmt: str) -> Path:
    """Write ``views`` to ``path`` as ``csv`` or ``xlsx`` (owner-readable only); returns the path."""
    check_format(fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.chmod(0o600)
    (write_csv if fmt == "csv" else write_xlsx)(views, path)
    return path
