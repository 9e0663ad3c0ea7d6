"""Queue user-facing notifications in the outbox, inside the caller's transaction (outbox pattern)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.store.sql import queue_outbox


def notify(session: Session, *, appid: str, openid: str, kind: str, key: str, text: str, now: datetime,
           extra: dict[str, Any] | None = None) -> bool:
    """Queue ``text`` for ``openid`` once per idempotency ``key``; False when the key was already queued."""
    return queue_outbox(session, appid=appid, openid=openid, kind=kind, key=key,
                        payload={"text": text, **(extra or {})}, now=now)
