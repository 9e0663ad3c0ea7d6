"""The organisers' desk (the console's 活动): walk-ins, door check-in within a scope, attendance, promotions.

Check-in at the door reuses ``checkin.checkin``; a code of another region's event (or of another event than
the one the door page is for) is refused as unknown before anything is touched.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain import audit
from bot.domain.events.checkin import CheckinResult, checkin
from bot.domain.events.errors import EventNotFound
from bot.domain.events.rules import WALK_IN, Refusal, party_refusal
from bot.domain.events.seats import lock_event, next_seq, take_seats
from bot.domain.events.views import RegistrationView, view
from bot.domain.ids import new_checkin_code, normalise_code
from bot.domain.scope import Scope
from bot.store.models import Event, Outbox, Registration


@dataclass(frozen=True)
class WalkInResult:
    """A walk-in registration, or why it was refused (a ``Refusal``, ``full``: the party does not fit, or
    ``missing``: no name or phone)."""

    refusal: Refusal | str | None
    registration: RegistrationView | None = None


@dataclass(frozen=True)
class Attendance:
    """Who came to an event: confirmed registrations and people, checked in, no-shows once it ended."""

    event_id: str
    title: str
    start: datetime
    ended: bool
    registrations: int
    people: int
    checked_in: int
    checked_in_people: int
    waitlisted: int

    @property
    def no_shows(self) -> int:
        """Confirmed registrations that never checked in (counted once the event ended)."""
        return self.registrations - self.checked_in if self.ended else 0


def scoped_event(session: Session, *, appid: str, event_id: str, scope: Scope) -> Event:
    """The account's event inside ``scope`` (``EventNotFound`` otherwise, also for another region's event)."""
    event = session.scalars(select(Event).where(Event.appid == appid, Event.id == event_id.strip().upper())).first()
    if event is None or not scope.allows(event.region):
        raise EventNotFound(event_id)
    return event


def scoped_events(session: Session, *, appid: str, scope: Scope) -> list[Event]:
    """The account's events inside ``scope``, latest start first."""
    query = select(Event).where(Event.appid == appid, scope.clause(Event.region))
    return list(session.scalars(query.order_by(Event.start.desc())))


def door_checkin(session: Session, *, appid: str, code: str, scope: Scope, actor: str, now: datetime,
                 event_id: str | None = None, source: str | None = None) -> CheckinResult:
    """Check a code in at the door: unknown, another region's or another event's code is refused unchanged."""
    found = session.execute(select(Registration.event_id, Event.region).join(Event, Event.id == Registration.event_id)
                            .where(Registration.appid == appid,
                                   Registration.checkin_code == normalise_code(code))).first()
    if found is None or not scope.allows(found.region) or (event_id and found.event_id != event_id):
        return CheckinResult(Refusal.NOT_FOUND)
    return checkin(session, appid=appid, code=code, actor=actor, now=now, source=source)


def _walk_in_refusal(event: Event, name: str, phone: str, party_size: int, companions: Sequence[str],
                     now: datetime) -> Refusal | str | None:
    """Why a walk-in cannot be registered (cancelled, ended, no name or phone, party rule), if so."""
    if event.status == "cancelled":
        return Refusal.CANCELLED
    if event.end <= now:
        return Refusal.CLOSED
    if not name.strip() or not phone.strip():
        return "missing"
    return party_refusal(event, party_size, companions)


def walk_in(session: Session, *, appid: str, event_id: str, name: str, phone: str, scope: Scope,
            actor: str, now: datetime, party_size: int = 1, companions: Sequence[str] = (),
            check_in: bool = False, source: str | None = None) -> WalkInResult:
    """Register someone at the door (until the event ends; no waitlist: the party must fit the seats left)."""
    scoped_event(session, appid=appid, event_id=event_id, scope=scope)
    event = lock_event(session, appid=appid, event_id=event_id.strip().upper())
    if event is None:
        raise EventNotFound(event_id)
    refusal = _walk_in_refusal(event, name, phone, party_size, companions, now)
    if refusal or not take_seats(session, event=event, seats=party_size):
        return WalkInResult(refusal or "full")
    reg = Registration(event_id=event.id, appid=appid, openid=f"{WALK_IN}{secrets.token_hex(8)}", name=name.strip(),
                       phone=phone.strip(), party_size=party_size, companions=list(companions), status="confirmed",
                       seq=next_seq(session, event=event), checkin_code=new_checkin_code(session),
                       checked_in_at=now if check_in else None, created_at=now)
    session.add(reg)
    session.flush()
    audit.record(session, appid=appid, actor=actor, action="event.walk_in", entity="registration",
                 entity_id=str(reg.id), now=now, source=source, event_id=event.id,
                 after={"party_size": party_size, "checked_in": check_in})
    session.refresh(event)
    return WalkInResult(None, view(session, reg=reg, event=event))


def attendance(session: Session, *, events: Sequence[Event], now: datetime) -> list[Attendance]:
    """Attendance per event (registrations, people, checked in, waitlisted; no-shows once ended)."""
    ids = [e.id for e in events]
    regs = session.scalars(select(Registration).where(Registration.event_id.in_(ids),
                                                      Registration.status.in_(("confirmed", "waitlisted"))))
    tally: dict[str, dict[str, int]] = {i: {"r": 0, "p": 0, "c": 0, "cp": 0, "w": 0} for i in ids}
    for reg in regs:
        count = tally[reg.event_id]
        if reg.status == "waitlisted":
            count["w"] += 1
            continue
        count["r"], count["p"] = count["r"] + 1, count["p"] + reg.party_size
        if reg.checked_in_at is not None:
            count["c"], count["cp"] = count["c"] + 1, count["cp"] + reg.party_size
    return [Attendance(e.id, e.title, e.start, e.end <= now, *(tally[e.id][k] for k in ("r", "p", "c", "cp", "w")))
            for e in events]


def promoted(session: Session, *, event: Event) -> dict[int, datetime]:
    """Registrations of ``event`` promoted from the waitlist, with when (from their promotion notices)."""
    rows = session.execute(select(Outbox.idempotency_key, Outbox.created_at).where(
        Outbox.appid == event.appid, Outbox.kind == "event_promoted"))
    found: dict[int, datetime] = {}
    for key, at in rows:
        parts: list[Any] = key.split(":")
        if len(parts) >= 2 and parts[0] == "promote" and parts[1].isdigit():
            found[int(parts[1])] = at
    mine = set(session.scalars(select(Registration.id).where(Registration.event_id == event.id)))
    return {reg_id: at for reg_id, at in found.items() if reg_id in mine}
