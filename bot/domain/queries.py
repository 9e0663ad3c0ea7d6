"""Shared read helpers: rows as JSON-ready dicts, and the events listing (demands and achievements have
their own modules, ``bot.domain.demands`` and ``bot.domain.achievements``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import LOCAL_TZ
from bot.store.models import Event

EVENT_FIELDS = (
    "id", "status", "title", "category", "start", "end", "location", "region", "capacity", "seats_taken",
    "signup_deadline", "description", "speaker", "max_companions",
)


def as_dict(row: Any, fields: tuple[str, ...], tz: ZoneInfo = LOCAL_TZ) -> dict[str, Any]:
    """The named attributes of ``row`` as a dict (times as ISO strings in local time)."""
    out = {}
    for name in fields:
        value = getattr(row, name)
        out[name] = value.astimezone(tz).isoformat() if isinstance(value, datetime) else value
    return out


def list_events(session: Session, *, appid: str | None = None) -> list[Event]:
    """Events ordered by start time."""
    query = select(Event).order_by(Event.start, Event.id)
    if appid:
        query = query.where(Event.appid == appid)
    return list(session.scalars(query))
