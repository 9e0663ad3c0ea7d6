"""Keeps the matcher's index in step with the SQL records."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import DEMAND_CLOSED, Achievement, Demand

if TYPE_CHECKING:
    from bot.domain.matches import Matching

log = logging.getLogger(__name__)


def sync_index(session: Session, *, matcher: Matching) -> dict[str, int]:
    """Index every published achievement and every open demand (unchanged records cost nothing).

    Pending demands are indexed too so the score calibration sees the whole corpus; callers alert only
    on published ones (``MATCHABLE_DEMAND_STATUSES``). The index spans every account: the use cases keep
    only hits of the caller's account.
    """
    achievements = list(session.scalars(select(Achievement).where(Achievement.status == "已发布")))
    demands = list(session.scalars(select(Demand).where(Demand.status != DEMAND_CLOSED)))
    counts = {
        "achievements": matcher.index_achievements(achievements),
        "demands": matcher.index_demands(demands),
    }
    log.info("matching index synced: %s changed", counts)
    return counts
