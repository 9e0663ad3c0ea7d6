"""Builders shared by the events tests: a fixed clock, synthetic events, one unit of work per domain call."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select

from bot.store.engine import Database
from bot.store.models import Event, Outbox

CST = timezone(timedelta(hours=8))
NOW = datetime(2031, 5, 4, 10, 0, tzinfo=CST)  # a Sunday
APPID = "wx_test"
ADMIN = "admin"  # the actor of admin changes in the tests


def add_event(db: Database, event_id: str = "T1", *, capacity: int = 10, starts_in: timedelta = timedelta(days=3),
              deadline_before: timedelta = timedelta(hours=24), **extra: Any) -> Event:
    """Insert an event starting ``starts_in`` after NOW (sign-up closes ``deadline_before`` the start)."""
    start = NOW + starts_in
    values: dict[str, Any] = dict(
        id=event_id, appid=APPID, title=f"测试讲座{event_id}", category="健康科普进社区", start=start,
        end=start + timedelta(hours=2), location="示例社区活动室", region="襄阳市樊城区", capacity=capacity,
        signup_deadline=start - deadline_before, description="测试用活动。",
    )
    values.update(extra)
    with db.session() as session:
        event = Event(**values)
        session.add(event)
    return event


def outbox(db: Database, kind: str | None = None) -> list[Outbox]:
    """Outbox rows (optionally of one kind) in insertion order."""
    query = select(Outbox).order_by(Outbox.id)
    if kind:
        query = query.where(Outbox.kind == kind)
    with db.session() as session:
        return list(session.scalars(query))


def reload(db: Database, event_id: str) -> Event:
    """The event as stored now."""
    with db.session() as session:
        event = session.get(Event, event_id)
        assert event is not None
        return event
