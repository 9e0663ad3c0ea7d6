"""The review flow and the region scope once more with ``kc serve`` on PostgreSQL (real Chromium)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from bot.store.models import Demand, Outbox
from tests.conftest import _pg_admin_connect
from tests.support.console import ConsoleServer, running_console, sign_in
from tests.support.env import PG_ADMIN_URL
from tests.web.console.test_review import register_in_chat

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


@pytest.fixture(scope="module")
def console_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleServer]:
    """``kc serve`` on a fresh PostgreSQL database of its own (dropped afterwards)."""
    name = f"kc_console_{uuid.uuid4().hex[:10]}"
    with _pg_admin_connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        with running_console(tmp_path_factory.mktemp("console-pg"), url) as server:
            yield server
    finally:
        with _pg_admin_connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_approve_and_scope_on_postgresql(console_server: ConsoleServer, page: Any) -> None:
    demand_id = register_in_chat(console_server, "o_console_pg_owner", "襄阳驰冷电驱科技有限公司")
    sign_in(page, console_server.url, "shiyan")
    response = page.goto(f"{console_server.url}/console/demands/{demand_id}")
    assert response is not None and response.status == 404  # a 襄阳 demand, a 十堰 liaison
    page.context.clear_cookies()
    sign_in(page, console_server.url, "xiangyang")
    page.goto(f"{console_server.url}/console/demands?q=驰冷")
    page.get_by_role("link", name=demand_id, exact=True).click()
    page.get_by_role("button", name="通过", exact=True).click()
    expect(page.locator("h1 .badge")).to_have_text("已发布")
    with console_server.db() as session:
        assert session.get(Demand, demand_id).status == "已发布"
        kinds = set(session.scalars(select(Outbox.kind).where(Outbox.openid == "o_console_pg_owner")))
    assert "demand_review" in kinds
