"""First-start seeding of the bundled fictional sample data into an empty database."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.data.importer import import_file
from bot.store.engine import Database

log = logging.getLogger(__name__)

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "samples"
SAMPLE_FILES = {
    "demands": SAMPLES_DIR / "matching" / "demands.jsonl",
    "achievements": SAMPLES_DIR / "matching" / "achievements.jsonl",
    "events": SAMPLES_DIR / "events.jsonl",
}


def seed_if_empty(db: Database, *, appid: str, samples_dir: Path = SAMPLES_DIR) -> dict[str, int]:
    """Import the sample demands, achievements and events when the database has none; return counts."""
    if not db.is_empty():
        return {}
    counts: dict[str, int] = {}
    for kind, path in SAMPLE_FILES.items():
        path = samples_dir / path.relative_to(SAMPLES_DIR)
        if path.exists():
            counts[kind] = import_file(db, kind, path, appid=appid).total
    log.info("首次启动：已导入示例数据 %s", counts)
    return counts
