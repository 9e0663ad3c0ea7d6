"""First-start seeding of the bundled fictional sample data: records into an empty database, documents into an
empty knowledge base."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.data.importer import import_file
from bot.store.models import Achievement, Demand, Event

log = logging.getLogger(__name__)

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "samples"
SAMPLE_FILES = {
    "demands": SAMPLES_DIR / "matching" / "demands.jsonl",
    "achievements": SAMPLES_DIR / "matching" / "achievements.jsonl",
    "events": SAMPLES_DIR / "events.jsonl",
}
SAMPLE_KB = SAMPLES_DIR / "kb"


def is_empty(session: Session) -> bool:
    """Whether the database holds no demands, achievements or events yet (first start)."""
    return all(session.scalar(select(func.count()).select_from(m)) == 0 for m in (Demand, Achievement, Event))


def seed_if_empty(session: Session, *, appid: str, samples_dir: Path = SAMPLES_DIR) -> dict[str, int]:
    """Import the sample demands, achievements and events when the database has none; return counts."""
    if not is_empty(session):
        return {}
    counts: dict[str, int] = {}
    for kind, path in SAMPLE_FILES.items():
        path = samples_dir / path.relative_to(SAMPLES_DIR)
        if path.exists():
            counts[kind] = import_file(session, kind=kind, path=path, appid=appid).total
    log.info("首次启动：已导入示例数据 %s", counts)
    return counts


def seed_kb_if_empty(kb: Any, folder: Path = SAMPLE_KB) -> int:
    """Ingest the sample policy documents when the knowledge base holds none; returns documents added."""
    if kb.list_docs() or not folder.is_dir():
        return 0
    report = kb.ingest(sorted(folder.glob("*.md")))
    log.info("首次启动：已导入示例知识库文档 %s 篇", len(report.ingested))
    return len(report.ingested)
