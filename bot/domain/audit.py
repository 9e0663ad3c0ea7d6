"""Audit rows: who did what to which record, when, from where, with the values before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.store.models import AuditLog
from bot.store.sql import insert_rows


def record(session: Session, *, appid: str | None, actor: str, action: str, entity: str, entity_id: str,
           now: datetime, before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
           source: str | None = None, **detail: Any) -> None:
    """Add one audit row to the caller's transaction (``source``: "chat", "console 1.2.3.4", "cli", "job")."""
    extra: dict[str, Any] = dict(detail)
    if before is not None:
        extra["before"] = before
    if after is not None:
        extra["after"] = after
    if source:
        extra["source"] = source
    insert_rows(session, AuditLog, [dict(at=now, appid=appid, actor=actor[:128], action=action[:64],
                                         entity=entity[:32], entity_id=entity_id[:64], detail=extra)])
