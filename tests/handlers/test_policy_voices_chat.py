"""Policy questions in other voices through the real webhook: dialect question words (好多, 么子, 行不行),
a statement of the asker's own situation (1990年生的), a follow-up asking one figure of a list, and near-scope
details asked in dialect, answered or declined by name."""

from __future__ import annotations

import pytest

from bot.container import Container
from tests.handlers.test_policy_chat import svc
from tests.support.wechat_client import wechat_client

__all__ = ["svc"]


def _source_last(reply: str) -> bool:
    """Whether the reply ends with its source line."""
    return reply.strip().splitlines()[-1].startswith("来源：《")


@pytest.mark.parametrize(("question", "expected"), [
    ("我孙子今年17岁 想当科技志愿者 行不行", "监护人"),  # 行不行 only asks
    ("我是1990年生的博士，还能报青年托举不", "1992年1月1日"),  # the asker's birth year is not a programme year
])
def test_questions_in_dialect_are_answered(svc: Container, question: str, expected: str) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("v1", question)
    assert expected in reply and not reply.startswith(("资料里没有写明", "抱歉")) and _source_last(reply)


def test_a_list_asked_in_dialect_gets_the_whole_list(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("v2", "成果转化补贴要准备啥子材料，一样一样说下")
    assert all(item in reply for item in ("补贴申请表", "认定登记证明", "银行付款凭证", "佐证材料"))


def test_a_follow_up_for_one_figure_gets_its_item_not_the_whole_list_again(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (first,) = wx.send_text("v3", "高新技术企业认定有什么条件")
        (follow,) = wx.send_text("v3", "那研发费用要占多少")
    assert "科技人员" in first and "不低于5%" in first
    assert "不低于5%" in follow and "同时满足以下条件" in follow and "科技人员" not in follow and _source_last(follow)


def test_a_near_scope_detail_asked_in_dialect_is_declined_by_name(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("v4", "科技志愿者买的那个意外险保额是好多")  # 好多 = 多少: insurance, no sum insured
    assert reply.startswith("资料里没有写明意外险保额") and "里相关的内容是：" in reply and _source_last(reply)
