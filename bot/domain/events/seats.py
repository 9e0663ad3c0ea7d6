"""Seats of an event inside the caller's transaction: the row lock, arrival numbers, taking and giving back
seats, and promotion from the waitlist.

``lock_event`` serialises every write to one event: ``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite a
no-op ``UPDATE`` first takes the database write lock (waiting out the busy timeout), so the caller's
transaction then reads the latest committed seats. Sign-ups therefore get strictly increasing arrival
numbers (``seq``) from ``events.reg_seq`` and never overfill the capacity.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from bot.domain.events.notices import tell
from bot.domain.events.rules import waitlist_moves
from bot.domain.events.views import RegistrationView, view
from bot.store.engine import is_sqlite
from bot.store.models import Event, Registration
from bot.store.sql import rowcount
from bot.texts import events as txt

EVENTS = cast(Table, Event.__table__)


def lock_event(session: Session, *, appid: str, event_id: str) -> Event | None:
    """The event row of the account, locked for the rest of the caller's transaction (None when unknown)."""
    mine = (Event.id == event_id, Event.appid == appid)
    if is_sqlite(session):
        session.execute(update(EVENTS).where(*mine).values(seats_taken=Event.seats_taken))
    query = select(Event).where(*mine).with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).first()


def next_seq(session: Session, *, event: Event) -> int:
    """The next arrival number of the event (atomic increment)."""
    stmt = update(EVENTS).where(Event.id == event.id).values(reg_seq=Event.reg_seq + 1)
    return int(session.execute(stmt.returning(EVENTS.c.reg_seq)).scalar_one())


def take_seats(session: Session, *, event: Event, seats: int) -> bool:
    """Add ``seats`` to seats_taken if they fit the capacity; False when they do not (nothing changed)."""
    stmt = (update(EVENTS)
            .where(Event.id == event.id, Event.seats_taken + seats <= Event.capacity)
            .values(seats_taken=Event.seats_taken + seats))
    return rowcount(session.execute(stmt)) == 1


def release(session: Session, *, reg: Registration, now: datetime) -> None:
    """Mark ``reg`` cancelled and give back its seats when it held any."""
    if reg.status == "confirmed":
        session.execute(update(EVENTS).where(Event.id == reg.event_id)
                        .values(seats_taken=Event.seats_taken - reg.party_size))
    reg.status, reg.cancelled_at = "cancelled", now
    session.flush()


def _waiting(session: Session, event: Event) -> list[Registration]:
    """The event's waitlisted registrations in arrival order."""
    return list(session.scalars(select(Registration).where(
        Registration.appid == event.appid, Registration.event_id == event.id,
        Registration.status == "waitlisted").order_by(Registration.seq)))


def fill_from_waitlist(session: Session, *, event: Event, now: datetime) -> list[RegistrationView]:
    """Promote waitlisted registrations in arrival order while seats are free (first fit, party size counted),
    queueing one notice per promoted person; only while the waitlist still moves (``rules.waitlist_moves``)."""
    if not waitlist_moves(event, now):
        return []
    session.refresh(event)
    free = event.capacity - event.seats_taken
    promoted: list[RegistrationView] = []
    for reg in _waiting(session, event) if free > 0 else []:
        if reg.party_size > free or not take_seats(session, event=event, seats=reg.party_size):
            continue
        free -= reg.party_size
        reg.status = "confirmed"
        promoted.append(view(session, reg=reg, event=event))
        tell(session, reg=reg, kind="event_promoted", key=f"promote:{reg.id}:{reg.seq}",
             text=txt.promoted_text(promoted[-1]), now=now)
        if free <= 0:
            break
    session.flush()
    return promoted
