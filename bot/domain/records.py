"""What the console needs of the 问题库 and 项目库 alike: filtered listing in the caller's scope, one record in
scope, and audited field edits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, or_, select
from sqlalchemy.orm import Session

from bot.domain import audit
from bot.domain.errors import Invalid, NotFound
from bot.domain.scope import EVERYWHERE, Scope
from bot.store.models import DEMAND_PENDING, Achievement, Demand
from knowledge.vocab import INDUSTRIES, MATURITIES, NEED_TYPES

DEMAND_EDITABLE = ("title", "description", "company", "industry", "need_type", "region", "budget", "contact_name",
                   "contact_phone")
ACHIEVEMENT_EDITABLE = ("title", "summary", "field", "institution", "maturity", "ip", "keywords", "region",
                        "contact_name", "contact_phone")
VOCABULARIES: dict[str, tuple[str, ...]] = {"industry": INDUSTRIES, "need_type": NEED_TYPES, "field": INDUSTRIES,
                                            "maturity": MATURITIES}
REQUIRED = {"title", "description", "summary", "company", "institution", "industry", "need_type", "field",
            "maturity", "region", "budget"}
Record = Demand | Achievement
_WAN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:[-~－至到]\s*(\d+(?:\.\d+)?))?\s*万元?\s*$")


@dataclass(frozen=True)
class RecordQuery:
    """Filters of a list: status, industry, region (prefix), creation dates (inclusive), free text."""

    status: str | None = None
    industry: str | None = None
    region: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    text: str = ""


def find_demands(session: Session, *, appid: str, query: RecordQuery, scope: Scope = EVERYWHERE,
                 limit: int = 1000) -> list[Demand]:
    """The account's demands in scope matching ``query``: 待审核 first, then newest first."""
    stmt = _filtered(select(Demand), Demand, Demand.industry, appid, query, scope,
                     (Demand.id, Demand.title, Demand.description, Demand.company))
    pending_first = case((Demand.status == DEMAND_PENDING, 0), else_=1)
    return list(session.scalars(stmt.order_by(pending_first, Demand.created_at.desc(), Demand.id.desc()).limit(limit)))


def find_achievements(session: Session, *, appid: str, query: RecordQuery, scope: Scope = EVERYWHERE,
                      limit: int = 1000) -> list[Achievement]:
    """The account's achievements in scope matching ``query``, newest first."""
    stmt = _filtered(select(Achievement), Achievement, Achievement.field, appid, query, scope,
                     (Achievement.id, Achievement.title, Achievement.summary, Achievement.institution))
    return list(session.scalars(stmt.order_by(Achievement.created_at.desc(), Achievement.id.desc()).limit(limit)))


def _filtered(stmt: Select[Any], model: Any, industry: Any, appid: str, query: RecordQuery, scope: Scope,
              searched: tuple[Any, ...]) -> Select[Any]:
    """``stmt`` narrowed to the account, the scope and each filter that is set."""
    stmt = stmt.where(model.appid == appid, scope.clause(model.region))
    if query.status:
        stmt = stmt.where(model.status == query.status)
    if query.industry:
        stmt = stmt.where(industry == query.industry)
    if query.region:
        stmt = stmt.where(model.region.startswith(query.region, autoescape=True))
    if query.since:
        stmt = stmt.where(model.created_at >= query.since)
    if query.until:
        stmt = stmt.where(model.created_at <= query.until)
    for word in query.text.split():
        stmt = stmt.where(or_(*(column.contains(word, autoescape=True) for column in searched)))
    return stmt


def get_demand(session: Session, *, appid: str, demand_id: str, scope: Scope = EVERYWHERE) -> Demand:
    """One demand of the account inside the caller's scope (NotFound otherwise, as if it did not exist)."""
    return _get(session, Demand, "demand", appid, demand_id, scope)


def get_achievement(session: Session, *, appid: str, achievement_id: str, scope: Scope = EVERYWHERE) -> Achievement:
    """One achievement of the account inside the caller's scope (NotFound otherwise)."""
    return _get(session, Achievement, "achievement", appid, achievement_id, scope)


def _get(session: Session, model: Any, entity: str, appid: str, record_id: str, scope: Scope) -> Any:
    """The record ``record_id`` of ``model`` in the account and the scope, or NotFound."""
    row = session.get(model, record_id.strip().upper())
    if row is None or row.appid != appid:
        raise NotFound("no such record", entity=entity, id=record_id)
    scope.check(row.region, entity=entity, id=record_id)
    return row


def edit_record(session: Session, *, record: Record, changes: dict[str, Any], actor: str, now: datetime,
                scope: Scope = EVERYWHERE, source: str | None = None) -> dict[str, Any]:
    """Apply field changes to a demand or achievement, audited with the values before and after.

    Returns the changed fields' new values (empty when nothing changed)."""
    entity = "demand" if isinstance(record, Demand) else "achievement"
    editable = DEMAND_EDITABLE if entity == "demand" else ACHIEVEMENT_EDITABLE
    before, after = {}, {}
    for name, raw in changes.items():
        if name not in editable:
            raise Invalid("field not editable", field=name)
        value = _clean(name, raw, scope)
        if value != getattr(record, name):
            before[name], after[name] = getattr(record, name), value
    for name, value in after.items():
        setattr(record, name, value)
    if after:
        if "budget" in after:
            record.budget_low_wan, record.budget_high_wan = budget_range(after["budget"])  # type: ignore[union-attr]
        record.updated_at = now
        audit.record(session, appid=record.appid, actor=actor, action=f"{entity}.edit", entity=entity,
                     entity_id=record.id, now=now, before=before, after=after, source=source)
    return after


def _clean(name: str, raw: Any, scope: Scope) -> Any:
    """One submitted value checked against the field's rules (vocabulary, required, the editor's region)."""
    if name == "keywords":
        words = raw if isinstance(raw, list) else str(raw).replace("，", "、").replace(",", "、").split("、")
        return [w.strip() for w in words if w.strip()]
    value = str(raw).strip()
    if name in REQUIRED and not value:
        raise Invalid("required", field=name)
    allowed = VOCABULARIES.get(name)
    if allowed and value not in allowed:
        raise Invalid("not in the vocabulary", field=name, allowed=allowed)
    if name == "region" and not scope.allows(value):
        raise Invalid("outside the editor's region", field=name, region=scope.region)
    return value or None


def budget_range(budget: str) -> tuple[float | None, float | None]:
    """The 万元 range of a canonical budget ("80万元", "50-80万元"); (None, None) for 面议."""
    found = _WAN.match(budget)
    if not found:
        return None, None
    low = float(found.group(1))
    return low, float(found.group(2)) if found.group(2) else low

