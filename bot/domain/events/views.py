"""Detached snapshots of registrations (safe to keep after the unit of work ends, e.g. in replies)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.store.models import Event, Registration


@dataclass(frozen=True)
class RegistrationView:
    """A registration with its event."""

    id: int
    event_id: str
    title: str
    start: datetime
    end: datetime
    location: str
    event_status: str
    name: str
    phone: str
    company: str | None
    party_size: int
    companions: tuple[str, ...]
    status: str
    seq: int
    position: int | None  # 1-based waitlist position, None unless waitlisted
    checkin_code: str
    checked_in_at: datetime | None
    created_at: datetime


def waitlist_position(session: Session, *, reg: Registration) -> int | None:
    """1-based waitlist position of a waitlisted registration (None otherwise)."""
    if reg.status != "waitlisted":
        return None
    query = select(func.count()).select_from(Registration).where(
        Registration.appid == reg.appid, Registration.event_id == reg.event_id,
        Registration.status == "waitlisted", Registration.seq <= reg.seq)
    return int(session.scalar(query) or 0)


def view(session: Session, *, reg: Registration, event: Event) -> RegistrationView:
    """A snapshot of ``reg`` with its event and waitlist position."""
    return snapshot(reg, event=event, position=waitlist_position(session, reg=reg))


def snapshot(reg: Registration, *, event: Event, position: int | None) -> RegistrationView:
    """A snapshot of ``reg`` with its event and a known waitlist position."""
    return RegistrationView(
        id=reg.id, event_id=event.id, title=event.title, start=event.start, end=event.end,
        location=event.location, event_status=event.status, name=reg.name, phone=reg.phone,
        company=reg.company, party_size=reg.party_size, companions=tuple(reg.companions or ()),
        status=reg.status, seq=reg.seq, position=position, checkin_code=reg.checkin_code,
        checked_in_at=reg.checked_in_at, created_at=reg.created_at,
    )
