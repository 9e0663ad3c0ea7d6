"""Queue a user-facing notification in the outbox, inside the caller's transaction (outbox pattern)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.clock import utcnow
from bot.store.models import Outbox
from bot.store.sql import insert_ignore


def notify(
    session: Any,
    *,
    appid: str,
    openid: str,
    kind: str,
    key: str,
    text: str,
    extra: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> bool:
    """Queue ``text`` for ``openid`` once per idempotency ``key``; False when the key was already queued."""
    stamp = now or utcnow()
    return insert_ignore(
        session, Outbox, appid=appid, openid=openid, kind=kind, idempotency_key=key,
        payload={"text": text, **(extra or {})}, status="pending", attempts=0,
        next_attempt_at=stamp, created_at=stamp,
    )
