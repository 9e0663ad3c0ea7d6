"""Shared fixtures: settings in a temp data dir, SQLite and PostgreSQL databases, the service container."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.container import Container
from bot.settings import Settings, get_settings
from bot.store.engine import Database
from bot.wechat.testing.fakeapi import FakeWeChat
from tests.support.env import PG_ADMIN_URL, SAMPLES, make_settings, truncate_all  # noqa: F401 (re-exported)

# Keep every test away from the developer's .env and real WeChat/LLM endpoints.
for _name in list(os.environ):
    if _name.startswith("KC_"):
        del os.environ[_name]
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"


@pytest.fixture(autouse=True, scope="session")
def _intent_model() -> None:
    """Train the intent model once per test process (the chat classifies every text message)."""
    from knowledge.intents import warm

    warm(None)


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
def services(settings: Settings) -> Iterator[Container]:
    """A migrated service container on SQLite."""
    svc = Container.create(settings)
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


@pytest.fixture
def fake() -> Iterator[FakeWeChat]:
    """A local fake WeChat API server (records calls, injects errors and delays)."""
    with FakeWeChat() as server:
        yield server
