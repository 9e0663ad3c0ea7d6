"""Seeds the sample policy documents into an empty knowledge base on first start."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SAMPLE_KB = Path(__file__).resolve().parents[2] / "samples" / "kb"


def seed_kb_if_empty(kb: Any, folder: Path = SAMPLE_KB) -> int:
    """Ingest the sample policy documents when the knowledge base holds none; returns documents added."""
    if kb.list_docs() or not folder.is_dir():
        return 0
    report = kb.ingest(sorted(folder.glob("*.md")))
    log.info("首次启动：已导入示例知识库文档 %s 篇", len(report.ingested))
    return len(report.ingested)
