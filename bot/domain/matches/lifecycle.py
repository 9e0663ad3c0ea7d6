"""The match lifecycle as seen by each side: 感兴趣 / 不合适, contact release, liaison updates, 我的匹配."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.domain.matches.review import (
    DECLINE_REASONS,
    FINAL_STATES,
    LIAISON_STATES,
    STATE_LABELS,
    MatchFlowError,
    audit,
    record_state,
)
from bot.domain.notify import notify
from bot.store.engine import Database
from bot.store.models import DEMAND_MATCHED, Achievement, Demand, Match


@dataclass
class MatchView:
    """One match as listed to a user."""

    match_id: int
    demand_id: str
    achievement_id: str
    title: str
    state: str
    label: str
    my_side: str


def _my_side(session: Session, match: Match, appid: str, openid: str) -> str | None:
    """Which side of ``match`` the user is on: 'demand', 'achievement' or None."""
    demand = session.get(Demand, match.demand_id)
    if demand is not None and demand.openid == openid and demand.appid == appid:
        return "demand"
    achievement = session.get(Achievement, match.achievement_id)
    if achievement is not None and achievement.owner_openid == openid:
        return "achievement"
    return None


def find_user_match(session: Session, *, appid: str, openid: str, other_id: str) -> tuple[Match, str]:
    """The user's live match with the record ``other_id`` (a D… or A… id) and the user's side."""
    column = Match.demand_id if other_id.upper().startswith("D") else Match.achievement_id
    for match in session.scalars(select(Match).where(column == other_id.upper(), Match.appid == appid)):
        side = _my_side(session, match, appid, openid)
        if side is not None and (side == "demand") != (column is Match.demand_id):
            return match, side
    raise MatchFlowError(f"没有找到您与 {other_id.upper()} 的匹配记录，回复“我的匹配”查看全部。")


def respond(db: Database, *, appid: str, openid: str, other_id: str, interested: bool,
            reason: str = "", now: datetime) -> str:
    """Record 感兴趣/不合适 from one side; release contacts when both sides are interested. Returns a reply."""
    with db.session() as session:
        match, side = find_user_match(session, appid=appid, openid=openid, other_id=other_id)
        if match.state in FINAL_STATES:
            raise MatchFlowError(f"这条匹配已{STATE_LABELS[match.state]}，无需再操作。")
        if not interested:
            return _decline(session, match, side, reason, now)
        setattr(match, f"{side}_side", "interested")
        audit(session, actor=openid, action="match.interested", entity="match", entity_id=str(match.id), side=side)
        if match.demand_side == "interested" and match.achievement_side == "interested":
            _release_contacts(session, match, now)
            return "对方也有意向！双方联系方式已发给您，请留意消息。"
        record_state(match, "interested", now, side=side)
        return "已记录您的意向。对方确认后，我们会把双方联系方式发给您。"


def _decline(session: Session, match: Match, side: str, reason: str, now: datetime) -> str:
    """Close the match as declined with a reason code (the other side's contact is never shown)."""
    code = next((r for r in DECLINE_REASONS if r in reason), "其他")
    setattr(match, f"{side}_side", "declined")
    match.decline_reason = f"{code}：{reason}".rstrip("：") if reason and reason != code else code
    record_state(match, "declined", now, side=side, reason=code)
    audit(session, actor=side, action="match.declined", entity="match", entity_id=str(match.id), reason=code)
    return f"好的，已标记为不合适（{code}）。我们会继续为您推荐更合适的对象。"


def _release_contacts(session: Session, match: Match, now: datetime) -> None:
    """Both sides agreed: send each side the other's contact details, once."""
    demand = session.get(Demand, match.demand_id)
    achievement = session.get(Achievement, match.achievement_id)
    assert demand is not None and achievement is not None
    record_state(match, "agreed", now)
    if demand.openid:
        notify(session, appid=match.appid, openid=demand.openid, kind="contact_release",
               key=f"contact:{match.id}:demand",
               text=f"「{achievement.title}」的联系人：{achievement.contact_name or '未留姓名'}，"
                    f"{achievement.contact_phone or '未留电话'}（{achievement.institution}）。祝洽谈顺利！")
    if achievement.owner_openid:
        notify(session, appid=match.appid, openid=achievement.owner_openid, kind="contact_release",
               key=f"contact:{match.id}:achievement",
               text=f"需求「{demand.title}」的联系人：{demand.contact_name or '未留姓名'}，"
                    f"{demand.contact_phone or '未留电话'}（{demand.company}）。祝洽谈顺利！")
    record_state(match, "contact_released", now)
    demand.status = DEMAND_MATCHED


def set_state(db: Database, *, match_id: int, state: str, actor: str, now: datetime, note: str = "") -> Match:
    """Liaison update: negotiating, signed, declined or expired."""
    if state not in LIAISON_STATES:
        raise MatchFlowError(f"状态只能是：{'、'.join(LIAISON_STATES)}")
    with db.session() as session:
        match = session.get(Match, match_id)
        if match is None:
            raise MatchFlowError(f"没有编号为 {match_id} 的匹配")
        if match.state in FINAL_STATES:
            raise MatchFlowError(f"匹配 {match_id} 已{STATE_LABELS[match.state]}")
        record_state(match, state, now, actor=actor, note=note)
        audit(session, actor=actor, action=f"match.{state}", entity="match", entity_id=str(match_id), note=note)
        return match


def my_matches(db: Database, *, appid: str, openid: str) -> list[MatchView]:
    """Every match involving the user's demands or achievements, newest first."""
    with db.session() as session:
        demand_ids = select(Demand.id).where(Demand.openid == openid, Demand.appid == appid)
        achievement_ids = select(Achievement.id).where(Achievement.owner_openid == openid)
        rows = session.scalars(
            select(Match)
            .where(Match.appid == appid)
            .where(or_(Match.demand_id.in_(demand_ids), Match.achievement_id.in_(achievement_ids)))
            .order_by(Match.updated_at.desc())
        ).all()
        return [_view(session, m, appid, openid) for m in rows]


def _view(session: Session, match: Match, appid: str, openid: str) -> MatchView:
    """Present one match from the user's side (the other record's title)."""
    side = _my_side(session, match, appid, openid) or "demand"
    other = session.get(Achievement, match.achievement_id) if side == "demand" else session.get(Demand, match.demand_id)
    return MatchView(match.id, match.demand_id, match.achievement_id, other.title if other else "",
                     match.state, STATE_LABELS.get(match.state, match.state), side)
