"""Create demands (问题库) and achievements (项目库) with short ids; shared by chat flows and the console."""

from __future__ import annotations

import dataclasses
import random
import re
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from bot.store.engine import Database
from bot.store.models import (
    DEMAND_PENDING,
    DEMAND_PUBLISHED,
    Achievement,
    AuditLog,
    Counter,
    Demand,
    Interest,
)

ID_PREFIX = {"demand": ("D", Demand), "achievement": ("A", Achievement)}


def _max_existing(session: Session, prefix: str, model: Any) -> int:
    """The largest numeric suffix among ids like ``D25`` already stored (imports included)."""
    ids = session.scalars(select(model.id).where(model.id.like(f"{prefix}%")))
    numbers = [int(m.group(1)) for i in ids if (m := re.fullmatch(rf"{prefix}(\d+)", i))]
    return max(numbers, default=0)


def next_short_id(session: Session, kind: str) -> str:
    """The next short id ('D26') for ``kind``: above both the counter and every stored id."""
    prefix, model = ID_PREFIX[kind]
    counter = session.get(Counter, kind, with_for_update=True)
    if counter is None:
        counter = Counter(name=kind, value=0)
        session.add(counter)
    counter.value = max(counter.value, _max_existing(session, prefix, model)) + 1
    session.flush()
    return f"{prefix}{counter.value}"


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


def _with_retry(db: Database, work: Any, attempts: int = 6) -> Any:
    """Run ``work(session)`` in a transaction; retry when a concurrent writer took the id or held the lock."""
    for attempt in range(attempts):
        try:
            with db.session() as session:
                return work(session)
        except (IntegrityError, OperationalError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1) + random.random() * 0.05)
    return None


def submit_demand(db: Database, data: DemandInput, *, appid: str, openid: str | None, now: datetime,
                  require_review: bool = True) -> Demand:
    """Store a new demand (待审核, or 已发布 without review) under the next short id."""
    def work(session: Session) -> Demand:
        status = DEMAND_PENDING if require_review else DEMAND_PUBLISHED
        demand = Demand(id=next_short_id(session, "demand"), appid=appid, openid=openid, status=status,
                        created_at=now, updated_at=now, published_at=None if require_review else now,
                        **vars(data))
        session.add(demand)
        session.add(AuditLog(at=now, appid=appid, actor=openid or "console", action="demand.submit",
                             entity="demand", entity_id=demand.id, detail={"status": status}))
        return demand
    return _with_retry(db, work)


def submit_achievement(db: Database, data: AchievementInput, *, appid: str, openid: str | None,
                       now: datetime) -> Achievement:
    """Store a new achievement under the next short id, and its owner's alert interests."""
    def work(session: Session) -> Achievement:
        fields = {k: v for k, v in vars(data).items() if k != "alerts"}
        row = Achievement(id=next_short_id(session, "achievement"), appid=appid, owner_openid=openid,
                          created_at=now, updated_at=now, **fields)
        session.add(row)
        for alert in data.alerts if openid else []:
            session.add(Interest(appid=appid, openid=openid, kind="match", industry=alert.get("industry"),
                                 keywords=list(alert.get("keywords") or []), created_at=now))
        session.add(AuditLog(at=now, appid=appid, actor=openid or "console", action="achievement.submit",
                             entity="achievement", entity_id=row.id, detail={"alerts": len(data.alerts)}))
        return row
    return _with_retry(db, work)
