"""Matching jobs: the daily digest of matches not alerted yet."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.matches.review import digest, match_new_records


def match_digest(*, services: Any, now: datetime) -> int:
    """Queue alerts for live matches whose sides were not alerted yet; returns how many were queued."""
    return digest(services.db, now=now)


def match_new(*, services: Any, now: datetime) -> dict[str, int]:
    """Match newly published demands and newly registered achievements and queue their alerts."""
    return match_new_records(services.db, services.matcher, now=now)
