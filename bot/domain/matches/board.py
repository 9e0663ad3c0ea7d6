"""The liaison's match board: every match in the caller's scope with both sides, idle days and overdue flag,
and a liaison's state move with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.errors import Invalid, NotFound
from bot.domain.matches.lifecycle import FINAL_STATES, set_state
from bot.domain.scope import EVERYWHERE, Scope
from bot.store.models import Achievement, Demand, Match

# The board's columns, in lifecycle order.
BOARD_STATES = ("recommended", "interested", "agreed", "contact_released", "negotiating", "signed", "declined",
                "expired")


@dataclass(frozen=True)
class BoardRow:
    """One match on the board: both sides, its state and how long since it last changed."""

    match_id: int
    state: str
    score: float
    demand_id: str
    demand_title: str
    company: str
    region: str
    achievement_id: str
    achievement_title: str
    institution: str
    changed_at: datetime
    idle_days: int
    overdue: bool


def last_change(match: Match) -> datetime:
    """When the match last moved (its newest history entry, else its row update)."""
    times = [datetime.fromisoformat(str(h["at"])) for h in match.history or [] if h.get("at")]
    return max(times) if times else match.updated_at


def match_board(session: Session, *, appid: str, now: datetime, overdue_days: int, scope: Scope = EVERYWHERE,
                state: str | None = None) -> list[BoardRow]:
    """The account's matches whose demand is in scope; overdue = still open and idle ``overdue_days`` or more."""
    query = (select(Match, Demand, Achievement)
             .join(Demand, Demand.id == Match.demand_id).join(Achievement, Achievement.id == Match.achievement_id)
             .where(Match.appid == appid, scope.clause(Demand.region)).order_by(Match.id))
    if state:
        query = query.where(Match.state == state)
    rows = []
    for match, demand, achievement in session.execute(query).tuples():
        changed = last_change(match)
        idle = max(0, (now - changed).days)
        rows.append(BoardRow(match.id, match.state, match.score, demand.id, demand.title, demand.company,
                             demand.region, achievement.id, achievement.title, achievement.institution, changed, idle,
                             match.state not in FINAL_STATES and idle >= overdue_days))
    return rows


def move_match(session: Session, *, appid: str, match_id: int, state: str, reason: str, actor: str, now: datetime,
               scope: Scope = EVERYWHERE, source: str | None = None) -> Match:
    """A liaison moves a match in scope to negotiating/signed/declined/expired, giving a reason (audited)."""
    match = session.get(Match, match_id)
    demand = session.get(Demand, match.demand_id) if match is not None else None
    if match is None or demand is None or match.appid != appid:
        raise NotFound("no such match", entity="match", id=match_id)
    scope.check(demand.region, entity="match", id=str(match_id))
    if not reason.strip():
        raise Invalid("a reason is required", field="reason")
    return set_state(session, match_id=match_id, appid=appid, state=state, actor=actor, now=now,
                     note=reason.strip(), source=source)
