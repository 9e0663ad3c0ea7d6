"""Reviewing the matcher's recommendations into match records, and alerting each side of them.

A published demand (or a newly registered achievement) is matched; each listed pair with a score of at least
``RECORD_FLOOR`` (confidence 中 or 高) becomes one ``Match`` row (``recommended``), but only the ``alertable`` ones (the
matcher's calibrated alert model, stricter than the list; the decision is kept in the row's history) are pushed to
their owners. Alerts go through the outbox with idempotency keys, so no match is ever alerted twice,
and each researcher hears about a demand at most once: as the owner of a matched achievement or, failing
that, as a follower of its topics. The lifecycle after that is in ``lifecycle``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.achievements import interested_researchers
from bot.domain.errors import NotAllowed, NotFound
from bot.domain.matches import Hit, Matching
from bot.domain.matches.index import follow
from bot.domain.matches.lifecycle import FINAL_STATES, record_state
from bot.domain.notify import notify
from bot.store.models import DEMAND_PUBLISHED, MATCHABLE_DEMAND_STATUSES, Achievement, Demand, Match, Outbox
from bot.texts import matches as txt
from knowledge.matching.scoring import ALERT_CUT, ALERT_TOP, CONFIDENCE_MID

TOP = ALERT_TOP  # the candidates recorded per run; only they can be alerted (scoring.alertable)
# The matcher's list has no global cut: a Match row is recorded for candidates of confidence 中 or 高 (score ≥
# CONFIDENCE_MID, relevant with probability ≥ 0.25 on the dev data, or alertable); alerts use ``Hit.alertable``.
RECORD_FLOOR = CONFIDENCE_MID


def _recorded(hits: Sequence[Hit]) -> list[Hit]:
    """The listed hits worth a Match row."""
    return [h for h in hits if h.score >= RECORD_FLOOR or h.alertable]


def alert_decided(match: Match) -> bool:
    """Whether the matcher judged a recorded match alertable (kept in its history; rows recorded before the alert
    model fall back to the score cut ALERT_CUT)."""
    first: dict[str, Any] = next((h for h in match.history if h.get("state") == "recommended"), {})
    return bool(first["alert"]) if "alert" in first else match.score >= ALERT_CUT


class NotPublished(NotAllowed):
    """The demand is not published (yet), so it is not matched or alerted."""

    code = "not_published"


@dataclass(frozen=True)
class MatchRun:
    """Matches recorded for one demand or achievement, and alerts queued."""

    matches: int
    alerts: int


def publish_matches(session: Session, *, matcher: Matching, demand_id: str, appid: str, now: datetime,
                    top: int = TOP) -> MatchRun:
    """Index a published demand, store its best matches and alert both sides of each, plus followers."""
    demand = session.get(Demand, demand_id)
    if demand is None or demand.appid != appid:
        raise NotFound("no such demand", entity="demand", id=demand_id)
    if demand.status not in MATCHABLE_DEMAND_STATUSES:
        raise NotPublished("demand not published", entity="demand", id=demand_id, status=demand.status)
    matcher.index_demands([demand], journal=follow(session, matcher=matcher))
    hits = _recorded(_in_account(session, Achievement, matcher.match_demand(demand, top=top), appid))
    demand.matched_at = now
    alerts = 0
    for hit in hits:
        match = _upsert_match(session, demand=demand, achievement_id=hit.id, hit=hit, now=now)
        if hit.alertable:
            alerts += _alert_achievement_owner(session, match, demand, now)
            alerts += _alert_demand_owner(session, match, demand, now)
    return MatchRun(len(hits), alerts + _alert_followers(session, demand, now))


def alert_for_achievement(session: Session, *, matcher: Matching, achievement_id: str, appid: str, now: datetime,
                          top: int = TOP) -> MatchRun:
    """A new achievement: store matches with published demands and alert their owners (enterprises)."""
    achievement = _achievement(session, achievement_id, appid)
    matcher.index_achievements([achievement], journal=follow(session, matcher=matcher))
    achievement.matched_at = now
    matches = alerts = 0
    for hit in _recorded(_in_account(session, Demand, matcher.match_achievement(achievement, top=top), appid)):
        demand = session.get(Demand, hit.id)
        if demand is None or demand.status not in MATCHABLE_DEMAND_STATUSES:
            continue
        match = _upsert_match(session, demand=demand, achievement_id=achievement.id, hit=hit, now=now)
        sent = _alert_demand_owner(session, match, demand, now) if hit.alertable else 0
        matches, alerts = matches + 1, alerts + sent
    return MatchRun(matches, alerts)


def digest(session: Session, *, appid: str, now: datetime) -> int:
    """Catch-up: queue alerts for every live alertable match whose sides were not alerted yet (idempotent)."""
    queued = 0
    for match in session.scalars(select(Match).where(Match.appid == appid, Match.state.not_in(FINAL_STATES))):
        demand = session.get(Demand, match.demand_id)
        if demand is None or demand.appid != appid or not alert_decided(match):
            continue
        queued += _alert_achievement_owner(session, match, demand, now)
        queued += _alert_demand_owner(session, match, demand, now)
    return queued


def match_new_records(session: Session, *, matcher: Matching, appid: str, now: datetime) -> dict[str, int]:
    """Run matching for published demands and owned achievements not matched yet (chat submissions)."""
    demand_ids = list(session.scalars(select(Demand.id).where(
        Demand.appid == appid, Demand.status == DEMAND_PUBLISHED, Demand.matched_at.is_(None))))
    achievement_ids = list(session.scalars(select(Achievement.id).where(
        Achievement.appid == appid, Achievement.owner_openid.is_not(None), Achievement.matched_at.is_(None))))
    alerts = sum(publish_matches(session, matcher=matcher, demand_id=d, appid=appid, now=now).alerts
                 for d in demand_ids)
    alerts += sum(alert_for_achievement(session, matcher=matcher, achievement_id=a, appid=appid, now=now).alerts
                  for a in achievement_ids)
    return {"demands": len(demand_ids), "achievements": len(achievement_ids), "alerts": alerts}


def rank_achievements(session: Session, *, matcher: Matching, demand_id: str, appid: str,
                      top: int = 10) -> list[Hit]:
    """The account's achievements that best fit a demand, best first (nothing is stored)."""
    demand = session.get(Demand, demand_id)
    if demand is None or demand.appid != appid:
        raise NotFound("no such demand", entity="demand", id=demand_id)
    follow(session, matcher=matcher)
    return _in_account(session, Achievement, matcher.match_demand(demand, top), appid)


def rank_demands(session: Session, *, matcher: Matching, achievement_id: str, appid: str,
                 top: int = 10) -> list[Hit]:
    """The account's demands that best fit an achievement, best first (nothing is stored)."""
    achievement = _achievement(session, achievement_id, appid)
    follow(session, matcher=matcher)
    return _in_account(session, Demand, matcher.match_achievement(achievement, top), appid)


def _achievement(session: Session, achievement_id: str, appid: str) -> Achievement:
    """The achievement of the account, or NotFound."""
    achievement = session.get(Achievement, achievement_id)
    if achievement is None or achievement.appid != appid:
        raise NotFound("no such achievement", entity="achievement", id=achievement_id)
    return achievement


def _in_account(session: Session, model: type[Demand] | type[Achievement], hits: Sequence[Hit],
                appid: str) -> list[Hit]:
    """The hits whose record exists in the account ``appid`` (the matcher's index spans every account)."""
    ids = set(session.scalars(select(model.id).where(model.id.in_([h.id for h in hits]), model.appid == appid)))
    return [h for h in hits if h.id in ids]


def _upsert_match(session: Session, *, demand: Demand, achievement_id: str, hit: Hit, now: datetime) -> Match:
    """The Match row for (demand, achievement), created as recommended when new."""
    match = session.scalars(select(Match).where(
        Match.appid == demand.appid, Match.demand_id == demand.id, Match.achievement_id == achievement_id,
    )).one_or_none()
    if match is None:
        match = Match(appid=demand.appid, demand_id=demand.id, achievement_id=achievement_id, score=hit.score,
                      reasons=list(hit.reasons), state="recommended", history=[])
        record_state(match, state="recommended", now=now, alert=hit.alertable)
        session.add(match)
        session.flush()
    return match


def _owner_key(match: Match, side: str) -> str:
    """Idempotency key of the alert to one side of a match."""
    return f"alert:{match.id}:{side}"


def _follower_key(openid: str, demand: Demand) -> str:
    """Idempotency key of the alert to a follower about a demand."""
    return f"interest:{openid}:{demand.id}"


def _alerted_about(session: Session, demand: Demand, openid: str) -> bool:
    """Whether a researcher already has an alert about ``demand`` queued, as an owner or as a follower."""
    owned = session.scalars(select(Match).join(Achievement, Achievement.id == Match.achievement_id).where(
        Match.appid == demand.appid, Match.demand_id == demand.id, Achievement.owner_openid == openid))
    keys = [_follower_key(openid, demand), *(_owner_key(m, "achievement") for m in owned)]
    found = session.scalar(select(Outbox.id).where(Outbox.appid == demand.appid, Outbox.idempotency_key.in_(keys)))
    return found is not None


def _queue(session: Session, *, appid: str, openid: str, key: str, text: str, now: datetime) -> int:
    """Queue one match alert; 1 when queued now, 0 when the key was queued before."""
    return int(notify(session, appid=appid, openid=openid, kind="match_alert", key=key, text=text, now=now))


def _alert_achievement_owner(session: Session, match: Match, demand: Demand, now: datetime) -> int:
    """Alert the matched achievement's owner about the demand, unless they already heard of it."""
    achievement = session.get(Achievement, match.achievement_id)
    owner = achievement.owner_openid if achievement is not None else None
    if achievement is None or not owner or _alerted_about(session, demand, owner):
        return 0
    text = txt.achievement_owner_alert(demand=demand, achievement=achievement, reasons=match.reasons)
    return _queue(session, appid=match.appid, openid=owner, key=_owner_key(match, "achievement"), text=text, now=now)


def _alert_demand_owner(session: Session, match: Match, demand: Demand, now: datetime) -> int:
    """Alert the demand's owner about the matched achievement (once per match)."""
    achievement = session.get(Achievement, match.achievement_id)
    if achievement is None or not demand.openid:
        return 0
    text = txt.demand_owner_alert(demand=demand, achievement=achievement, reasons=match.reasons)
    return _queue(session, appid=match.appid, openid=demand.openid, key=_owner_key(match, "demand"), text=text,
                  now=now)


def _alert_followers(session: Session, demand: Demand, now: datetime) -> int:
    """Alert each researcher whose interests fit the demand and who has not heard of it yet."""
    sent = 0
    for openid in interested_researchers(session, demand=demand):
        if openid != demand.openid and not _alerted_about(session, demand, openid):
            sent += _queue(session, appid=demand.appid, openid=openid, key=_follower_key(openid, demand),
                           text=txt.follower_alert(demand), now=now)
    return sent
