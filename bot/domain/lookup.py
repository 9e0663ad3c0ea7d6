"""Read one demand or achievement by its short id, and a user's own records newest first (for follow-ups)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.store.models import DEMAND_PENDING, Achievement, Demand


def get_demand(session: Session, *, appid: str, demand_id: str) -> Demand | None:
    """One demand of the account by id (case-insensitive)."""
    query = select(Demand).where(Demand.appid == appid, func.upper(Demand.id) == demand_id.strip().upper())
    return session.scalars(query).first()


def get_achievement(session: Session, *, appid: str, achievement_id: str) -> Achievement | None:
    """One achievement of the account by id (case-insensitive)."""
    query = select(Achievement).where(Achievement.appid == appid,
                                      func.upper(Achievement.id) == achievement_id.strip().upper())
    return session.scalars(query).first()


def user_achievements(session: Session, *, appid: str, openid: str) -> list[Achievement]:
    """The achievements a user registered, newest first."""
    query = select(Achievement).where(Achievement.appid == appid, Achievement.owner_openid == openid)
    return list(session.scalars(query.order_by(Achievement.created_at.desc(), Achievement.id.desc())))


def visible_to(demand: Demand, openid: str) -> bool:
    """Whether a user may see a demand: their own, or one already published (pending ones stay private)."""
    return demand.openid == openid or demand.status != DEMAND_PENDING
