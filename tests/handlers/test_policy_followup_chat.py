"""A follow-up question continues the topic of the last answer ('那研发费用要占多少' after 高企 conditions), through
the real webhook with the sample knowledge base"""

from __future__ import annotations

from bot.container import Container
from tests.handlers.test_policy_chat import svc
from tests.support.wechat_client import wechat_client

__all__ = ["svc"]


def test_elliptical_follow_up_stays_with_the_last_document(svc: Container) -> None:
    """Asked after 高企 conditions, '那研发费用要占多少' is answered from the 高企 guide, not from 加计扣除."""
    with wechat_client(svc) as wx:
        (first,) = wx.send_text("f1", "高新技术企业认定有什么条件")
        assert "高新技术企业认定" in first
        (follow,) = wx.send_text("f1", "那研发费用要占多少")
        assert "高新技术企业认定" in follow and "不低于5%" in follow

