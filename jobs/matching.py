"""Matching jobs: the daily digest of matches not alerted yet."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain.matches.review import digest, match_new_records

if TYPE_CHECKING:
    from bot.container import Container


def match_digest(*, container: Container, now: datetime) -> int:
    """Queue alerts for live matches whose sides were not alerted yet; returns how many were queued."""
    return digest(container.db, now=now)


def match_new(*, container: Container, now: datetime) -> dict[str, int]:
    """Match newly published demands and newly registered achievements and queue their alerts."""
    return match_new_records(container.db, container.matcher, now=now)
