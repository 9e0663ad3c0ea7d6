"""Sign-up and cancellation in the caller's transaction: an atomic capacity check, the waitlist in arrival
order, and promotion of the waitlist when seats are freed.

Refusals are expected outcomes, so they come back as ``Refusal`` codes on the result (``bot.texts.events``
phrases them); nothing here commits or reads the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.domain.events.rules import ACTIVE, LATE_CANCEL_HOURS, Refusal, party_refusal, signup_refusal
from bot.domain.events.seats import EVENTS, fill_from_waitlist, lock_event, next_seq, release, take_seats
from bot.domain.events.views import RegistrationView, view
from bot.domain.ids import new_checkin_code
from bot.store.models import Event, Registration


@dataclass(frozen=True)
class SignupResult:
    """Outcome of ``register``: confirmed / waitlisted, or a refusal (with the existing registration if any)."""

    status: str | None  # confirmed | waitlisted | None when refused
    refusal: Refusal | None = None
    registration: RegistrationView | None = None
    event: Event | None = None
    promoted: tuple[RegistrationView, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether a new registration was made."""
        return self.refusal is None

    @property
    def position(self) -> int | None:
        """Waitlist position (1-based) when waitlisted."""
        return self.registration.position if self.registration else None


@dataclass(frozen=True)
class CancelResult:
    """Outcome of ``cancel``: the cancelled registration and whom it promoted, or a refusal."""

    refusal: Refusal | None = None
    registration: RegistrationView | None = None
    event: Event | None = None
    promoted: tuple[RegistrationView, ...] = ()
    late_hours: int | None = None  # LATE_CANCEL_HOURS when cancelled closer than that to the start

    @property
    def ok(self) -> bool:
        """Whether the registration was cancelled."""
        return self.refusal is None

    @property
    def late(self) -> bool:
        """Whether the cancellation came late (less than ``LATE_CANCEL_HOURS`` before the start)."""
        return self.late_hours is not None


def find_registration(session: Session, *, event: Event, openid: str) -> Registration | None:
    """The (single) registration row of one user for one event."""
    query = select(Registration).where(
        Registration.event_id == event.id, Registration.appid == event.appid, Registration.openid == openid)
    return session.scalars(query.execution_options(populate_existing=True)).first()


def _store(session: Session, reg: Registration | None, event: Event, openid: str,
           values: dict[str, Any]) -> Registration:
    """Write the sign-up: a new row with a fresh check-in code, or the user's earlier (cancelled) row reused."""
    if reg is None:
        reg = Registration(event_id=event.id, appid=event.appid, openid=openid,
                           checkin_code=new_checkin_code(session), **values)
        session.add(reg)
    else:
        for key, value in values.items():
            setattr(reg, key, value)
    session.flush()
    return reg


def register(session: Session, *, appid: str, event_id: str, openid: str, name: str, phone: str,
             party_size: int = 1, companions: Sequence[str] = (), company: str | None = None,
             now: datetime) -> SignupResult:
    """Sign up (confirmed if the party fits, else waitlisted in arrival order) or say why not."""
    event = lock_event(session, appid=appid, event_id=event_id)
    refusal = signup_refusal(event, party_size, companions, now)
    if refusal or event is None:
        return SignupResult(status=None, refusal=refusal, event=event)
    reg = find_registration(session, event=event, openid=openid)
    if reg is not None and reg.status in ACTIVE:
        return SignupResult(reg.status, Refusal.ALREADY_REGISTERED, view(session, reg=reg, event=event), event)
    promoted = fill_from_waitlist(session, event=event, now=now)  # repair: free seats go to earlier arrivals first
    seq = next_seq(session, event=event)
    status = "confirmed" if take_seats(session, event=event, seats=party_size) else "waitlisted"
    reg = _store(session, reg, event, openid, dict(
        name=name.strip(), phone=phone.strip(), company=company, party_size=party_size,
        companions=list(companions), status=status, seq=seq, cancelled_at=None, checked_in_at=None, created_at=now))
    session.refresh(event)
    return SignupResult(status, None, view(session, reg=reg, event=event), event, tuple(promoted))


def cancel(session: Session, *, appid: str, event_id: str, openid: str, now: datetime) -> CancelResult:
    """Cancel a user's registration; frees its seats and promotes the waitlist in the same transaction."""
    event = lock_event(session, appid=appid, event_id=event_id)
    if event is None:
        return CancelResult(Refusal.NOT_FOUND)
    reg = find_registration(session, event=event, openid=openid)
    if reg is None or reg.status not in ACTIVE:
        return CancelResult(Refusal.NOT_REGISTERED, event=event)
    if event.start <= now:
        return CancelResult(Refusal.STARTED, view(session, reg=reg, event=event), event)
    release(session, reg=reg, now=now)
    promoted = fill_from_waitlist(session, event=event, now=now)
    late = LATE_CANCEL_HOURS if event.start - now < timedelta(hours=LATE_CANCEL_HOURS) else None
    return CancelResult(None, view(session, reg=reg, event=event), event, tuple(promoted), late)


@dataclass(frozen=True)
class PartyResult:
    """Outcome of ``change_party``: the registration as it is now (and whom freed seats promoted), or why not."""

    refusal: Refusal | None = None
    registration: RegistrationView | None = None
    event: Event | None = None
    promoted: tuple[RegistrationView, ...] = ()
    before: int = 0  # the party size before the change

    @property
    def ok(self) -> bool:
        """Whether the party was changed."""
        return self.refusal is None


def _changeable(session: Session, *, appid: str, event_id: str, openid: str,
                now: datetime) -> tuple[Event, Registration] | PartyResult:
    """The user's active registration for an event that has not started (locked), or why it cannot change."""
    event = lock_event(session, appid=appid, event_id=event_id)
    reg = find_registration(session, event=event, openid=openid) if event else None
    if event is None or reg is None or reg.status not in ACTIVE:
        return PartyResult(Refusal.NOT_REGISTERED if event else Refusal.NOT_FOUND, event=event)
    if event.start <= now:
        return PartyResult(Refusal.STARTED, view(session, reg=reg, event=event), event)
    return event, reg


def change_party(session: Session, *, appid: str, event_id: str, openid: str, party_size: int,
                 companions: Sequence[str], now: datetime) -> PartyResult:
    """Change who comes along ('老伴不去了', '再加一个人'): seats follow the party, freed seats promote the waitlist."""
    found = _changeable(session, appid=appid, event_id=event_id, openid=openid, now=now)
    if isinstance(found, PartyResult):
        return found
    event, reg = found
    refusal = party_refusal(event, party_size, companions)
    before, delta = reg.party_size, party_size - reg.party_size
    if refusal is None and reg.status == "confirmed" and delta > 0 and not take_seats(session, event=event, seats=delta):
        refusal = Refusal.NO_SEATS
    if refusal is not None:
        return PartyResult(refusal, view(session, reg=reg, event=event), event, before=before)
    if reg.status == "confirmed" and delta < 0:
        session.execute(update(EVENTS).where(Event.id == event.id).values(seats_taken=Event.seats_taken + delta))
    reg.party_size, reg.companions, reg.updated_at = party_size, list(companions), now
    session.flush()
    promoted = fill_from_waitlist(session, event=event, now=now) if delta < 0 else []
    session.refresh(event)
    return PartyResult(None, view(session, reg=reg, event=event), event, tuple(promoted), before)


def rename(session: Session, *, appid: str, event_id: str, openid: str, name: str, now: datetime) -> PartyResult:
    """Correct the registrant's name ('我自己名字打错了 是骆婷'); seats, party and check-in code stay."""
    found = _changeable(session, appid=appid, event_id=event_id, openid=openid, now=now)
    if isinstance(found, PartyResult):
        return found
    event, reg = found
    reg.name, reg.updated_at = name.strip(), now
    session.flush()
    return PartyResult(None, view(session, reg=reg, event=event), event, before=reg.party_size)
