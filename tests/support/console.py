"""Browser tests of the console: a real ``kc serve`` subprocess (fake WeChat API, sample data) and Chromium.

``console_server`` (module scope, in ``tests/web/console/conftest.py``) starts one server per test module with
three accounts (``USERS``); ``page`` gives each test a fresh browser context. Chromium is Debian's binary
(``shutil.which("chromium")``); Playwright's own browsers are never installed.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bot.store.engine import Database
from bot.wechat.testing.fakeapi import FakeWeChat
from tests.web.test_serve_process import Server, serve_env, signed, start, wait_healthy

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
PASSWORD = "kc-test-password-1"
# name → (role, region)
USERS = {"admin": ("admin", None), "shiyan": ("liaison", "十堰市"), "xiangyang": ("liaison", "襄阳市")}


@dataclass
class ConsoleServer:
    """A running ``kc serve`` with the fake WeChat API it pushes to and its SQLite database."""

    server: Server
    fake: FakeWeChat
    database_url: str
    msg_ids: Iterator[int] = field(default_factory=lambda: iter(range(7_700_000, 8_000_000)))

    @property
    def url(self) -> str:
        """The server's base URL."""
        return self.server.url

    def chat(self, openid: str, text: str) -> str:
        """Send one text message through the real webhook (signed XML); the passive reply's content."""
        xml = (f"<xml><ToUserName>gh_console</ToUserName><FromUserName>{openid}</FromUserName>"
               f"<CreateTime>{int(time.time())}</CreateTime><MsgType>text</MsgType>"
               f"<Content><![CDATA[{text}]]></Content><MsgId>{next(self.msg_ids)}</MsgId></xml>")
        response = httpx.post(self.url + "/wechat", params=signed(), content=xml.encode(), timeout=30)
        assert response.status_code == 200, response.text
        found = re.search(r"<Content><!\[CDATA\[(.*)\]\]></Content>", response.text, re.S)
        return found.group(1) if found else ""

    @contextmanager
    def db(self) -> Iterator[Any]:
        """A session on the server's database (SQLite in WAL mode: reads while it runs)."""
        database = Database(self.database_url)
        try:
            with database.session() as session:
                yield session
        finally:
            database.dispose()


@contextmanager
def running_console(tmp: Path, database_url: str | None = None, **env: str) -> Iterator[ConsoleServer]:
    """Create the accounts, start ``kc serve`` with the sample data and a fake WeChat API; stop both after.

    The database is SQLite in ``tmp`` unless ``database_url`` (an empty PostgreSQL database) is given;
    ``env``: extra ``KC_*`` settings for the server."""
    from bot.clock import utcnow
    from bot.domain.staff import create_staff

    data = tmp / "data"
    data.mkdir(parents=True)
    extra = {"KC_DATABASE_URL": database_url} if database_url else {}
    database_url = database_url or f"sqlite:///{data / 'kc.sqlite3'}"
    database = Database(database_url)
    database.migrate()
    with database.session() as session:
        for name, (role, region) in USERS.items():
            create_staff(session, name=name, role=role, region=region, password=PASSWORD, actor="test",
                         now=utcnow())
    database.dispose()
    with FakeWeChat() as fake:
        server = start(tmp, serve_env(data, KC_WECHAT_API_BASE=fake.base_url, KC_SEED_SAMPLES="true",
                                      **extra, **env))
        try:
            wait_healthy(server)
            yield ConsoleServer(server, fake, database_url)
        finally:
            server.stop()


@contextmanager
def chromium() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable, "chromium is not installed (apt-get install chromium fonts-noto-cjk)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def sign_in(page: Any, base_url: str, name: str, password: str = PASSWORD) -> None:
    """Fill the sign-in form (用户名, 密码, 登录) and submit it (opening the form unless it is shown)."""
    if "/console/login" not in page.url:
        page.goto(base_url + "/console/login")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("domcontentloaded")


def screenshot(page: Any, name: str) -> Path:
    """Keep a full-page screenshot under var/screenshots/ (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
