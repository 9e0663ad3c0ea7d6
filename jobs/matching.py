"""Matching jobs: matching of new records, and the daily digest of matches not alerted yet."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain.matches.review import digest, match_new_records

if TYPE_CHECKING:
    from bot.container import Container


def match_digest(*, container: Container, now: datetime) -> int:
    """Queue alerts for live matches whose sides were not alerted yet; returns how many were queued."""
    with container.db.session() as session:
        return digest(session, appid=container.appid, now=now)


def match_new(*, container: Container, now: datetime) -> dict[str, int]:
    """Match newly published demands and newly registered achievements and queue their alerts."""
    matcher = container.matcher  # built (and synced) in its own unit of work before this one opens
    with container.db.session() as session:
        return match_new_records(session, matcher=matcher, appid=container.appid, now=now)
