"""Event jobs: reminders, announcements to subscribers, waitlist expiry (all idempotent; sent via the outbox).

Each job is one unit of work for the container's account.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain.events.notices import enqueue_announcements, enqueue_reminders, expire_waitlists

if TYPE_CHECKING:
    from bot.container import Container


def event_reminders(*, container: Container, now: datetime) -> int:
    """Queue the configured reminders (KC_REMINDER_HOURS) for confirmed registrants."""
    hours = tuple(container.settings.reminder_hours)
    with container.db.session() as session:
        return enqueue_reminders(session, appid=container.appid, now=now, hours=hours)


def event_announcements(*, container: Container, now: datetime) -> int:
    """Queue announcements of new events to users subscribed to their region or category."""
    with container.db.session() as session:
        return enqueue_announcements(session, appid=container.appid, now=now)


def event_waitlist_expiry(*, container: Container, now: datetime) -> int:
    """Expire waitlists of events whose sign-up deadline has passed, telling those affected."""
    with container.db.session() as session:
        return expire_waitlists(session, appid=container.appid, now=now)
