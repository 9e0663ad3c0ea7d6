"""Demand review, match creation and alerts, and the match lifecycle (both sides must agree).

Lifecycle: recommended → interested (one side) → agreed (both) → contact_released → negotiating →
signed | declined | expired. Contact details are released only when both sides said 感兴趣.
The console will call these same functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.notify import notify
from bot.store.engine import Database
from bot.store.models import (
    DEMAND_CLOSED,
    DEMAND_PENDING,
    DEMAND_PUBLISHED,
    MATCHABLE_DEMAND_STATUSES,
    Achievement,
    AuditLog,
    Demand,
    Interest,
    Match,
)

DECLINE_REASONS = ("阶段不符", "领域不符", "预算不符", "已有方案", "其他")
FINAL_STATES = ("signed", "declined", "expired")
LIAISON_STATES = ("negotiating", "signed", "declined", "expired")
STATE_LABELS = {
    "recommended": "已推荐",
    "interested": "一方有意向",
    "agreed": "双方有意向",
    "contact_released": "已交换联系方式",
    "negotiating": "洽谈中",
    "signed": "已签约",
    "declined": "已婉拒",
    "expired": "已过期",
}


class MatchFlowError(ValueError):
    """A request that the current state does not allow; the message is user-facing Chinese."""


@dataclass
class ReviewResult:
    """Outcome of publishing a demand: how many matches were recorded and alerts queued."""

    demand_id: str
    status: str
    matches: int = 0
    alerts: int = 0


def audit(session: Session, *, actor: str, action: str, entity: str, entity_id: str, **detail: Any) -> None:
    """Append an audit row."""
    session.add(AuditLog(actor=actor, action=action, entity=entity, entity_id=entity_id, detail=detail))


def record_state(match: Match, state: str, now: datetime, **extra: Any) -> None:
    """Move ``match`` to ``state`` and remember when."""
    match.state = state
    match.history = [*match.history, {"state": state, "at": now.isoformat(), **extra}]


def approve_demand(db: Database, matcher: Any, *, demand_id: str, actor: str, now: datetime) -> ReviewResult:
    """Publish a pending demand, tell its owner, then record matches and alert the other side."""
    with db.session() as session:
        demand = _pending(session, demand_id)
        demand.status, demand.published_at = DEMAND_PUBLISHED, now
        audit(session, actor=actor, action="demand.approve", entity="demand", entity_id=demand_id)
        if demand.openid:
            notify(session, appid=demand.appid, openid=demand.openid, kind="demand_review",
                   key=f"review:{demand_id}:published",
                   text=f"您提交的需求 {demand_id}「{demand.title}」已审核发布，我们会为您匹配相关成果和专家。")
    result = publish_matches(db, matcher, demand_id=demand_id, now=now)
    result.status = DEMAND_PUBLISHED
    return result


def reject_demand(db: Database, *, demand_id: str, reason: str, actor: str, now: datetime) -> ReviewResult:
    """Close a pending demand with a reason and tell its owner."""
    if not reason.strip():
        raise MatchFlowError("请填写退回原因")
    with db.session() as session:
        demand = _pending(session, demand_id)
        demand.status, demand.review_note = DEMAND_CLOSED, reason.strip()
        audit(session, actor=actor, action="demand.reject", entity="demand", entity_id=demand_id, reason=reason)
        if demand.openid:
            notify(session, appid=demand.appid, openid=demand.openid, kind="demand_review",
                   key=f"review:{demand_id}:rejected",
                   text=f"您提交的需求 {demand_id}「{demand.title}」暂未通过审核：{reason.strip()}。"
                        "如有疑问可回复“转人工”联系科创联络员。")
    return ReviewResult(demand_id, DEMAND_CLOSED)


def _pending(session: Session, demand_id: str) -> Demand:
    """The demand, which must still be waiting for review."""
    demand = session.get(Demand, demand_id)
    if demand is None:
        raise MatchFlowError(f"没有编号为 {demand_id} 的需求")
    if demand.status != DEMAND_PENDING:
        raise MatchFlowError(f"需求 {demand_id} 当前状态为“{demand.status}”，不是待审核")
    return demand


def publish_matches(db: Database, matcher: Any, *, demand_id: str, now: datetime, top: int = 5) -> ReviewResult:
    """Index a published demand, store its best matches and alert both sides of each, plus followers."""
    with db.session() as session:
        demand = session.get(Demand, demand_id)
        if demand is None or demand.status not in MATCHABLE_DEMAND_STATUSES:
            raise MatchFlowError(f"需求 {demand_id} 尚未发布")
        matcher.index_demands([demand])
        found = matcher.match_demand(demand, top=top)
        demand.matched_at = now
        result = ReviewResult(demand_id, demand.status, matches=len(found))
        for hit in found:
            match = _upsert_match(session, demand, hit, now)
            result.alerts += _alert_achievement_owner(session, match, demand)
            achievement = session.get(Achievement, hit.id)
            if achievement is not None:
                result.alerts += _alert_demand_owner(session, match, achievement)
        result.alerts += _alert_followers(session, demand)
    return result


def _upsert_match(session: Session, demand: Demand, hit: Any, now: datetime) -> Match:
    """The Match row for (demand, achievement), created as recommended when new."""
    match = session.scalars(
        select(Match).where(Match.demand_id == demand.id, Match.achievement_id == hit.id)
    ).one_or_none()
    if match is None:
        match = Match(appid=demand.appid, demand_id=demand.id, achievement_id=hit.id, score=hit.score,
                      reasons=list(hit.reasons), state="recommended", history=[])
        record_state(match, "recommended", now)
        session.add(match)
        session.flush()
    return match


def _alert_achievement_owner(session: Session, match: Match, demand: Demand) -> int:
    """Queue one alert about a new demand to the owner of the matched achievement (never twice)."""
    achievement = session.get(Achievement, match.achievement_id)
    if achievement is None or not achievement.owner_openid:
        return 0
    text = (f"有一条新需求与您的成果「{achievement.title}」可能匹配：\n{demand.id}「{demand.title}」"
            f"（{demand.industry}，{demand.region}，预算{demand.budget}）\n理由：{'；'.join(match.reasons[:3])}\n"
            f"回复“感兴趣 {demand.id}”或“不合适 {demand.id} 原因”。")
    return _queue_alert(session, match, achievement.owner_openid, "achievement", text)


def _queue_alert(session: Session, match: Match, openid: str, side: str, text: str) -> int:
    """Queue the alert for one side of ``match``; the key makes it once per match and side."""
    return int(notify(session, appid=match.appid, openid=openid, kind="match_alert",
                      key=f"alert:{match.id}:{side}", text=text))


def _alert_followers(session: Session, demand: Demand) -> int:
    """Queue one alert to each researcher whose interests (industry or keyword) fit the demand."""
    interests = session.scalars(select(Interest).where(Interest.kind == "match", Interest.appid == demand.appid))
    text_blob = f"{demand.title}{demand.description}"
    sent = 0
    for interest in interests:
        if interest.openid == demand.openid or not _interest_fits(interest, demand.industry, text_blob):
            continue
        sent += int(notify(
            session, appid=demand.appid, openid=interest.openid, kind="match_alert",
            key=f"interest:{interest.openid}:{demand.id}",
            text=f"您关注的领域有新需求：{demand.id}「{demand.title}」（{demand.industry}，{demand.region}）。"
                 f"回复“感兴趣 {demand.id}”表示有意向。",
        ))
    return sent


def _interest_fits(interest: Interest, industry: str, text: str) -> bool:
    """An interest fits when its industry matches or one of its keywords appears."""
    if interest.industry and interest.industry == industry:
        return True
    return any(k and k in text for k in interest.keywords)


def alert_for_achievement(db: Database, matcher: Any, *, achievement_id: str, now: datetime, top: int = 5) -> int:
    """A new achievement: store matches with published demands and alert their owners (enterprises)."""
    with db.session() as session:
        achievement = session.get(Achievement, achievement_id)
        if achievement is None:
            raise MatchFlowError(f"没有编号为 {achievement_id} 的成果")
        matcher.index_achievements([achievement])
        achievement.matched_at = now
        alerts = 0
        for hit in matcher.match_achievement(achievement, top=top):
            demand = session.get(Demand, hit.id)
            if demand is None or demand.status not in MATCHABLE_DEMAND_STATUSES:
                continue
            match = _upsert_match(session, demand, _Hit(achievement.id, hit.score, hit.reasons), now)
            alerts += _alert_demand_owner(session, match, achievement)
    return alerts


@dataclass
class _Hit:
    """A match hit seen from the demand's side."""

    id: str
    score: float
    reasons: list[str]


def _alert_demand_owner(session: Session, match: Match, achievement: Achievement) -> int:
    """Queue one alert about a matching achievement to the demand's owner (never twice)."""
    demand = session.get(Demand, match.demand_id)
    if demand is None or not demand.openid:
        return 0
    text = (f"有一项科技成果可能解决您的需求 {demand.id}「{demand.title}」：\n{achievement.id}「{achievement.title}」"
            f"（{achievement.institution}，{achievement.maturity}）\n理由：{'；'.join(match.reasons[:3])}\n"
            f"回复“感兴趣 {achievement.id}”或“不合适 {achievement.id} 原因”。")
    return _queue_alert(session, match, demand.openid, "demand", text)


def digest(db: Database, *, now: datetime) -> int:
    """Catch-up: queue alerts for every live match whose sides were not alerted yet (idempotent)."""
    queued = 0
    with db.session() as session:
        for match in session.scalars(select(Match).where(Match.state.not_in(FINAL_STATES))):
            demand = session.get(Demand, match.demand_id)
            achievement = session.get(Achievement, match.achievement_id)
            if demand is None or achievement is None:
                continue
            queued += _alert_achievement_owner(session, match, demand)
            queued += _alert_demand_owner(session, match, achievement)
    return queued


def match_new_records(db: Database, matcher: Any, *, now: datetime) -> dict[str, int]:
    """Run matching for published demands and owned achievements not matched yet (chat submissions)."""
    with db.session() as session:
        demand_ids = list(session.scalars(select(Demand.id).where(
            Demand.status == DEMAND_PUBLISHED, Demand.matched_at.is_(None))))
        achievement_ids = list(session.scalars(select(Achievement.id).where(
            Achievement.owner_openid.is_not(None), Achievement.matched_at.is_(None))))
    alerts = sum(publish_matches(db, matcher, demand_id=d, now=now).alerts for d in demand_ids)
    alerts += sum(alert_for_achievement(db, matcher, achievement_id=a, now=now) for a in achievement_ids)
    return {"demands": len(demand_ids), "achievements": len(achievement_ids), "alerts": alerts}
