"""The second reader's findings on this round, each through the real webhook (or the function a reply depends on):
a new phone said with '用我老婆的…' is taken, 'X不去了' with no companions cancels, a problem that mentions how long
an approval takes is a problem, a new contact named by a returning user brings no old phone, '500W' is no money and
'王芳3号那场' keeps the name."""

from __future__ import annotations

from sqlalchemy import select

from bot.container import Container
from bot.store.models import Demand
from knowledge import qtype
from knowledge.extract.names import name_at
from tests.chat import test_forms_webhook as forms_chat
from tests.chat.test_returning_user_webhook import FIRST

services, wx = forms_chat.services, forms_chat.wx
say, submit, demand_of = forms_chat.say, forms_chat.submit, forms_chat.demand_of

ONE_SHOT = "我们是襄阳华通机械有限公司 在樊城区 齿轮箱漏油 想找专家攻关 预算20万 联系人 邵明 13800097721 行业高端装备制造"


def test_a_new_phone_said_as_my_wifes_number_replaces_the_old_one(wx: object, services: Container) -> None:
    openid = "mend_wife_phone"
    assert "请核对" in say(wx, openid, ONE_SHOT)
    say(wx, openid, "预算改成80万 电话用我老婆的13800097722")
    submit(wx, openid)
    demand = demand_of(services, openid)
    assert (demand.contact_phone, demand.budget) == ("13800097722", "80万元")


def test_someone_else_not_going_without_companions_cancels_the_sign_up(wx: object) -> None:
    openid = "mend_not_going"
    say(wx, openid, "我想报名高血压防治与合理用药讲座")
    assert "本次没有报名" in say(wx, openid, "我老伴不去了 那就算了")


def test_a_problem_mentioning_how_long_an_approval_takes_is_the_description(wx: object, services: Container) -> None:
    openid = "mend_how_long"
    say(wx, openid, "我要提需求")
    reply = say(wx, openid, "我们产品要出口欧盟 认证审核要多久都搞不清 想找机构帮忙做认证检测")
    assert "现在还没有提交" not in reply
    say(wx, openid, "襄阳华远电器有限公司", "高新区", "面议", "电子信息", "联系人 倪芳 13800097723")
    submit(wx, openid)
    assert "认证" in demand_of(services, openid).description


def test_a_new_contact_named_by_a_returning_user_brings_no_old_phone(wx: object, services: Container) -> None:
    openid = "mend_new_contact"
    say(wx, openid, FIRST)
    submit(wx, openid)
    replies = [say(wx, openid, t) for t in ("还有个事 想招一个懂液压系统设计的工程师 联系人是人事部的刘敏", "是", "面议",
                                            "高端装备制造", "是")]
    assert not any("13800097711" in r for r in replies) and "电话" in replies[-1]  # the new contact's phone is asked
    say(wx, openid, "13800097724")
    submit(wx, openid)
    with services.db.session() as session:
        second = session.scalars(select(Demand).where(Demand.openid == openid).order_by(Demand.id.desc())).first()
        assert second is not None and (second.contact_name, second.contact_phone) == ("刘敏", "13800097724")


def test_watts_are_no_money_and_a_date_number_after_a_name_keeps_it() -> None:
    assert "万" not in qtype.standard("买了台功率500W的激光器能补贴吗")
    assert "150万" in qtype.standard("技术合同150w 能补多少")
    assert name_at("王芳3号那场", 0, cued=True) == "王芳" and name_at("楚糯7号 口感好", 0, cued=True) is None
