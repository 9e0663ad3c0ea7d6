"""Create demands (问题库) and achievements (项目库) with short ids; shared by chat flows and the console."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.domain import audit
from bot.domain.ids import next_short_id
from bot.store.models import DEMAND_PENDING, DEMAND_PUBLISHED, Achievement, Demand, Interest


@dataclass
class DemandInput:
    """The fields of a new demand as collected by the chat flow or typed in the console."""

    company: str
    industry: str
    need_type: str
    title: str
    description: str
    region: str
    budget: str = "面议"
    budget_raw: str | None = None
    budget_low_wan: float | None = None
    budget_high_wan: float | None = None
    contact_name: str | None = None
    contact_phone: str | None = None


@dataclass
class AchievementInput:
    """The fields of a new achievement plus the alerts its owner wants."""

    title: str
    summary: str
    field: str
    institution: str
    maturity: str
    ip: str | None = None
    keywords: list[str] = dataclasses.field(default_factory=list)
    region: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    alerts: list[dict[str, Any]] = dataclasses.field(default_factory=list)  # [{"industry": str|None, "keywords": [...]}]


def submit_demand(session: Session, *, data: DemandInput, appid: str, openid: str | None, now: datetime,
                  require_review: bool = True) -> Demand:
    """Store a new demand (待审核, or 已发布 without review) under the next short id."""
    status = DEMAND_PENDING if require_review else DEMAND_PUBLISHED
    demand = Demand(id=next_short_id(session, kind="demand"), appid=appid, openid=openid, status=status,
                    created_at=now, updated_at=now, published_at=None if require_review else now, **vars(data))
    session.add(demand)
    audit.record(session, appid=appid, actor=openid or "console", action="demand.submit", entity="demand",
                 entity_id=demand.id, now=now, after={"status": status})
    session.flush()
    return demand


def submit_achievement(session: Session, *, data: AchievementInput, appid: str, openid: str | None,
                       now: datetime) -> Achievement:
    """Store a new achievement under the next short id, and its owner's alert interests."""
    fields = {k: v for k, v in vars(data).items() if k != "alerts"}
    row = Achievement(id=next_short_id(session, kind="achievement"), appid=appid, owner_openid=openid,
                      created_at=now, updated_at=now, **fields)
    session.add(row)
    for alert in data.alerts if openid else []:
        session.add(Interest(appid=appid, openid=openid, kind="match", industry=alert.get("industry"),
                             keywords=list(alert.get("keywords") or []), created_at=now))
    audit.record(session, appid=appid, actor=openid or "console", action="achievement.submit",
                 entity="achievement", entity_id=row.id, now=now, alerts=len(data.alerts))
    session.flush()
    return row
