"""Event jobs: reminders, announcements to subscribers, waitlist expiry (all idempotent; sent via the outbox)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain.events.signup import enqueue_announcements, enqueue_reminders, expire_waitlists

if TYPE_CHECKING:
    from bot.container import Container


def event_reminders(*, container: Container, now: datetime) -> int:
    """Queue the configured reminders (KC_REMINDER_HOURS) for confirmed registrants."""
    return enqueue_reminders(container.db, now=now, hours=tuple(container.settings.reminder_hours))


def event_announcements(*, container: Container, now: datetime) -> int:
    """Queue announcements of new events to users subscribed to their region or category."""
    return enqueue_announcements(container.db, now=now)


def event_waitlist_expiry(*, container: Container, now: datetime) -> int:
    """Expire waitlists of events whose sign-up deadline has passed, telling those affected."""
    return expire_waitlists(container.db, now=now)
