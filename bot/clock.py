"""The one clock: every "now" in the project comes from here (tests freeze it)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")  # what users are shown; everything is stored in UTC


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (the system clock)."""
    return datetime.now(UTC)


class Clock:
    """The deployment's clock: the system time unless a test froze it."""

    def __init__(self, fixed: datetime | None = None) -> None:
        self._fixed = fixed

    def now(self) -> datetime:
        """The current time (aware UTC), or the frozen instant."""
        return self._fixed if self._fixed is not None else utcnow()

    def freeze(self, at: datetime | None) -> None:
        """Stop the clock at ``at`` (None lets it run again)."""
        self._fixed = at
