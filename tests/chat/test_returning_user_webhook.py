"""A returning user filing a second demand is offered the unit, its place and the contact kept from the first
(after consent) instead of being asked again; a unit named in the new message replaces the offer."""

from __future__ import annotations

from sqlalchemy import select

from bot.container import Container
from bot.store.models import Demand
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx
say, submit = forms_chat.say, forms_chat.submit

FIRST = "我们是襄阳恒力液压件有限公司 在襄州区 液压缸内壁拉伤 想找专家攻关 预算20万 联系人 杜建华 13800097711 行业高端装备制造"


def _demands(services: Container, openid: str) -> list[Demand]:
    with services.db.session() as session:
        rows = list(session.scalars(select(Demand).where(Demand.openid == openid).order_by(Demand.id)))
        session.expunge_all()
    return rows


def test_the_second_demand_offers_the_unit_and_keeps_place_and_contact(wx: object, services: Container) -> None:
    openid = "returning_same_unit"
    say(wx, openid, FIRST)
    submit(wx, openid)
    asked = say(wx, openid, "还有个事 想招一个懂液压系统设计的工程师 五年以上经验")
    assert "“襄阳恒力液压件有限公司”吗" in asked
    say(wx, openid, "是", "面议", "高端装备制造")
    summary = say(wx, openid, "是")  # the place its last demand gave
    assert "襄阳市襄州区" in summary and "杜建华" in summary and "13800097711" in summary and "请核对" in summary
    submit(wx, openid)
    first, second = _demands(services, openid)
    assert (second.company, second.region, second.contact_phone) == (first.company, first.region, first.contact_phone)
    assert "工程师" in second.description and "液压缸内壁" not in second.description


def test_a_unit_named_in_the_new_demand_replaces_the_offer(wx: object, services: Container) -> None:
    openid = "returning_other_unit"
    say(wx, openid, FIRST)
    submit(wx, openid)
    asked = say(wx, openid, "我们另外一家厂 襄阳恒盛铸造有限公司 在老河口 铸件砂眼多 想找人攻关")
    assert "恒力" not in asked
    say(wx, openid, "面议", "高端装备制造", "是")
    submit(wx, openid)
    second = _demands(services, openid)[1]
    assert second.company == "襄阳恒盛铸造有限公司" and second.region == "襄阳市老河口市"
