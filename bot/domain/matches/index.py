"""Builds the matcher from settings and keeps its index in step with the SQL records."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from bot.settings import Settings
from bot.store.engine import Database
from bot.store.models import DEMAND_CLOSED, Achievement, Demand

log = logging.getLogger(__name__)

def build_matcher(settings: Settings) -> Any:
    """A ``knowledge.matching.Matcher`` over the configured embedder and the data dir's Chroma store."""
    from knowledge.embeddings import load_embedder
    from knowledge.matching import Matcher
    from knowledge.store import make_client

    embedder = load_embedder(settings.embedding_model)
    client = make_client(settings.data_dir, settings.chroma_url) if embedder.enabled else None
    return Matcher(embedder, settings.data_dir / "matching", client=client)


def sync_index(matcher: Any, db: Database) -> dict[str, int]:
    """Index every achievement and every open demand (unchanged records cost nothing).

    Pending demands are indexed too so the score calibration sees the whole corpus; callers alert only
    on published ones (``MATCHABLE_DEMAND_STATUSES``).
    """
    with db.session() as session:
        achievements = list(session.scalars(select(Achievement).where(Achievement.status == "已发布")))
        demands = list(session.scalars(select(Demand).where(Demand.status != DEMAND_CLOSED)))
    counts = {
        "achievements": matcher.index_achievements(achievements),
        "demands": matcher.index_demands(demands),
    }
    log.info("matching index synced: %s changed", counts)
    return counts
