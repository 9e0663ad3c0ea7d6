"""Event administration (CLI now, console later): create, edit, cancel; changes notify every registrant.

A change of time or place, or a cancellation, bumps ``events.change_version`` and enqueues one notice per
active registrant with key ``change:{event}:{registration}:v{version}`` — a second change notifies again,
the same change never twice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.domain.events.signup import (
    ACTIVE,
    DbOrSession,
    RegistrationView,
    enqueue_notice,
    fill_from_waitlist,
    lock_event,
    transaction,
)
from bot.store.engine import Database
from bot.store.models import Event, Registration
from bot.texts import events as txt
from knowledge.vocab import EVENT_CATEGORIES

EDITABLE = ("title", "category", "start", "end", "location", "region", "capacity", "signup_deadline",
            "description", "speaker", "max_companions", "status")
NOTIFY_ON = {"start": "时间", "end": "时间", "location": "地点"}
DEFAULT_DEADLINE = timedelta(hours=24)


class EventAdminError(ValueError):
    """An admin change that cannot be applied (message in Chinese)."""


@dataclass(frozen=True)
class EditResult:
    """What an edit or cancellation changed and how many registrants were notified."""

    event: Event
    changed: tuple[str, ...]
    notified: int
    promoted: tuple[RegistrationView, ...] = ()


def _check(values: Mapping[str, Any], seats_taken: int = 0) -> None:
    """Refuse inconsistent event values."""
    for name in ("start", "end", "signup_deadline"):
        if values[name].tzinfo is None:
            raise EventAdminError(f"{name} 必须带时区，例如 2027-03-13T09:30:00+08:00")
    if values["signup_deadline"] > values["start"]:
        raise EventAdminError("报名截止时间不能晚于活动开始时间")
    if values["start"] >= values["end"]:
        raise EventAdminError("结束时间必须晚于开始时间")
    if values["category"] not in EVENT_CATEGORIES:
        raise EventAdminError(f"类别必须是：{'、'.join(EVENT_CATEGORIES)}")
    if values["capacity"] < max(1, seats_taken):
        raise EventAdminError(f"名额不能少于已确认的 {seats_taken} 人（且至少为 1）")
    if values["max_companions"] < 0 or values["status"] not in ("open", "closed"):
        raise EventAdminError("同行人数不能为负；状态只能是 open 或 closed")


def next_event_id(session: Any, prefix: str = "E") -> str:
    """The next free id like ``E13`` (after the highest numbered id with this prefix)."""
    numbers = [int(m.group(1)) for (i,) in session.execute(select(Event.id))
               if (m := re.fullmatch(rf"{re.escape(prefix)}(\d+)", i))]
    return f"{prefix}{max(numbers, default=0) + 1:02d}"


def create_event(db: Database, *, appid: str, values: Mapping[str, Any], now: datetime) -> Event:
    """Create an event; the deadline defaults to 24 h before the start, the id to the next free ``E..``."""
    data = {"description": "", "speaker": None, "max_companions": 2, "status": "open", **values}
    missing = [k for k in ("title", "category", "start", "end", "location", "region", "capacity") if not data.get(k)]
    if missing:
        raise EventAdminError(f"缺少必填项：{'、'.join(missing)}")
    data.setdefault("signup_deadline", None)
    data["signup_deadline"] = data["signup_deadline"] or data["start"] - DEFAULT_DEADLINE
    _check(data)
    with transaction(db, write=True) as session:
        data["id"] = data.get("id") or next_event_id(session)
        if session.get(Event, data["id"]) is not None:
            raise EventAdminError(f"活动编号 {data['id']} 已存在")
        event = Event(appid=appid, created_at=now, **data)
        session.add(event)
        return event


def _notify_all(session: Any, event: Event, text: str, now: datetime) -> int:
    """Enqueue ``text`` for every active registrant under the current change version."""
    regs = session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status.in_(ACTIVE)).order_by(Registration.seq))
    return sum(
        enqueue_notice(session, appid=reg.appid, openid=reg.openid, kind="event_changed", text=text, now=now,
                       key=f"change:{event.id}:{reg.id}:v{event.change_version}", event_id=event.id)
        for reg in regs)


def _change_labels(event: Event, changes: Mapping[str, Any]) -> list[str]:
    """Human phrases for the notified changes (时间改为…, 地点改为…)."""
    kinds = {NOTIFY_ON[k] for k, v in changes.items() if k in NOTIFY_ON and getattr(event, k) != v}
    phrases = []
    if "时间" in kinds:
        phrases.append(f"时间改为{txt.span_text(changes.get('start', event.start), changes.get('end', event.end))}")
    if "地点" in kinds:
        phrases.append(f"地点改为{changes['location']}")
    return phrases


def edit_event(db: DbOrSession, *, event_id: str, changes: Mapping[str, Any], now: datetime) -> EditResult:
    """Apply admin changes; a new time or place notifies every active registrant once per change."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise EventAdminError(f"不能修改的字段：{'、'.join(sorted(unknown))}")
    with transaction(db, write=True) as session:
        event = lock_event(session, event_id)
        if event is None:
            raise EventAdminError(f"没有编号为 {event_id} 的活动")
        if changes.get("status") == "cancelled" or event.status == "cancelled":
            raise EventAdminError("取消活动请用 kc events cancel；已取消的活动不能再修改")
        merged = {k: changes.get(k, getattr(event, k)) for k in EDITABLE}
        _check(merged, event.seats_taken)
        labels = _change_labels(event, changes)
        changed = tuple(k for k, v in changes.items() if getattr(event, k) != v)
        for key in changed:
            setattr(event, key, changes[key])
        notified = 0
        if labels:
            event.change_version += 1
            notified = _notify_all(session, event, txt.change_text(event, labels), now)
        session.flush()
        promoted = fill_from_waitlist(session, event, now)
        return EditResult(event, changed, notified, tuple(promoted))


def cancel_event(db: DbOrSession, *, event_id: str, now: datetime, reason: str | None = None) -> EditResult:
    """Cancel an event and notify every active registrant (a repeated cancel notifies nobody)."""
    with transaction(db, write=True) as session:
        event = lock_event(session, event_id)
        if event is None:
            raise EventAdminError(f"没有编号为 {event_id} 的活动")
        if event.status == "cancelled":
            return EditResult(event, (), 0)
        event.status = "cancelled"
        event.change_version += 1
        session.flush()
        notified = _notify_all(session, event, txt.event_cancelled_text(event, reason), now)
        return EditResult(event, ("status",), notified)
