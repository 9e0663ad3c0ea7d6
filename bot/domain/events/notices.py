"""Event notices queued in the outbox: to one registrant, to all of an event, and the scheduled ones.

The scheduled functions (reminders, announcements, waitlist expiry) are idempotent — every notice has a
stable idempotency key — and leave quiet hours and daily caps to the dispatcher at send time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.events.rules import ACTIVE, WALK_IN, is_open_for_signup
from bot.domain.events.views import view
from bot.domain.notify import notify
from bot.store.models import Event, Interest, Registration
from bot.texts import events as txt


def tell(session: Session, *, reg: Registration, kind: str, key: str, text: str, now: datetime) -> bool:
    """Queue one notice about ``reg``'s event to its registrant (not to walk-ins); True when newly queued."""
    if reg.openid.startswith(WALK_IN):
        return False
    return notify(session, appid=reg.appid, openid=reg.openid, kind=kind, key=key, text=text, now=now,
                  extra={"event_id": reg.event_id})


def tell_registrants(session: Session, *, event: Event, text: str, now: datetime) -> int:
    """Queue ``text`` for every active registrant under the event's current change version."""
    regs = session.scalars(select(Registration).where(
        Registration.appid == event.appid, Registration.event_id == event.id,
        Registration.status.in_(ACTIVE)).order_by(Registration.seq))
    return sum(tell(session, reg=reg, kind="event_changed", text=text, now=now,
                    key=f"change:{event.id}:{reg.id}:v{event.change_version}") for reg in regs)


# --- reminders ----------------------------------------------------------------------------------


def enqueue_reminders(session: Session, *, appid: str, now: datetime, hours: Sequence[int] = (24, 2)) -> int:
    """Queue one reminder per confirmed registrant of events starting within the reminder windows.

    Only the smallest window that contains the start is used, so a late run never sends a stale 24 h
    reminder next to the 2 h one. Key ``remind:{event}:{reg}:{h}h`` (plus ``:v{n}`` once the event was
    changed, so a new time gets new reminders). Returns how many were newly queued.
    """
    windows = sorted({int(h) for h in hours if h > 0})
    if not windows:
        return 0
    rows = session.execute(
        select(Registration, Event).join(Event, Event.id == Registration.event_id)
        .where(Event.appid == appid, Registration.appid == appid, Registration.status == "confirmed",
               Event.status != "cancelled", Event.start > now, Event.start <= now + timedelta(hours=windows[-1])))
    count = 0
    for reg, event in rows:
        window = next(h for h in windows if event.start - now <= timedelta(hours=h))
        version = f":v{event.change_version}" if event.change_version else ""
        count += tell(session, reg=reg, kind="event_reminder", key=f"remind:{event.id}:{reg.id}:{window}h{version}",
                      text=txt.reminder_text(view(session, reg=reg, event=event), now), now=now)
    return count


# --- announcements ------------------------------------------------------------------------------


def _unannounced(session: Session, appid: str, now: datetime) -> list[Event]:
    """Events of the account not announced yet that are open for sign-up, soonest first (rows locked)."""
    query = (select(Event).where(Event.appid == appid, Event.announced_at.is_(None), Event.end > now)
             .order_by(Event.start, Event.id).with_for_update())
    return [event for event in session.scalars(query) if is_open_for_signup(event, now)]


def _interest_matches(interest: Interest, event: Event) -> bool:
    """Whether an event subscription covers ``event`` (unset fields match everything)."""
    region_ok = not interest.region or interest.region in event.region
    category_ok = not interest.category or interest.category in event.category
    return region_ok and category_ok


def _digests(session: Session, appid: str, events: Sequence[Event]) -> dict[str, list[Event]]:
    """Per subscriber of the account: every event that matches one of their subscriptions, soonest first."""
    interests = session.scalars(select(Interest).where(Interest.appid == appid, Interest.kind == "event")
                                .order_by(Interest.id))
    chosen: dict[str, list[Event]] = {}
    for interest in interests:
        mine = chosen.setdefault(interest.openid, [])
        mine.extend(e for e in events if e not in mine and _interest_matches(interest, e))
    return {openid: sorted(mine, key=lambda e: (e.start, e.id)) for openid, mine in chosen.items() if mine}


def _announcement_key(appid: str, openid: str, events: Sequence[Event]) -> str:
    """Idempotency key of one digest: the user and the set of events it announces."""
    digest = hashlib.sha1(",".join(sorted(e.id for e in events)).encode()).hexdigest()[:16]
    return f"announce:{appid}:{openid}:{digest}"


def enqueue_announcements(session: Session, *, appid: str, now: datetime) -> int:
    """Announce events not announced yet (and open for sign-up) to matching subscribers, one digest each.

    The events are marked announced in the same transaction. Returns how many notices were queued.
    """
    events = _unannounced(session, appid, now)
    count = sum(notify(session, appid=appid, openid=openid, kind="event_announcement", now=now,
                       key=_announcement_key(appid, openid, chosen), text=txt.announcement_text(chosen))
                for openid, chosen in _digests(session, appid, events).items())
    for event in events:
        event.announced_at = now
    return count


# --- waitlist expiry ----------------------------------------------------------------------------


def expire_waitlists(session: Session, *, appid: str, now: datetime) -> int:
    """At the sign-up deadline the waitlist lapses: mark waitlisted sign-ups expired and tell each person."""
    rows = list(session.execute(
        select(Registration, Event).join(Event, Event.id == Registration.event_id)
        .where(Event.appid == appid, Registration.appid == appid, Registration.status == "waitlisted",
               Event.signup_deadline <= now)))
    for reg, event in rows:
        reg.status = "expired"
        if event.status != "cancelled":
            tell(session, reg=reg, kind="event_waitlist_expired", key=f"expired:{reg.id}:{reg.seq}",
                 text=txt.waitlist_expired_text(event), now=now)
    return len(rows)
