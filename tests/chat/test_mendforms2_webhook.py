"""Alerts and units through the real webhook (mendforms2): '只要…' changes a subscriber's alerts only when what
follows names topics ('只要一个懂PLC的工程师' is a demand, not a topic edit); a whole institution said after a
partner company ('湖北文理学院') is no department and names the unit, and '和X公司合作' never makes X the unit's name
with the 和 glued on; a department said after the unit still leaves it."""

from __future__ import annotations

from sqlalchemy import select

from bot.container import Container
from bot.store.models import Interest
from knowledge.extract.edits import as_industries
from tests.chat import test_forms_webhook as forms_chat
from tests.chat.test_forms_voices5_webhook import achievement_of

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, submit = forms_chat.say, forms_chat.submit


def _topics(services: Container, openid: str) -> list[str]:
    """The user's demand-alert topics."""
    with services.db.session() as session:
        rows = session.scalars(select(Interest).where(Interest.openid == openid, Interest.kind == "match"))
        return sorted(k for r in rows for k in r.keywords)


def test_a_demand_said_with_only_keeps_a_subscribers_topics(wx: object, services: Container) -> None:
    """A subscriber's '我们厂只要一个懂PLC的工程师，能帮忙找吗' opens the demand form; the topics stay."""
    openid = "mf2_only_demand"
    say(wx, openid, "以后有焊接、热处理方面的需求提醒我", "陶明 13800013301", "确认", "同意")
    before = _topics(services, openid)
    assert before
    reply = say(wx, openid, "我们厂只要一个懂PLC的工程师，能帮忙找吗")
    assert "已更新" not in reply and "技术需求" in reply
    assert _topics(services, openid) == before


def test_only_after_a_condition_keeps_the_topics(wx: object, services: Container) -> None:
    """'只要价格合适都可以谈', '只要能解决焊接变形就行' name no topic: nothing is dropped or added."""
    openid = "mf2_only_condition"
    say(wx, openid, "以后有焊接、热处理方面的需求提醒我", "陶明 13800013302", "确认", "同意")
    before = _topics(services, openid)
    for text in ("只要价格合适都可以谈", "只要能解决焊接变形就行"):
        assert "已更新" not in say(wx, openid, text)
        assert _topics(services, openid) == before


def test_unsubscribing_one_and_keeping_only_a_sector_named_loosely(wx: object, services: Container) -> None:
    """'新能源的退订吧 只要汽车零部件' keeps the car-parts topic (the user's own words, 汽车零部件: the same
    catalogue industry 汽车及零部件) and drops the rest."""
    openid = "mf2_only_sector"
    say(wx, openid, "以后有新能源新材料方面的需求提醒我", "邹红 13800013303", "确认", "同意",
        "以后有铸造、汽车零部件方面的需求也提醒我")
    assert "汽车零部件" in _topics(services, openid)
    reply = say(wx, openid, "算了新能源的退订吧 只要汽车零部件")
    assert "已更新" in reply
    assert as_industries(_topics(services, openid)) == ["汽车及零部件"]  # one topic: the car-parts industry


def test_a_college_said_after_a_partner_company_names_the_unit(wx: object, services: Container) -> None:
    """'我们和襄阳华新科技有限公司合作做了…' then '我是湖北文理学院的': the unit is the college, not the partner."""
    openid = "mf2_partner"
    say(wx, openid, "我们和襄阳华新科技有限公司合作做了一种秸秆可降解地膜，想登记成果", "我是湖北文理学院的",
        "小试", "现代农业", "无", "联系人 龚晓 13800013304")
    submit(wx, openid)
    assert achievement_of(services, openid).institution == "湖北文理学院"


def test_a_department_after_the_college_keeps_the_college(wx: object, services: Container) -> None:
    """'汉江师范学院' then '化学与环境工程学院' (its department): the unit stays the college."""
    openid = "mf2_department"
    say(wx, openid, "登记成果", "汉江师范学院", "化学与环境工程学院", "成果叫 秸秆基可降解地膜", "小试", "现代农业",
        "无", "联系人 严芳 13800013305")
    submit(wx, openid)
    assert achievement_of(services, openid).institution == "汉江师范学院"
