"""Matching jobs: the daily digest of matches not alerted yet."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.matchflow import digest


def match_digest(*, services: Any, now: datetime) -> int:
    """Queue alerts for live matches whose sides were not alerted yet; returns how many were queued."""
    return digest(services.db, now=now)
