"""Researchers subscribing to demand alerts in casual speech, through the real webhook: failure classes found by
replaying ``tests/support/data/dialogues_voices20.jsonl`` before changing anything — the words around a topic taken
into it ('企业那边有X的需求', '关键词 X', '他关注 X', '跟企业那边对接'); topics added on the summary in passing ('特别
关注X', '具体点 A 和 B', 'X这种也行吗', '诶再加个X'); a direct subscription keeping only the first catalogue industry
it named; the unit said when declining to register lost when the alerts are set next.
Sentences are phrased unlike the data set's.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.container import Container
from bot.store.models import User
from tests.chat import test_forms_classes_webhook as classes
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, submit, topics_of = forms_chat.say, forms_chat.submit, classes.topics_of


def _company(services: Container, openid: str) -> str | None:
    """The unit stored with the user's contact."""
    with services.db.session() as session:
        return session.scalar(select(User.company).where(User.openid == openid))


def test_topic_words_come_without_the_request_around_them(wx: object, services: Container) -> None:
    """'厂家那边有X的需求能推给我' is X; '关键字' labels the list; '她关注' and '跟企业那边对接' name no topic."""
    openid = "r20_there"
    say(wx, openid, "我不登记成果 就想厂家那边有激光熔覆的需求能推给我", "我叫雷振华 手机13800017201")
    submit(wx, openid)
    assert topics_of(services, openid) == ["激光熔覆"]
    openid = "r20_label"
    say(wx, openid, "订阅需求 关键字 超声检测 涡流探伤", "雷振华 13800017202")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["超声检测", "涡流探伤"])
    openid = "r20_they"
    reply = say(wx, openid, "我没成果登记 想和企业那边对接一下 有需求提醒吗")
    assert "对接" not in reply.split("提醒方向")[-1][:12]
    say(wx, openid, "她关注 生物炭 还有 土壤修复", "雷振华 13800017203")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["生物炭", "土壤修复"])


def test_topics_added_on_the_summary_in_passing(wx: object, services: Container) -> None:
    """On the subscription summary '尤其关注X', '具体一点 A 和 B', 'X这类也行吗' and '哎 再加个X' add topics."""
    openid = "r20_more"
    say(wx, openid, "订阅 节能环保 方向的需求", "尤其关注余热回收", "具体一点 烟气脱硫 和 除尘")
    reply = say(wx, openid, "嗯 固废处置这类也行吗")
    assert "固废处置" in reply and "问题我先记下" not in reply
    say(wx, openid, "哎 再加个土壤修复", "雷振华 13800017204")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["节能环保", "余热回收", "烟气脱硫", "除尘", "固废处置", "土壤修复"])


def test_a_direct_subscription_keeps_every_topic_in_the_users_words(wx: object, services: Container) -> None:
    """'那我订一下 碳化硅 和 电子信息' subscribes to both (not only the industry); '好的 那再加个X' adds X."""
    openid = "r20_direct"
    reply = say(wx, openid, "那我订一下 碳化硅衬底 和 电子信息")
    assert "碳化硅衬底" in reply
    say(wx, openid, "好的 那再加个功率模块")
    assert topics_of(services, openid) == sorted(["碳化硅衬底", "电子信息", "功率模块"])


def test_the_unit_said_when_declining_stays_with_the_alerts(wx: object, services: Container) -> None:
    """'我是X学院化工系的 暂时没有成果要登记' then the topics: the unit is kept with the subscription."""
    openid = "r20_unit"
    say(wx, openid, "我是楚天理工学院化工系的 暂时没有成果要登记", "以后厂家那边有涂料助剂的需求能推给我吗",
        "我叫雷振华 手机13800017206")
    submit(wx, openid)
    assert topics_of(services, openid) == ["涂料助剂"]
    assert _company(services, openid) == "楚天理工学院"
