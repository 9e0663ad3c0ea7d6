"""Found by the lead in ``kc chat``: a remark that asks nothing ('今天天气真好啊', '好无聊啊 陪我聊聊天') got the
out-of-scope decline ("这个问题不在我能帮忙的范围内") and went on the console's 未答问题 list as if it were a question."""

from __future__ import annotations

from sqlalchemy import select

from bot.container import Container
from bot.store.models import UnansweredQuestion
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx
say = forms_chat.say


def _unanswered(services: Container) -> list[str]:
    """The questions on the console's 未答问题 list."""
    with services.db.session() as session:
        return [q.question for q in session.scalars(select(UnansweredQuestion))]


def test_a_remark_gets_a_friendly_line_and_is_no_unanswered_question(wx: object, services: Container) -> None:
    """Chit-chat is answered warmly with what the bot does; a real out-of-scope request is still declined and listed."""
    for remark in ("今天天气真好啊", "好无聊啊 陪我聊聊天"):
        reply = say(wx, "lead_chitchat", remark)
        assert "闲聊我不太在行" in reply and "不在我能帮忙的范围" not in reply, reply
    requests = ("帮我订个明天去武汉的酒店", "我想买一台二手车", "我家猫这两天不吃东西了")  # a second reader's finding
    for request in requests:
        decline = say(wx, "lead_chitchat", request)
        assert "不在我能帮忙的范围" in decline, decline
    listed = _unanswered(services)
    assert all(r in listed for r in requests) and "今天天气真好啊" not in listed


def test_asking_whether_the_service_costs_money_is_answered_and_the_form_goes_on(wx: object,
                                                                                services: Container) -> None:
    """'你们这个提需求要收费吗' in the middle of a demand gets "不收费", not the capability menu, and the pending
    question is asked again."""
    openid = "lead_fee"
    say(wx, openid, "我们是做汽车内饰件的 注塑件表面老有缩痕 想找专家看看", "襄阳华宇汽车内饰有限公司 在高新区")
    reply = say(wx, openid, "对了 你们这个提需求要收费吗")
    assert "不收费" in reply and "预算" in reply and "1. 提需求" not in reply, reply


def test_free_as_an_adjective_is_no_question_about_the_service(wx: object, services: Container) -> None:
    """'你们有免费的检测服务吗' is not answered with "不收费…" (it would read as if testing were free)."""
    assert "不收费" not in say(wx, "lead_free_adj", "你们有免费的检测服务吗")
