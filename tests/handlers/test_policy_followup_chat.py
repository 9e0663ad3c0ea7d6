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



def test_a_question_naming_no_topic_continues_the_last_one(svc: Container) -> None:
    """'什么时候申报' after a 加计扣除 answer names no topic: it is answered about 加计扣除 (7月预缴 / 次年5月31日),
    not from the 高企 guide's filing batches."""
    with wechat_client(svc) as wx:
        (first,) = wx.send_text("f6", "请问研发费用加计扣除比例是多少")
        assert "加计扣除" in first
        (when,) = wx.send_text("f6", "什么时候申报")
        assert "加计扣除" in when and "汇算清缴" in when and "第一批" not in when


def test_a_question_with_say_more_in_it_is_answered_not_the_same_passage_repeated(svc: Container) -> None:
    """'认定下来有啥好处 说详细点' after 高企 conditions asks about the benefits: it gets the benefits section, not
    more of the conditions; a bare '具体点' still continues the last answer."""
    with wechat_client(svc) as wx:
        wx.send_text("f2", "高新技术企业认定有什么条件")
        (benefits,) = wx.send_text("f2", "认定下来有啥好处 说详细点")
        assert "15%" in benefits and "注册成立满一年" not in benefits
    with wechat_client(svc) as wx:
        wx.send_text("f3", "高新技术企业认定有什么条件")
        (more,) = wx.send_text("f3", "具体点")
        assert "申报流程" in more


def test_how_long_question_is_answered_with_the_duration_the_document_states(svc: Container) -> None:
    """'那个证书有效期多长时间' is answered with 证书有效期3年; '多长时间' is the question, not a detail the document
    must name (it said '资料里没有写明证书有效期多长时间的时间' while quoting the answer)."""
    with wechat_client(svc) as wx:
        wx.send_text("f4", "高新技术企业认定有什么条件")
        (answer,) = wx.send_text("f4", "那个证书有效期多长时间")
        assert "3年" in answer and "没有写明" not in answer
