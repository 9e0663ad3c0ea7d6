"""Check-in at the door by the registration's code (idempotent; every check-in is audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain import audit
from bot.domain.events.rules import Refusal
from bot.domain.events.views import RegistrationView, view
from bot.domain.ids import normalise_code
from bot.store.models import Event, Registration


@dataclass(frozen=True)
class CheckinResult:
    """Outcome of ``checkin``."""

    refusal: Refusal | None = None
    registration: RegistrationView | None = None
    already: bool = False

    @property
    def ok(self) -> bool:
        """Whether the person is (now or already) checked in."""
        return self.refusal is None


def _by_code(session: Session, appid: str, code: str) -> tuple[Registration, Event] | None:
    """The account's registration with this check-in code and its event (the registration row locked)."""
    query = (select(Registration, Event).join(Event, Event.id == Registration.event_id)
             .where(Registration.appid == appid, Registration.checkin_code == normalise_code(code))
             .with_for_update(of=Registration))
    row = session.execute(query).first()
    return (row[0], row[1]) if row else None


def checkin(session: Session, *, appid: str, code: str, actor: str, now: datetime,
            source: str | None = None) -> CheckinResult:
    """Check a confirmed registration in by its code; a second scan reports ``already``."""
    found = _by_code(session, appid, code)
    if found is None:
        return CheckinResult(Refusal.NOT_FOUND)
    reg, event = found
    if event.status == "cancelled":
        return CheckinResult(Refusal.CANCELLED, view(session, reg=reg, event=event))
    if reg.status != "confirmed":
        return CheckinResult(Refusal.NOT_CONFIRMED, view(session, reg=reg, event=event))
    already = reg.checked_in_at is not None
    if not already:
        reg.checked_in_at = now
        audit.record(session, appid=appid, actor=actor, action="event.checkin", entity="registration",
                     entity_id=str(reg.id), now=now, source=source, event_id=event.id,
                     after={"checked_in_at": now.isoformat()})
        session.flush()
    return CheckinResult(None, view(session, reg=reg, event=event), already)
