"""Queue a user-facing notification in the outbox, inside the caller's transaction (outbox pattern)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.models import Outbox


def notify(
    session: Session,
    *,
    appid: str,
    openid: str,
    kind: str,
    key: str,
    text: str,
    extra: dict[str, Any] | None = None,
) -> bool:
    """Queue ``text`` for ``openid`` once per idempotency ``key``; False when the key was already queued."""
    if session.scalar(select(Outbox.id).where(Outbox.idempotency_key == key)) is not None:
        return False
    row = Outbox(appid=appid, openid=openid, kind=kind, idempotency_key=key, payload={"text": text, **(extra or {})})
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # a concurrent transaction queued the same key first
        return False
    return True
