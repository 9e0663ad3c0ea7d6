"""Reads over one account's events and registrations: lookup, lists, fuzzy search, a user's sign-ups."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from bot.domain.events.errors import EventNotFound
from bot.domain.events.rules import ACTIVE, is_listed
from bot.domain.events.search import (
    EventMatch,
    ListFilter,
    dated,
    named_by_cues,
    parse_list_filter,
    rank_events,
    suits,
    topic_among,
)
from bot.domain.events.views import RegistrationView, snapshot, view
from bot.store.models import Event, Registration
from bot.store.sql import core
from knowledge.vocab import EVENT_CATEGORIES

STATUS_ORDER = {"confirmed": 0, "waitlisted": 1}  # then cancelled / expired


# built once ("我的报名" runs it on every ask): its cache key and compiled form are computed once per process
_MY_REGISTRATIONS = (
    select(Registration, Event).join(Event, Event.id == Registration.event_id)
    .where(Registration.appid == bindparam("appid"), Event.appid == bindparam("appid"),
           Registration.openid == bindparam("openid"), Registration.status.in_(ACTIVE), Event.end > bindparam("now"))
    .order_by(Event.start, Event.id))
# whether there is any: a plain Core statement (no expanding IN) that runs without the ORM's loading
_ANY_REGISTRATION = (
    select(Registration.id).join(Event, Event.id == Registration.event_id)
    .where(Registration.appid == bindparam("appid"), Event.appid == bindparam("appid"),
           Registration.openid == bindparam("openid"), or_(*(Registration.status == s for s in ACTIVE)),
           Event.end > bindparam("now"))
    .limit(1))


def get_event(session: Session, *, appid: str, event_id: str) -> Event | None:
    """One event of the account by id (case-insensitive)."""
    query = select(Event).where(Event.appid == appid, func.upper(Event.id) == event_id.strip().upper())
    return session.scalars(query).first()


def my_registrations(session: Session, *, appid: str, openid: str, now: datetime) -> list[RegistrationView]:
    """A user's active registrations of events that have not ended, soonest first."""
    params = {"appid": appid, "openid": openid, "now": now}
    if core(session, _ANY_REGISTRATION, params).first() is None:
        return []
    rows = session.execute(_MY_REGISTRATIONS, params)
    return [view(session, reg=reg, event=event) for reg, event in rows]


def upcoming_events(session: Session, *, appid: str, now: datetime, region: str | None = None,
                    category: str | None = None, date_range: tuple[datetime, datetime] | None = None,
                    audience: str | None = None, limit: int = 20) -> list[Event]:
    """Listed events (``rules.is_listed``: not cancelled, not started), soonest first; region/category match
    by substring, ``date_range`` is [from, to) on the start time; ``audience`` keeps the events meant for it."""
    query = select(Event).where(Event.appid == appid, Event.end > now)
    if region:
        query = query.where(Event.region.contains(region, autoescape=True))
    if category:
        query = query.where(Event.category.contains(category, autoescape=True))
    if date_range:
        query = query.where(Event.start >= date_range[0], Event.start < date_range[1])
    events = session.scalars(query.order_by(Event.start, Event.id))
    return [e for e in events if is_listed(e, now) and (audience is None or suits(e, audience))][:limit]


def find_events(session: Session, *, appid: str, text: str, now: datetime, limit: int = 5) -> list[EventMatch]:
    """Events (not ended yet) that the user's words point at, best first; an id in the text wins outright."""
    events = _not_ended(session, appid, now)
    named, cues = named_by_cues(text, events)
    if named is not None and ("title" in cues or len(cues) >= 2):
        return [EventMatch(named, 1.0)]
    on_date = dated(text, events)
    if on_date:  # '四月份二中那个讲近视的': the events of that date, best match first
        same_day = [e for e in events if e.id in on_date]
        if (topic := topic_among(text, same_day)) is not None:
            return [EventMatch(topic, 1.0)]
        return (rank_events(text, same_day) or [EventMatch(e, 0.0) for e in same_day])[:limit]
    return rank_events(text, events)[:limit]


def named_event(session: Session, *, appid: str, text: str, now: datetime) -> tuple[Event | None, frozenset[str]]:
    """The one event (not ended yet) the text names by topic, date and/or place, and the cues it was named by."""
    return named_by_cues(text, _not_ended(session, appid, now))


def _not_ended(session: Session, appid: str, now: datetime) -> list[Event]:
    """The events that have not ended, soonest first (the ones a user's words may point at)."""
    return list(session.scalars(select(Event).where(Event.appid == appid, Event.end > now)
                                .order_by(Event.start, Event.id)))


def list_filter(session: Session, *, appid: str, text: str, now: datetime) -> ListFilter:
    """Region / category / date filters in a list request ("社区的", "谷城的", "下周的")."""
    pairs = session.execute(select(Event.region, Event.category).where(Event.appid == appid).distinct()).all()
    regions = sorted({r for r, _ in pairs})
    categories = sorted({c for _, c in pairs} | set(EVENT_CATEGORIES))
    return parse_list_filter(text, now=now, regions=regions, categories=categories)


def event_registrations(session: Session, *, appid: str, event_id: str,
                        include_cancelled: bool = False) -> list[RegistrationView]:
    """Registrations of one event: confirmed, then waitlisted, then the rest; each in arrival order."""
    event = get_event(session, appid=appid, event_id=event_id)
    if event is None:
        raise EventNotFound(event_id)
    query = select(Registration).where(Registration.appid == appid, Registration.event_id == event.id)
    if not include_cancelled:
        query = query.where(Registration.status.in_(ACTIVE))
    regs = list(session.scalars(query.order_by(Registration.seq)))
    waiting = [r.id for r in regs if r.status == "waitlisted"]  # in seq order
    views = [snapshot(r, event=event, position=waiting.index(r.id) + 1 if r.status == "waitlisted" else None) for r in regs]
    return sorted(views, key=lambda v: (STATUS_ORDER.get(v.status, 2), v.seq))
