"""Gaps of the twelfth voices set through the real webhook (each test stands for a class, not one row).

A contact sent after a direct subscription is kept with a confirmation; the industry is read from what the
problem or product is about (not the company's name, not an incidental word); a labelled field list in one
message is split by its labels.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.container import Container
from bot.store.models import Achievement, Demand, User
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say = forms_chat.say


def _one(services: Container, model: type, column: object, openid: str) -> object:
    """The single row of ``model`` the user owns."""
    with services.db.session() as session:
        rows = list(session.scalars(select(model).where(column == openid)))
        session.expunge_all()
    assert len(rows) == 1
    return rows[0]


def test_contact_after_direct_subscription_is_confirmed_and_kept(wx: object, services: Container) -> None:
    """'订阅 X' → '再加一个Y' → name and phone: the contact is shown for confirmation, consented to and kept."""
    openid = "gaps12_sub_contact"
    say(wx, openid, "订阅 节能环保", "再加一个电子信息")
    summary = say(wx, openid, "王丽娟 13800001212")
    assert "请核对" in summary and "王丽娟" in summary and "13800001212" in summary and "电子信息" in summary
    say(wx, openid, "确认", "同意")
    user = _one(services, User, User.openid, openid)
    assert (user.name, user.phone) == ("王丽娟", "13800001212")  # type: ignore[attr-defined]


def test_problem_words_beat_the_company_name_hint(wx: object, services: Container) -> None:
    """A chemical company's exhaust-gas problem: the industry follows the problem (节能环保, marked as a guess),
    not the hint in the company's name (化工 → 新能源新材料), and the bot does not ask about the name's hint."""
    openid = "gaps12_ind_org"
    say(wx, openid, "我要登记个技术需求", "我们公司叫谷城县鑫达化工有限公司")
    reply = say(wx, openid, "车间废气VOC排放老是超标 周边居民投诉 想找专家攻关")
    assert "新能源新材料" not in reply
    summary = say(wx, openid, "预算三十万", "谷城县", "联系人周强 13800001313")
    assert "所属行业：节能环保（根据描述推测" in summary
    say(wx, openid, "确认", "同意")
    assert _one(services, Demand, Demand.openid, openid).industry == "节能环保"  # type: ignore[attr-defined]


def test_product_purpose_beats_how_it_is_powered(wx: object, services: Container) -> None:
    """'畜禽粪污光伏供电一体化处理设备' is equipment for treating manure (节能环保); 光伏 only says how it is
    powered, so it does not decide the field."""
    openid = "gaps12_ind_head"
    summary = say(wx, openid, "我要登记成果", "襄阳职业技术学院 我们的成果是畜禽粪污光伏供电一体化处理设备",
                  "已经在十几个养殖场用了", "无", "刘伟 13800001414")
    assert "所属领域：节能环保" in summary, summary
    say(wx, openid, "确认", "同意")
    assert _one(services, Achievement, Achievement.owner_openid, openid).field == "节能环保"  # type: ignore[attr-defined]


def test_labelled_fields_split_by_labels_not_commas(wx: object, services: Container) -> None:
    """'Title: …, field …, currently at 中试 stage': the title runs to the next label (its own comma kept), the
    field and the stage fill their own slots."""
    openid = "gaps12_labels"
    say(wx, openid, "I'd like to register an achievement 成果", "Institution: 汉江智能传感研究院")
    say(wx, openid, "Title: 一种低成本, 高精度的光纤光栅应变传感器, field 电子信息, currently at 中试 stage")
    summary = say(wx, openid, "IP: 3 项发明专利", "Contact: 陈思远, 13800001515")
    assert "成果名称：低成本, 高精度的光纤光栅应变传感器" in summary, summary
    say(wx, openid, "确认", "同意")
    row = _one(services, Achievement, Achievement.owner_openid, openid)
    assert (row.field, row.maturity) == ("电子信息", "中试")  # type: ignore[attr-defined]
    assert "高精度的光纤光栅应变传感器" in row.title and "field" not in row.summary  # type: ignore[attr-defined]
