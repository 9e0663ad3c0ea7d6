"""Read services over the stored records, shared by the CLI, the handlers and (later) the console."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import LOCAL_TZ
from bot.store.models import Achievement, Demand, Event

DEMAND_FIELDS = (
    "id", "status", "company", "industry", "need_type", "title", "description", "budget", "region",
    "contact_name", "contact_phone", "openid", "created_at",
)
ACHIEVEMENT_FIELDS = (
    "id", "status", "title", "summary", "field", "institution", "maturity", "ip", "keywords",
    "contact_name", "contact_phone", "owner_openid", "created_at",
)
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


def list_demands(session: Session, *, status: str | None = None, appid: str | None = None) -> list[Demand]:
    """Demands, oldest first, optionally filtered by review status and account."""
    query = select(Demand).order_by(Demand.created_at, Demand.id)
    if status:
        query = query.where(Demand.status == status)
    if appid:
        query = query.where(Demand.appid == appid)
    return list(session.scalars(query))


def list_achievements(session: Session, *, appid: str | None = None) -> list[Achievement]:
    """Achievements ordered by id."""
    query = select(Achievement).order_by(Achievement.id)
    if appid:
        query = query.where(Achievement.appid == appid)
    return list(session.scalars(query))


def list_events(session: Session, *, appid: str | None = None) -> list[Event]:
    """Events ordered by start time."""
    query = select(Event).order_by(Event.start, Event.id)
    if appid:
        query = query.where(Event.appid == appid)
    return list(session.scalars(query))
