"""Send signed (optionally encrypted) WeChat messages through the real app and decode the replies.

    from tests.support.wechat_client import wechat_client

    def test_something(services):
        with wechat_client(services) as wx:            # mode="plain" | "compat" | "aes"
            assert "提需求" in wx.send_text("o_user", "帮助")[0]
            wx.send_event("o_user", "subscribe")       # -> ["感谢关注！…"]
            wx.click("o_user", "KC_DEMAND")            # a menu CLICK
            wx.send_voice("o_user", "我要提需求")       # voice with Recognition (None = not recognised)
            wx.send_text("o_user", "同一条", msg_id=42) # choose the MsgId (to simulate WeChat retries)
            wx.drain(); wx.pushes("o_user")            # customer-service texts the fake API accepted

Each ``send_*`` returns the passive reply as a list of texts: ``[]`` when the app answered ``success``.
``wx.fake`` is the ``FakeWeChat`` the app pushes to (pass ``fake=`` to share one and inject errors);
``wx.http`` the fastapi TestClient; ``wx.post(fields)`` returns the raw response. The implementation is
``bot.wechat.testing.simulator`` (also used by ``kc chat``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bot.web.app import create_app
from bot.wechat.testing.fakeapi import FakeWeChat
from bot.wechat.testing.simulator import ACCOUNT, Simulator, new_aes_key, simulate, to_xml

WeChatTestClient = Simulator


@contextmanager
def wechat_client(services: Any, *, mode: str = "plain", fake: FakeWeChat | None = None) -> Iterator[Simulator]:
    """The real app over ``services`` with a simulator talking to it (see the module docstring)."""
    with simulate(services, app_factory=create_app, mode=mode, fake=fake) as client:
        yield client

__all__ = ["ACCOUNT", "WeChatTestClient", "new_aes_key", "to_xml", "wechat_client"]
