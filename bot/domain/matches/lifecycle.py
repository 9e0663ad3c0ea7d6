"""The match lifecycle as seen by each side: 感兴趣 / 不合适, contact release, liaison updates, 我的匹配.

recommended → interested (one side) → agreed (both) → contact_released → negotiating → signed | declined |
expired. Contact details are released only when both sides said 感兴趣.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, bindparam, or_, select
from sqlalchemy.orm import Session

from bot.domain import audit
from bot.domain.errors import Closed, Invalid, NotFound
from bot.domain.notify import notify
from bot.store.models import DEMAND_MATCHED, Achievement, Demand, Match
from bot.store.sql import core
from bot.texts import matches as txt

DECLINE_REASONS = ("阶段不符", "领域不符", "预算不符", "已有方案", "其他")  # stored reason codes
OTHER_REASON = "其他"
FINAL_STATES = ("signed", "declined", "expired")
LIAISON_STATES = ("negotiating", "signed", "declined", "expired")
WAITING, RELEASED, DECLINED = "waiting", "released", "declined"  # outcomes of an answer


class NoMatchWith(NotFound):
    """The user has no match with the record they named (or is on neither side of it)."""

    code = "no_user_match"


@dataclass(frozen=True)
class MatchAnswer:
    """Outcome of 感兴趣 / 不合适: waiting for the other side, contacts released, or declined."""

    match_id: int
    side: str  # demand | achievement
    outcome: str  # waiting | released | declined
    reason_code: str | None = None


@dataclass(frozen=True)
class MatchView:
    """One match as listed to a user: the other record's title, the state and the score."""

    match_id: int
    demand_id: str
    achievement_id: str
    title: str
    state: str
    score: float
    my_side: str

    @property
    def other_id(self) -> str:
        """The id of the record on the other side."""
        return self.achievement_id if self.my_side == "demand" else self.demand_id


def record_state(match: Match, *, state: str, now: datetime, **extra: Any) -> None:
    """Move ``match`` to ``state`` and remember when."""
    match.state = state
    match.history = [*match.history, {"state": state, "at": now.isoformat(), **extra}]


def _records(session: Session, match: Match) -> tuple[Demand | None, Achievement | None]:
    """The demand and the achievement of ``match``, when they belong to the match's account."""
    demand, achievement = session.get(Demand, match.demand_id), session.get(Achievement, match.achievement_id)
    return (demand if demand and demand.appid == match.appid else None,
            achievement if achievement and achievement.appid == match.appid else None)


def _my_side(session: Session, match: Match, openid: str) -> str | None:
    """Which side of ``match`` the user is on: 'demand', 'achievement' or None."""
    demand, achievement = _records(session, match)
    if demand is not None and demand.openid == openid:
        return "demand"
    if achievement is not None and achievement.owner_openid == openid:
        return "achievement"
    return None


def find_user_match(session: Session, *, appid: str, openid: str, other_id: str) -> tuple[Match, str]:
    """The user's match with the record ``other_id`` (a D… or A… id) and the user's side."""
    other = other_id.upper()
    column = Match.demand_id if other.startswith("D") else Match.achievement_id
    for match in session.scalars(select(Match).where(column == other, Match.appid == appid)):
        side = _my_side(session, match, openid)
        if side is not None and (side == "demand") != (column is Match.demand_id):
            return match, side
    raise NoMatchWith("no match of the user with this record", other_id=other)


def respond(session: Session, *, appid: str, openid: str, other_id: str, interested: bool, now: datetime,
            reason: str = "") -> MatchAnswer:
    """Record 感兴趣/不合适 from one side; release contacts when both sides are interested."""
    match, side = find_user_match(session, appid=appid, openid=openid, other_id=other_id)
    if match.state in FINAL_STATES:
        raise Closed("the match is final", entity="match", id=match.id, state=match.state)
    if not interested:
        return _decline(session, match, side=side, openid=openid, reason=reason, now=now)
    return _interested(session, match, side=side, openid=openid, now=now)


def _interested(session: Session, match: Match, *, side: str, openid: str, now: datetime) -> MatchAnswer:
    """One side said 感兴趣: wait for the other, or release contacts when both did."""
    setattr(match, f"{side}_side", "interested")
    audit.record(session, appid=match.appid, actor=openid, action="match.interested", entity="match",
                 entity_id=str(match.id), now=now, source="chat", side=side)
    if match.demand_side == "interested" and match.achievement_side == "interested":
        _release_contacts(session, match, now)
        return MatchAnswer(match.id, side, RELEASED)
    record_state(match, state="interested", now=now, side=side)
    return MatchAnswer(match.id, side, WAITING)


def _decline(session: Session, match: Match, *, side: str, openid: str, reason: str, now: datetime) -> MatchAnswer:
    """Close the match as declined with a reason code (the other side's contact is never shown)."""
    code = next((r for r in DECLINE_REASONS if r in reason), OTHER_REASON)
    setattr(match, f"{side}_side", "declined")
    match.decline_reason = f"{code}：{reason}".rstrip("：") if reason and reason != code else code
    record_state(match, state="declined", now=now, side=side, reason=code)
    audit.record(session, appid=match.appid, actor=openid, action="match.declined", entity="match",
                 entity_id=str(match.id), now=now, source="chat", side=side, reason=code)
    return MatchAnswer(match.id, side, DECLINED, code)


def _release_contacts(session: Session, match: Match, now: datetime) -> None:
    """Both sides agreed: send each side the other's contact details, once."""
    demand, achievement = _records(session, match)
    assert demand is not None and achievement is not None
    record_state(match, state="agreed", now=now)
    if demand.openid:
        notify(session, appid=match.appid, openid=demand.openid, kind="contact_release",
               key=f"contact:{match.id}:demand", text=txt.contact_for_demand_owner(achievement), now=now)
    if achievement.owner_openid:
        notify(session, appid=match.appid, openid=achievement.owner_openid, kind="contact_release",
               key=f"contact:{match.id}:achievement", text=txt.contact_for_achievement_owner(demand), now=now)
    record_state(match, state="contact_released", now=now)
    demand.status = DEMAND_MATCHED


def set_state(session: Session, *, match_id: int, appid: str, state: str, actor: str, now: datetime,
              note: str = "", source: str | None = None) -> Match:
    """Liaison update: negotiating, signed, declined or expired."""
    if state not in LIAISON_STATES:
        raise Invalid("not a liaison state", field="state", allowed=LIAISON_STATES)
    match = session.get(Match, match_id)
    if match is None or match.appid != appid:
        raise NotFound("no such match", entity="match", id=match_id)
    if match.state in FINAL_STATES:
        raise Closed("the match is final", entity="match", id=match_id, state=match.state)
    before = match.state
    record_state(match, state=state, now=now, actor=actor, note=note)
    audit.record(session, appid=appid, actor=actor, action=f"match.{state}", entity="match", entity_id=str(match_id),
                 now=now, before={"state": before}, after={"state": state}, source=source, note=note)
    return match


def _my_matches_statement(*columns: Any) -> Any:
    """The matches (or ``columns`` of them) involving a user's demands or achievements (``appid``/``openid``
    bound), best score first."""
    appid, openid = bindparam("appid", type_=String), bindparam("openid", type_=String)
    demand_ids = select(Demand.id).where(Demand.appid == appid, Demand.openid == openid)
    achievement_ids = select(Achievement.id).where(Achievement.appid == appid, Achievement.owner_openid == openid)
    return (select(*(columns or (Match,))).where(Match.appid == appid)
            .where(or_(Match.demand_id.in_(demand_ids), Match.achievement_id.in_(achievement_ids)))
            .order_by(Match.score.desc(), Match.updated_at.desc(), Match.id.desc()))


_MY_MATCHES = _my_matches_statement()  # built once ("我的匹配" runs it on every ask)
_ANY_MATCH = _my_matches_statement(Match.id).limit(1)  # a plain Core statement: runs without the ORM's loading


def my_matches(session: Session, *, appid: str, openid: str) -> list[MatchView]:
    """Every match involving the user's demands or achievements, best score first."""
    params = {"appid": appid, "openid": openid}
    if core(session, _ANY_MATCH, params).first() is None:  # none: no ORM query and loading
        return []
    rows = session.scalars(_MY_MATCHES, params).all()
    return [_view(session, m, openid) for m in rows]


def _view(session: Session, match: Match, openid: str) -> MatchView:
    """Present one match from the user's side (the other record's title)."""
    side = _my_side(session, match, openid) or "demand"
    demand, achievement = _records(session, match)
    other = achievement if side == "demand" else demand
    return MatchView(match.id, match.demand_id, match.achievement_id, other.title if other else "",
                     match.state, match.score, side)


def list_matches(session: Session, *, appid: str, state: str | None = None) -> list[Match]:
    """The account's recorded matches in id order, optionally in one state (liaison follow-up)."""
    query = select(Match).where(Match.appid == appid).order_by(Match.id)
    if state:
        query = query.where(Match.state == state)
    return list(session.scalars(query))
