"""The local fake WeChat API server for tests (implementation in ``bot.wechat.testing.fakeapi``, shared with ``kc chat``).

    with FakeWeChat() as fake:            # real HTTP on 127.0.0.1, in a thread
        settings.wechat_api_base = fake.base_url
        fake.fail("custom", 48001)        # next customer-service send answers errcode 48001
        fake.delay("custom", 0.5)         # answer customer-service sends after 0.5 s
        fake.revoke_tokens()              # issued tokens become invalid (next call → 40001)
        fake.texts("openid")              # customer-service texts accepted for that user
        fake.of("menu")                   # recorded calls of one kind (token, stable_token, custom, ...)
"""

from __future__ import annotations

from bot.wechat.testing.fakeapi import SENDS, Call, FakeWeChat

__all__ = ["SENDS", "Call", "FakeWeChat"]
