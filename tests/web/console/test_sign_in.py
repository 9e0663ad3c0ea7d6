"""Sign-in, lockout, CSRF, cookie flags and sign-out in real Chromium against ``kc serve``."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.support.console import USERS, ConsoleServer, screenshot, sign_in

pytestmark = pytest.mark.slow
NAV = ("工作台", "问题库", "项目库", "匹配", "活动", "知识库", "人工服务", "推送")


def test_unsigned_pages_redirect_and_every_nav_link_opens(console_server: ConsoleServer, page: Any) -> None:
    page.goto(console_server.url + "/console/demands")
    assert page.url.startswith(console_server.url + "/console/login")
    screenshot(page, "login")
    sign_in(page, console_server.url, "admin")
    assert page.url.endswith("/console/demands")  # back where the user wanted to go
    for label in NAV:
        response = None
        with page.expect_navigation() as nav:
            page.get_by_role("navigation").get_by_role("link", name=label, exact=True).click()
        response = nav.value
        assert response is not None and response.status == 200, label
        expect(page.get_by_role("button", name="退出")).to_be_visible()


def test_wrong_password_then_lockout_after_five(console_server: ConsoleServer, page: Any) -> None:
    sign_in(page, console_server.url, "xiangyang", "wrong-password")
    expect(page.get_by_text("用户名或密码错误")).to_be_visible()
    for _ in range(4):
        sign_in(page, console_server.url, "xiangyang", "wrong-password")
    expect(page.get_by_text("锁定")).to_be_visible()
    sign_in(page, console_server.url, "xiangyang")  # the right password is refused while locked
    expect(page.get_by_text("锁定")).to_be_visible()
    assert "/console/login" in page.url
    with console_server.db() as session:
        from sqlalchemy import select

        from bot.store.models import LoginAttempt

        reasons = list(session.scalars(select(LoginAttempt.reason).where(LoginAttempt.name == "xiangyang")))
    assert reasons.count("bad_password") == 4 and reasons.count("locked") == 2


def test_post_without_csrf_token_is_403_and_cookie_flags_hold(console_server: ConsoleServer, page: Any) -> None:
    sign_in(page, console_server.url, "admin")
    cookie = next(c for c in page.context.cookies() if c["name"] == "kc_console")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/console"
    assert not cookie["secure"]  # development over http; production sets Secure (unit test)
    status = page.evaluate("""async () => (await fetch('/console/logout', {method: 'POST'})).status""")
    assert status == 403
    assert page.evaluate("() => document.cookie") == ""  # HttpOnly: scripts cannot read the session
    page.reload()
    expect(page.get_by_role("button", name="退出")).to_be_visible()  # the refused POST changed nothing
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    status = page.evaluate("""async (token) => (await fetch('/console/logout',
        {method: 'POST', headers: {'X-CSRF-Token': token}, redirect: 'manual'})).type""", token)
    assert status == "opaqueredirect"  # the htmx header carries the token as well: signed out
    page.reload()
    assert "/console/login" in page.url


def test_after_logout_the_old_cookie_no_longer_opens_the_console(console_server: ConsoleServer, page: Any) -> None:
    sign_in(page, console_server.url, "admin")
    old = next(c["value"] for c in page.context.cookies() if c["name"] == "kc_console")
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/console/login")
    replay = httpx.get(console_server.url + "/console/", cookies={"kc_console": old}, follow_redirects=False)
    assert replay.status_code == 303 and "/console/login" in replay.headers["location"]
    assert set(USERS) >= {"admin"}
