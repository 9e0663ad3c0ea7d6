"""Builds the knowledge base from settings and seeds the sample documents on first start."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from bot.settings import Settings

log = logging.getLogger(__name__)

SAMPLE_KB = Path(__file__).resolve().parents[2] / "samples" / "kb"


def build_knowledge_base(settings: Settings) -> Any:
    """A ``knowledge.kb.KnowledgeBase`` configured by the ``KC_*`` settings."""
    from knowledge.kb import KnowledgeBase

    return KnowledgeBase(Path(settings.data_dir), chroma_url=settings.chroma_url, embedding=settings.embedding_model,
                         llm_base_url=settings.llm_base_url, llm_api_key=settings.llm_api_key,
                         llm_model=settings.llm_model, home_city=settings.home_city,
                         llm_timeout=settings.llm_timeout, reranker=settings.reranker_model)


def seed_kb_if_empty(kb: Any, folder: Path = SAMPLE_KB) -> int:
    """Ingest the sample policy documents when the knowledge base holds none; returns documents added."""
    if kb.list_docs() or not folder.is_dir():
        return 0
    report = kb.ingest(sorted(folder.glob("*.md")))
    log.info("首次启动：已导入示例知识库文档 %s 篇", len(report.ingested))
    return len(report.ingested)
