"""A question about how something works is answered, not turned into a form (found by sending the Q&A dev
questions through the whole chat, ``bench/qa_routing.py``): '想做个盐雾试验 得提前多久约' opened the demand form, '检测报告一般
几天出' asked '您是想…'. A problem asked as a question ('…全是小眼 咋搞') still opens the demand form."""

from __future__ import annotations

import pytest

from bot.container import Container
from tests.handlers import test_policy_chat as policy_chat
from tests.support.wechat_client import wechat_client

svc = policy_chat.svc  # the same module fixture: the sample knowledge base
FORM = "我来帮您登记技术需求"


@pytest.mark.parametrize("question", ["想做个盐雾试验 得提前多久约", "检测报告一般几天出", "成果转化一个项目最多补多少"])
def test_a_question_about_a_detail_is_answered_not_a_form(svc: Container, question: str) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text(f"route_{len(question)}", question)
    assert FORM not in reply and not reply.startswith("您是想") and "来源" in reply, reply


def test_a_problem_asked_as_a_question_still_opens_the_demand_form(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("route_problem", "我们厂做球铁件的 农机变速箱壳子 最近老有缩松 加工一刀下去里面全是小眼 咋搞")
    assert FORM in reply
