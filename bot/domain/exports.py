"""Console exports are audited: who exported what, how many rows, in which scope (exports hold personal data).

The files themselves are written by ``bot.web.console.pages.common.table_file`` (formula-like cells
neutralised with ``bot.domain.events.export.neutralise``) from rows the caller limited to the user's scope.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain import audit


def audit_export(session: Session, *, what: str, fmt: str, rows: int, actor: str, now: datetime,
                 scope: str | None, source: str | None = None, appid: str | None = None) -> None:
    """One audit row per export: who, what, in which format, how many rows, in which scope."""
    audit.record(session, appid=appid, actor=actor, action="export", entity="export", entity_id=what[:64], now=now,
                 source=source, format=fmt, rows=rows, scope=scope or "全部")
