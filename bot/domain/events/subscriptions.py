"""Subscriptions to new-event announcements (optionally by region and/or category)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import Interest


def subscribe(session: Session, *, appid: str, openid: str, region: str | None = None,
              category: str | None = None) -> bool:
    """Subscribe a user to announcements of new events; False when the same subscription exists."""
    same = select(Interest.id).where(
        Interest.appid == appid, Interest.openid == openid, Interest.kind == "event",
        Interest.region.is_(None) if region is None else Interest.region == region,
        Interest.category.is_(None) if category is None else Interest.category == category)
    if session.scalar(same) is not None:
        return False
    session.add(Interest(appid=appid, openid=openid, kind="event", region=region, category=category))
    session.flush()
    return True


def unsubscribe(session: Session, *, appid: str, openid: str) -> int:
    """Remove every event subscription of a user; returns how many were removed."""
    rows = list(session.scalars(select(Interest).where(
        Interest.appid == appid, Interest.openid == openid, Interest.kind == "event")))
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)


def subscriptions_of(session: Session, *, appid: str, openid: str) -> list[str]:
    """The user's event subscriptions in words ('谷城', '健康科普进社区', '全部'), oldest first."""
    rows = session.execute(select(Interest.region, Interest.category).where(
        Interest.appid == appid, Interest.openid == openid, Interest.kind == "event").order_by(Interest.id)).all()
    return ["、".join(part for part in (region, category) if part) or "全部" for region, category in rows]
