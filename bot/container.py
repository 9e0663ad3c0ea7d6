"""The service container every entry point builds once: settings, database and lazily-loaded engines."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from bot.settings import Settings
from bot.store.engine import Database

log = logging.getLogger(__name__)


@dataclass
class AppServices:
    """Shared services; heavy parts (knowledge base, matcher, gateway) load on first use."""

    settings: Settings
    db: Database
    overrides: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def create(cls, settings: Settings, *, migrate: bool = True) -> AppServices:
        """Open the database (creating the data dir and schema when asked)."""
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        db = Database(settings.resolved_database_url)
        if migrate:
            db.migrate()
        return cls(settings=settings, db=db)

    def now(self) -> datetime:
        """The current time; tests replace it with ``overrides["clock"]`` (a callable) for a fixed clock."""
        clock = self.overrides.get("clock")
        return clock() if clock is not None else datetime.now(UTC)

    @property
    def appid(self) -> str:
        """The default account's appid."""
        return self.settings.appid

    @cached_property
    def kb(self) -> Any:
        """The knowledge base (Chroma + BM25 + answers), loaded on first use."""
        if "kb" in self.overrides:
            return self.overrides["kb"]
        from bot.data.knowledge import build_knowledge_base

        return build_knowledge_base(self.settings)

    @cached_property
    def matcher(self) -> Any:
        """The two-way matcher, its index synced with the SQL records on first use."""
        if "matcher" in self.overrides:
            return self.overrides["matcher"]
        from bot.domain.matches.index import build_matcher, sync_index

        matcher = build_matcher(self.settings)
        sync_index(matcher, self.db)
        return matcher

    @cached_property
    def gateway(self) -> Any:
        """The outbound WeChat API (``bot.wechat.api.WeChatGateway``), built on first use."""
        if "gateway" in self.overrides:
            return self.overrides["gateway"]
        from bot.wechat.api import ApiGateway

        return ApiGateway(self.settings, self.db)

    @cached_property
    def router(self) -> Any:
        """The handler router (``handlers.registry.build_router``), built on first use."""
        if "router" in self.overrides:
            return self.overrides["router"]
        from handlers.registry import build_router

        return build_router()

    def close(self) -> None:
        """Release pooled connections."""
        self.db.dispose()
