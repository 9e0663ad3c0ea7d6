"""The 问题库: submitting a demand (chat or console), reviewing it (publish or reject), listing demands."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain import audit
from bot.domain.errors import Invalid, NotAllowed, NotFound
from bot.domain.ids import next_short_id
from bot.domain.matches import Matching
from bot.domain.matches.review import publish_matches
from bot.domain.notify import notify
from bot.store.models import DEMAND_CLOSED, DEMAND_PENDING, DEMAND_PUBLISHED, Demand
from bot.texts import demands as txt

DEMAND_FIELDS = (
    "id", "status", "company", "industry", "need_type", "title", "description", "budget", "region",
    "contact_name", "contact_title", "contact_phone", "openid", "created_at",
)


class NotPending(NotAllowed):
    """The demand is not waiting for review (already published, matched or closed)."""

    code = "not_pending"


@dataclass(frozen=True)
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
    contact_title: str | None = None  # 教授 / 工 / 博士, kept beside the name


@dataclass(frozen=True)
class ReviewResult:
    """Outcome of a review: the demand's new status, how many matches were recorded and alerts queued."""

    demand_id: str
    status: str
    matches: int = 0
    alerts: int = 0


def submit_demand(session: Session, *, data: DemandInput, appid: str, openid: str | None, now: datetime,
                  require_review: bool = True, actor: str | None = None) -> Demand:
    """Store a new demand (待审核, or 已发布 without review) under the next short id.

    ``actor`` is who entered it (a liaison officer in the console); it defaults to the owner ``openid``.
    """
    who = actor or openid
    if not who:
        raise Invalid("who entered the demand is unknown", field="actor")
    status = DEMAND_PENDING if require_review else DEMAND_PUBLISHED
    demand = Demand(id=next_short_id(session, kind="demand"), appid=appid, openid=openid, status=status,
                    created_at=now, updated_at=now, published_at=None if require_review else now,
                    **dataclasses.asdict(data))
    session.add(demand)
    audit.record(session, appid=appid, actor=who, action="demand.submit", entity="demand", entity_id=demand.id,
                 now=now, after={"status": status})
    session.flush()
    return demand


def approve_demand(session: Session, *, matcher: Matching, demand_id: str, appid: str, actor: str, now: datetime,
                   source: str | None = None) -> ReviewResult:
    """Publish a pending demand, tell its owner, then record matches and alert the other side."""
    demand = _pending(session, demand_id, appid)
    demand.status, demand.published_at = DEMAND_PUBLISHED, now
    _audit_review(session, demand, actor=actor, action="demand.approve", now=now, source=source)
    _tell_owner(session, demand, outcome="published", text=txt.published_notice(demand), now=now)
    run = publish_matches(session, matcher=matcher, demand_id=demand.id, appid=appid, now=now)
    return ReviewResult(demand.id, DEMAND_PUBLISHED, matches=run.matches, alerts=run.alerts)


def reject_demand(session: Session, *, demand_id: str, appid: str, reason: str, actor: str, now: datetime,
                  source: str | None = None) -> ReviewResult:
    """Close a pending demand with a reason and tell its owner."""
    reason = reason.strip()
    if not reason:
        raise Invalid("a reason is required", field="reason")
    demand = _pending(session, demand_id, appid)
    demand.status, demand.review_note = DEMAND_CLOSED, reason
    _audit_review(session, demand, actor=actor, action="demand.reject", now=now, source=source, reason=reason)
    _tell_owner(session, demand, outcome="rejected", text=txt.rejected_notice(demand, reason), now=now)
    return ReviewResult(demand.id, DEMAND_CLOSED)


def _pending(session: Session, demand_id: str, appid: str) -> Demand:
    """The account's demand, which must still be waiting for review."""
    demand = session.get(Demand, demand_id)
    if demand is None or demand.appid != appid:
        raise NotFound("no such demand", entity="demand", id=demand_id)
    if demand.status != DEMAND_PENDING:
        raise NotPending("demand is not pending", entity="demand", id=demand_id, status=demand.status)
    return demand


def _audit_review(session: Session, demand: Demand, *, actor: str, action: str, now: datetime,
                  source: str | None, reason: str | None = None) -> None:
    """The audit row of a review decision (status before and after)."""
    detail = {"reason": reason} if reason else {}
    audit.record(session, appid=demand.appid, actor=actor, action=action, entity="demand", entity_id=demand.id,
                 now=now, before={"status": DEMAND_PENDING}, after={"status": demand.status}, source=source,
                 **detail)


def _tell_owner(session: Session, demand: Demand, *, outcome: str, text: str, now: datetime) -> None:
    """Queue the review outcome for the demand's owner (once), when the demand came from chat."""
    if demand.openid:
        notify(session, appid=demand.appid, openid=demand.openid, kind="demand_review",
               key=f"review:{demand.id}:{outcome}", text=text, now=now)


def user_demands(session: Session, *, appid: str, openid: str) -> list[Demand]:
    """The user's demands, newest first."""
    query = select(Demand).where(Demand.appid == appid, Demand.openid == openid)
    return list(session.scalars(query.order_by(Demand.created_at.desc(), Demand.id.desc())))


def list_demands(session: Session, *, appid: str, status: str | None = None) -> list[Demand]:
    """The account's demands, oldest first, optionally in one review status."""
    query = select(Demand).where(Demand.appid == appid).order_by(Demand.created_at, Demand.id)
    if status:
        query = query.where(Demand.status == status)
    return list(session.scalars(query))
