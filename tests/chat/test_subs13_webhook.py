"""Declined forms and contacts after a direct subscription, through the real webhook (each test stands for a class).

A message that declines a form ('成果我就不登记了', '不是来提需求的') never opens it; alert topics said then, or
next, subscribe. A contact sent in parts after a direct subscription (a name alone, '联系人 X', then the phone)
goes to the subscription form, which asks for the phone, never to a demand.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.container import Container
from bot.domain.achievements import list_topics
from bot.store.models import Achievement, Demand, User
from knowledge.extract import alert_topics
from tests.chat import test_forms_webhook as forms_chat

FORM_OPENED = ("登记到项目库", "登记技术需求", "请简单介绍这项成果", "请简单说说遇到的问题")


services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines


def say(wx: object, openid: str, *texts: str) -> str:
    """Send messages in order; the last reply (passive, else pushed), joined."""
    reply = ""
    for text in texts:
        replies = wx.send_text(openid, text)  # type: ignore[attr-defined]
        if not replies:
            wx.drain()  # type: ignore[attr-defined]
            replies = wx.pushes(openid)[-1:]  # type: ignore[attr-defined]
        reply = "\n".join(replies)
    return reply


def _count(services: Container, model: type, column: object, openid: str) -> int:
    """How many rows of ``model`` the user owns."""
    with services.db.session() as session:
        return len(list(session.scalars(select(model).where(column == openid))))


def _topics(services: Container, openid: str) -> list[str]:
    """The user's demand-alert topics."""
    with services.db.session() as session:
        return list_topics(session, appid=services.appid, openid=openid)


def _user(services: Container, openid: str) -> tuple[str | None, str | None]:
    """The stored contact name and phone of the user."""
    with services.db.session() as session:
        user = session.scalars(select(User).where(User.openid == openid)).one()
        return user.name, user.phone


def test_declined_achievement_is_not_opened_and_topics_next_subscribe(wx: object, services: Container) -> None:
    """'…刚退休 成果也不打算登记了 跑不动了' opens no achievement form; the topics said next subscribe."""
    openid = "subs13_declined_next"
    reply = say(wx, openid, "我在汉江师范学院教了一辈子书 刚退休 成果也不打算登记了 跑不动了")
    assert not any(cue in reply for cue in FORM_OPENED), reply
    assert "提醒" in reply
    summary = say(wx, openid, "以后有新能源汽车和电子信息方面的企业需求 发给我瞧瞧")
    assert "提醒方向：新能源汽车、电子信息" in summary, summary
    say(wx, openid, "确认", "同意")
    assert set(_topics(services, openid)) >= {"新能源汽车", "电子信息"}
    assert _count(services, Achievement, Achievement.owner_openid, openid) == 0


def test_declined_achievement_mid_form_ends_it_and_topics_next_subscribe(wx: object, services: Container) -> None:
    """Declining the open achievement form ends it; topics in the next message are alerts, not form values."""
    openid = "subs13_declined_mid"
    say(wx, openid, "我要登记成果")
    reply = say(wx, openid, "我想了想 成果还是不登记了 身体吃不消")
    assert "已取消" in reply and "提醒" in reply, reply
    summary = say(wx, openid, "以后有新材料方面的企业需求 推给我看看")
    assert "需求提醒订阅" in summary and "新材料" in summary, summary
    assert "项目库" not in summary


def test_declined_demand_is_not_opened(wx: object, services: Container) -> None:
    """'我们公司不是来提需求的' opens no demand form (the rest of the message asks for none)."""
    openid = "subs13_declined_demand"
    reply = say(wx, openid, "我们公司不是来提需求的 厂里也没啥技术难题")
    assert not any(cue in reply for cue in FORM_OPENED), reply
    assert _count(services, Demand, Demand.openid, openid) == 0


@pytest.mark.parametrize(("openid", "name_turn", "name"), [
    ("subs13_contact_cued", "我叫孙晓梅", "孙晓梅"),
    ("subs13_contact_bare", "张秀英", "张秀英"),
])
def test_name_alone_after_direct_subscription_asks_the_phone(wx: object, services: Container, openid: str,
                                                            name_turn: str, name: str) -> None:
    """After a direct subscription a name alone (cued or bare) opens the subscription form, which asks for the
    phone; the phone then completes it, and no demand is ever created."""
    subscribed = say(wx, openid, "俺们村合作社 有电子信息方面的企业需求 跟我讲一声")
    assert "已订阅" in subscribed, subscribed
    asked = say(wx, openid, name_turn)
    assert "联系电话" in asked and "问题" not in asked, asked
    summary = say(wx, openid, "手机 13800001313")
    assert "请核对" in summary and name in summary and "13800001313" in summary, summary
    say(wx, openid, "确认", "同意")
    assert _user(services, openid) == (name, "13800001313")
    assert _count(services, Demand, Demand.openid, openid) == 0


def test_time_words_before_the_topics_are_no_topic() -> None:
    """'往后有X和Y的企业需求' names X and Y, like '以后有…' (the subscription route already reads both as alerts)."""
    assert alert_topics("往后有新能源汽车和电子信息的企业需求 发给我瞧瞧") == ["新能源汽车", "电子信息"]
