"""Console wording of the service desks: waits, the customer-service window, WeChat errors in words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.pushes import errcode
from bot.store.cswindow import CsWindow
from bot.web.console.labels import error_in_words, waited, window_text

AT = datetime(2031, 5, 4, 2, 0, tzinfo=UTC)  # 10:00 in Beijing


@pytest.mark.parametrize(("delta", "text"), [(timedelta(minutes=3), "3 分钟"), (timedelta(hours=2, minutes=5),
                         "2 小时 5 分"), (timedelta(days=1, hours=3), "1 天 3 小时")])
def test_waits_read_naturally(delta: timedelta, text: str) -> None:
    assert waited(delta) == text


def test_the_window_says_whether_a_reply_goes_now_and_how_many_are_left() -> None:
    assert window_text(CsWindow(AT, AT + timedelta(hours=48), 3)) == "可发送，还剩 3 条（窗口至 05-06 10:00）"
    assert "已用完" in window_text(CsWindow(AT, AT + timedelta(hours=48), 0))
    assert "超过 48 小时" in window_text(CsWindow(AT, None, 0))
    assert "从未发消息" in window_text(CsWindow(None, None, 0))


@pytest.mark.parametrize(("error", "words"), [
    ("errcode 45015: response out of time limit", "超出 48 小时客服消息时限"),
    ("errcode 45047: out of response count limit", "客服消息条数已达上限"),
    ("HTTP 500 Internal Server Error", "微信服务器出错"),
    ("uncertain: no answer from WeChat within 5 s", "可能已送达"),
    ("errcode 99999: something new", "errcode 99999: something new"),
])
def test_wechat_errors_are_explained_and_keep_the_original(error: str, words: str) -> None:
    explained = error_in_words(error, errcode(error))
    assert words in explained and (error in explained)
