"""Console exports: formula-like cells neutralised in CSV and XLSX; one audit row per export."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from openpyxl import load_workbook
from sqlalchemy import select

from bot.domain import exports
from bot.store.engine import Database
from bot.store.models import AuditLog
from bot.web.console.pages.common import table_file
from tests.support.env import call

NOW = datetime(2031, 5, 4, 4, 0, tzinfo=UTC)


def test_exports_neutralise_formula_cells_and_are_audited(any_db: Database) -> None:
    rows = [["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "王敏", 3]]
    headers = ["姓名", "a", "b", "c", "d", "人数"]
    csv_text = bytes(table_file(headers, rows, fmt="csv", name="t").body).decode("utf-8-sig")
    assert csv_text.splitlines()[1].startswith("\"'=HYPERLINK") and ",'+1,'-2,'@SUM(A1),王敏,3" in csv_text
    sheet = load_workbook(io.BytesIO(bytes(table_file(headers, rows, fmt="xlsx", name="t").body))).active
    assert sheet is not None
    assert [c.value for c in sheet[2]] == ["'=HYPERLINK(\"x\")", "'+1", "'-2", "'@SUM(A1)", "王敏", 3]
    call(any_db, exports.audit_export, what="handoff", fmt="xlsx", rows=1, actor="shiyan", now=NOW, scope="十堰市")
    with any_db.session() as s:
        row = s.scalars(select(AuditLog).where(AuditLog.action == "export")).one()
    assert (row.actor, row.entity_id, row.detail["scope"], row.detail["rows"]) == ("shiyan", "handoff", "十堰市", 1)
