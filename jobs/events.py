"""Event jobs: reminders, announcements to subscribers, waitlist expiry (all idempotent; sent via the outbox)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.events.signup import enqueue_announcements, enqueue_reminders, expire_waitlists


def event_reminders(*, services: Any, now: datetime) -> int:
    """Queue the configured reminders (KC_REMINDER_HOURS) for confirmed registrants."""
    return enqueue_reminders(services.db, now=now, hours=tuple(services.settings.reminder_hours))


def event_announcements(*, services: Any, now: datetime) -> int:
    """Queue announcements of new events to users subscribed to their region or category."""
    return enqueue_announcements(services.db, now=now)


def event_waitlist_expiry(*, services: Any, now: datetime) -> int:
    """Expire waitlists of events whose sign-up deadline has passed, telling those affected."""
    return expire_waitlists(services.db, now=now)
