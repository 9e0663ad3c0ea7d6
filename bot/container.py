"""Typed wiring: settings, database, clock and the lazily built engines every entry point shares.

Tests pass fakes as constructor arguments (``Container.create(settings, knowledge=None, clock=Clock(t))``);
heavy parts (the knowledge base, the matcher, the WeChat client) are built on first use.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Final

from bot.clock import Clock
from bot.settings import Settings
from bot.store.engine import Database

if TYPE_CHECKING:
    from datetime import datetime

    from bot.wechat.api import WeChatGateway
    from handlers.kit.base import Router
    from knowledge.kb import KnowledgeBase
    from knowledge.matching import Matcher

log = logging.getLogger(__name__)


class _Lazy:
    """Marker for "build it from the settings on first use"."""


LAZY: Final = _Lazy()


class Container:
    """The shared services of one deployment; build once per process with ``Container.create``."""

    def __init__(self, settings: Settings, db: Database, *, clock: Clock | None = None,
                 knowledge: KnowledgeBase | None | _Lazy = LAZY, matcher: Matcher | _Lazy = LAZY,
                 gateway: WeChatGateway | _Lazy = LAZY, router: Router | None = None) -> None:
        self.settings, self.db = settings, db
        self.clock = clock or Clock()
        self._knowledge, self._matcher, self._gateway, self._router = knowledge, matcher, gateway, router
        self._build_lock = threading.RLock()

    @classmethod
    def create(cls, settings: Settings, *, migrate: bool = True, clock: Clock | None = None,
               knowledge: KnowledgeBase | None | _Lazy = LAZY, matcher: Matcher | _Lazy = LAZY,
               gateway: WeChatGateway | _Lazy = LAZY, router: Router | None = None) -> Container:
        """Open the database (creating the data dir and schema when asked) and wire the given parts in."""
        Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
        db = Database(settings.resolved_database_url)
        if migrate:
            db.migrate()
        return cls(settings, db, clock=clock, knowledge=knowledge, matcher=matcher, gateway=gateway, router=router)

    def now(self) -> datetime:
        """The current time from the deployment's clock."""
        return self.clock.now()

    @property
    def appid(self) -> str:
        """The default account's appid."""
        return self.settings.appid

    @property
    def kb(self) -> KnowledgeBase | None:
        """The knowledge base (Chroma + BM25 + answers), or None when this deployment runs without one."""
        with self._build_lock:
            if isinstance(self._knowledge, _Lazy):
                self._knowledge = build_knowledge_base(self.settings)
            return self._knowledge

    @property
    def matcher(self) -> Matcher:
        """The two-way matcher, its index synced with the SQL records on first use."""
        with self._build_lock:
            if isinstance(self._matcher, _Lazy):
                from bot.domain.matches.index import sync_index

                matcher = build_matcher(self.settings)
                with self.db.session() as session:
                    sync_index(session=session, matcher=matcher)
                self._matcher = matcher
            return self._matcher

    def gateway_for(self, appid: str) -> WeChatGateway:
        """The outbound WeChat API client of account ``appid``."""
        if appid != self.settings.appid:
            raise KeyError(f"未配置的公众号 {appid}")
        with self._build_lock:
            if isinstance(self._gateway, _Lazy):
                from bot.wechat.api import ApiGateway

                self._gateway = ApiGateway(self.settings, self.db, self.clock)
            return self._gateway

    @property
    def gateway(self) -> WeChatGateway:
        """The default account's WeChat API client."""
        return self.gateway_for(self.settings.appid)

    @property
    def router(self) -> Router:
        """The chat handler router (``handlers.registry.build_router``)."""
        with self._build_lock:
            if self._router is None:
                from handlers.registry import build_router

                self._router = build_router()
            return self._router

    def close(self) -> None:
        """Release pooled connections."""
        self.db.dispose()


def build_knowledge_base(settings: Settings) -> KnowledgeBase:
    """A ``knowledge.kb.KnowledgeBase`` configured by the ``KC_*`` settings."""
    from knowledge.kb import KnowledgeBase

    return KnowledgeBase(Path(settings.data_dir), chroma_url=settings.chroma_url, embedding=settings.embedding_model,
                         llm_base_url=settings.llm_base_url, llm_api_key=settings.llm_api_key,
                         llm_model=settings.llm_model, home_city=settings.home_city,
                         llm_timeout=settings.llm_timeout, reranker=settings.reranker_model)


def build_matcher(settings: Settings) -> Matcher:
    """A ``knowledge.matching.Matcher`` over the configured embedder and the data dir's Chroma store."""
    from knowledge.chroma import make_client
    from knowledge.embeddings import load_embedder
    from knowledge.matching import Matcher
    from knowledge.matching.journal import LocalJournal

    embedder = load_embedder(settings.embedding_model)
    client = make_client(settings.data_dir, settings.chroma_url) if embedder.enabled else None
    # the index is shared through the SQL journal (bot.domain.matches.index.SqlJournal), passed per call
    return Matcher(embedder, settings.data_dir / "matching", client=client, journal=LocalJournal())
