"""Event administration (the CLI and the console): create, edit, cancel — audited, in the caller's transaction.

A change of time or place, or a cancellation, bumps ``events.change_version`` and queues one notice per
active registrant with key ``change:{event}:{registration}:v{version}`` — a second change notifies again,
the same change never twice. Broken rules raise ``EventInvalid`` (``rule`` names which).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.domain import audit
from bot.domain.events.errors import EventCancelled, EventIdTaken, EventInvalid, EventNotFound
from bot.domain.events.notices import tell_registrants
from bot.domain.events.seats import fill_from_waitlist, lock_event
from bot.domain.events.views import RegistrationView
from bot.domain.ids import next_short_id
from bot.store.models import Event
from bot.texts import events as txt
from knowledge.vocab import EVENT_CATEGORIES

EDITABLE = ("title", "category", "start", "end", "location", "region", "capacity", "signup_deadline",
            "description", "speaker", "max_companions", "status")
REQUIRED = ("title", "category", "start", "end", "location", "region", "capacity")
DEFAULTS: dict[str, Any] = {"description": "", "speaker": None, "max_companions": 2, "status": "open"}
TIMES = ("start", "end", "signup_deadline")
NOTIFY_ON = {"start": "time", "end": "time", "location": "place"}  # changes every registrant is told about
DEFAULT_DEADLINE = timedelta(hours=24)


@dataclass(frozen=True)
class EditResult:
    """What an edit or cancellation changed, how many registrants were notified and who was promoted."""

    event: Event
    changed: tuple[str, ...]
    notified: int
    promoted: tuple[RegistrationView, ...] = ()


def check_values(values: Mapping[str, Any], seats_taken: int = 0) -> None:
    """Refuse inconsistent event values (raises ``EventInvalid``)."""
    for name in TIMES:
        if values[name].tzinfo is None:
            raise EventInvalid("naive_time", field=name)
    if values["signup_deadline"] > values["start"]:
        raise EventInvalid("deadline_after_start")
    if values["start"] >= values["end"]:
        raise EventInvalid("end_not_after_start")
    if values["category"] not in EVENT_CATEGORIES:
        raise EventInvalid("unknown_category", categories=EVENT_CATEGORIES)
    if values["capacity"] < max(1, seats_taken):
        raise EventInvalid("capacity_below_taken", seats_taken=seats_taken)
    if values["max_companions"] < 0:
        raise EventInvalid("negative_companions")
    if values["status"] not in ("open", "closed"):
        raise EventInvalid("unknown_status")


def _refuse_unknown(names: Iterable[str], allowed: Iterable[str]) -> None:
    """Refuse fields that cannot be set."""
    unknown = sorted(set(names) - set(allowed))
    if unknown:
        raise EventInvalid("unknown_fields", fields=unknown)


def _new_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """The values of a new event with defaults filled in (deadline 24 h before the start), checked."""
    _refuse_unknown(values, (*EDITABLE, "id"))
    data = {**DEFAULTS, **values}
    missing = [k for k in REQUIRED if not data.get(k)]
    if missing:
        raise EventInvalid("missing", fields=missing)
    data["signup_deadline"] = data.get("signup_deadline") or data["start"] - DEFAULT_DEADLINE
    check_values(data)
    return data


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    """Values for the audit row (times as ISO strings)."""
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}


def _audit(session: Session, event: Event, action: str, *, actor: str, now: datetime, source: str | None,
           **detail: Any) -> None:
    """One audit row about ``event``."""
    audit.record(session, appid=event.appid, actor=actor, action=action, entity="event", entity_id=event.id,
                 now=now, source=source, **detail)


def create_event(session: Session, *, appid: str, values: Mapping[str, Any], actor: str, now: datetime,
                 source: str | None = None) -> Event:
    """Create an event; the deadline defaults to 24 h before the start, the id to the next free ``E..``."""
    data = _new_values(values)
    data["id"] = data.get("id") or next_short_id(session, kind="event")
    if session.get(Event, data["id"]) is not None:
        raise EventIdTaken(data["id"])
    event = Event(appid=appid, created_at=now, **data)
    session.add(event)
    session.flush()
    _audit(session, event, "event.create", actor=actor, now=now, source=source, after=_jsonable(data))
    return event


def _locked(session: Session, appid: str, event_id: str) -> Event:
    """The account's event under its row lock, or ``EventNotFound``."""
    event = lock_event(session, appid=appid, event_id=event_id)
    if event is None:
        raise EventNotFound(event_id)
    return event


def _notify_change(session: Session, event: Event, changed: Iterable[str], now: datetime) -> int:
    """Tell every active registrant about a new time or place (a new change version); 0 for other changes."""
    kinds = tuple(dict.fromkeys(NOTIFY_ON[k] for k in changed if k in NOTIFY_ON))
    if not kinds:
        return 0
    event.change_version += 1
    return tell_registrants(session, event=event, text=txt.change_text(event, kinds), now=now)


def edit_event(session: Session, *, appid: str, event_id: str, changes: Mapping[str, Any], actor: str,
               now: datetime, source: str | None = None) -> EditResult:
    """Apply admin changes; a new time or place notifies every active registrant once per change."""
    _refuse_unknown(changes, EDITABLE)
    event = _locked(session, appid, event_id)
    if event.status == "cancelled":
        raise EventCancelled(event.id)
    if changes.get("status") == "cancelled":
        raise EventInvalid("cancel_by_edit")
    check_values({k: changes.get(k, getattr(event, k)) for k in EDITABLE}, event.seats_taken)
    before = {k: getattr(event, k) for k, v in changes.items() if getattr(event, k) != v}
    for key in before:
        setattr(event, key, changes[key])
    notified = _notify_change(session, event, before, now)
    if before:
        _audit(session, event, "event.edit", actor=actor, now=now, source=source, before=_jsonable(before),
               after=_jsonable({k: changes[k] for k in before}), notified=notified)
    session.flush()
    promoted = fill_from_waitlist(session, event=event, now=now)
    return EditResult(event, tuple(before), notified, tuple(promoted))


def cancel_event(session: Session, *, appid: str, event_id: str, actor: str, now: datetime,
                 reason: str | None = None, source: str | None = None) -> EditResult:
    """Cancel an event and notify every active registrant (a repeated cancel changes and notifies nothing)."""
    event = _locked(session, appid, event_id)
    if event.status == "cancelled":
        return EditResult(event, (), 0)
    before, event.status = event.status, "cancelled"
    event.change_version += 1
    session.flush()
    notified = tell_registrants(session, event=event, text=txt.event_cancelled_text(event, reason), now=now)
    _audit(session, event, "event.cancel", actor=actor, now=now, source=source, before={"status": before},
           after={"status": "cancelled"}, reason=reason, notified=notified)
    return EditResult(event, ("status",), notified)
