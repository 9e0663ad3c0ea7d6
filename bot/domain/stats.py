"""Figures of the console's 工作台 over a date range, inside the caller's region scope (no wording)."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import LOCAL_TZ
from bot.domain.scope import EVERYWHERE, Scope
from bot.store.models import DEMAND_STATUSES, MATCHABLE_DEMAND_STATUSES, AuditLog, Demand, Event, Match

FUNNEL = ("recommended", "interested", "contact_released", "negotiating", "signed")
ENGAGED = ("negotiating", "signed")  # a published demand counts as 对接 once a match reached one of these
CITY_ENDS = ("市", "林区", "州", "县")


@dataclass(frozen=True)
class Dashboard:
    """Every figure of the dashboard for one range (``since`` inclusive, ``until`` exclusive)."""

    since: datetime
    until: datetime
    status_counts: dict[str, int]
    by_industry: list[tuple[str, int]]
    by_region: list[tuple[str, int]]
    funnel: list[tuple[str, int]]
    published: int
    engaged: int
    review_hours: float | None  # median submission → review decision
    first_interest_hours: float | None  # median publication → first 感兴趣
    events: list[tuple[str, int, int]]  # (title, seats taken, capacity) of events starting in the range
    weekly: list[tuple[str, int, int]] = field(default_factory=list)  # (week start, demands, matches)

    @property
    def engagement_rate(self) -> float | None:
        """对接率: share of published demands with a match in 洽谈/签约."""
        return self.engaged / self.published if self.published else None

    @property
    def fill_rate(self) -> float | None:
        """Seats taken over seats offered by the events of the range."""
        capacity = sum(c for _, _, c in self.events)
        return sum(t for _, t, _ in self.events) / capacity if capacity else None


def city_of(region: str | None) -> str:
    """The city part of a region ("襄阳市高新区" → "襄阳市")."""
    text = region or "未知"
    ends = [text.find(end) + len(end) for end in CITY_ENDS if end in text]
    return text[: min(ends)] if ends else text


def reached(match: Match) -> set[str]:
    """Every state the match has been in (its history plus its current state)."""
    return {str(h.get("state")) for h in match.history or []} | {match.state}


def dashboard(session: Session, *, appid: str, since: datetime, until: datetime,
              scope: Scope = EVERYWHERE) -> Dashboard:
    """The dashboard figures of demands submitted, matches made and events held in ``[since, until)``."""
    demands = list(session.scalars(select(Demand).where(
        Demand.appid == appid, scope.clause(Demand.region), Demand.created_at >= since, Demand.created_at < until)))
    ids = {d.id for d in demands}
    matches = [m for m in session.scalars(select(Match).where(Match.appid == appid)) if m.demand_id in ids]
    published = [d for d in demands if d.published_at is not None and d.status in MATCHABLE_DEMAND_STATUSES]
    engaged = {m.demand_id for m in matches if reached(m) & set(ENGAGED)}
    status = Counter(d.status for d in demands)
    return Dashboard(
        since, until, {s: status.get(s, 0) for s in DEMAND_STATUSES},
        Counter(d.industry for d in demands).most_common(), Counter(city_of(d.region) for d in demands).most_common(),
        [(s, sum(1 for m in matches if s in reached(m))) for s in FUNNEL],
        len(published), len(engaged & {d.id for d in published}),
        _median_hours(_review_delays(session, appid, demands)), _median_hours(_interest_delays(published, matches)),
        _events(session, appid, since, until, scope), _weekly(demands, matches, since, until))


def _review_delays(session: Session, appid: str, demands: list[Demand]) -> list[timedelta]:
    """Submission → first review decision (approve or reject) of each reviewed demand."""
    created = {d.id: d.created_at for d in demands}
    decided: dict[str, datetime] = {}
    for row in session.scalars(select(AuditLog).where(
            AuditLog.appid == appid, AuditLog.action.in_(("demand.approve", "demand.reject")))
            .order_by(AuditLog.at)):
        if row.entity_id in created and row.entity_id not in decided:
            decided[row.entity_id] = row.at
    return [decided[i] - created[i] for i in decided]


def _interest_delays(published: list[Demand], matches: list[Match]) -> list[timedelta]:
    """Publication → the first 感兴趣 from either side, per published demand that got one."""
    first: dict[str, datetime] = {}
    for match in matches:
        for entry in match.history or []:
            if entry.get("state") in ("interested", "agreed") and entry.get("at"):
                at = datetime.fromisoformat(str(entry["at"]))
                first[match.demand_id] = min(at, first.get(match.demand_id, at))
    return [first[d.id] - d.published_at for d in published if d.id in first and d.published_at]


def _median_hours(delays: list[timedelta]) -> float | None:
    """The median of ``delays`` in hours (None when there are none)."""
    return statistics.median(d.total_seconds() / 3600 for d in delays) if delays else None


def _events(session: Session, appid: str, since: datetime, until: datetime,
            scope: Scope) -> list[tuple[str, int, int]]:
    """(title, seats taken, capacity) of the events in scope starting in the range, not cancelled."""
    rows = session.scalars(select(Event).where(
        Event.appid == appid, scope.clause(Event.region), Event.start >= since, Event.start < until,
        Event.status != "cancelled").order_by(Event.start))
    return [(e.title, e.seats_taken, e.capacity) for e in rows]


def _weekly(demands: list[Demand], matches: list[Match], since: datetime,
            until: datetime) -> list[tuple[str, int, int]]:
    """Demands submitted and matches made per week (Monday, Beijing time) of the range."""
    def week(at: datetime) -> str:
        """The Monday of ``at``'s week."""
        local = at.astimezone(LOCAL_TZ).date()
        return (local - timedelta(days=local.weekday())).isoformat()

    weeks = list(dict.fromkeys(week(since + timedelta(days=n)) for n in range(max(1, (until - since).days))))
    submitted, made = Counter(week(d.created_at) for d in demands), Counter(week(m.created_at) for m in matches)
    return [(w, submitted.get(w, 0), made.get(w, 0)) for w in weeks]

