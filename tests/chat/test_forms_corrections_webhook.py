"""Corrections and voice input in the demand and achievement forms, through the real webhook (failure classes of
``tests/support/data/dialogues_voices2.jsonl``): '重新填X' with the new value, '不是X 是Y' replacing the field that
holds X, a one-shot message without commas, a title before the contact's full name.
"""

from __future__ import annotations

from bot.container import Container
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, demand_of = forms_chat.say, forms_chat.demand_of

ONE_SHOT = "发布需求 襄阳丰盛食品有限公司 高新区的 辣椒酱杀菌后颜色变暗 预算十五万 联系人 侯敏 13800090104"


def finish(wx: object, openid: str, reply: str) -> str:
    """Answer what is still asked like a user who agrees with the guesses, confirm and consent."""
    for _ in range(6):
        if "同意请回复" in reply:
            return say(wx, openid, "同意")
        answer = "确认" if "请核对" in reply else "1" if "哪类需求" in reply else "是" if "吗？对的话" in reply else None
        if answer is None:
            return reply
        reply = say(wx, openid, answer)
    return reply


def test_one_shot_voice_message_and_reset_with_a_value(wx: object, services: Container) -> None:
    """A one-shot message without commas is read whole (the problem is not asked again); '重新填预算 二十五万'
    replaces the budget only."""
    openid = "c_reset"
    first = say(wx, openid, ONE_SHOT)
    assert "已记下您的问题：辣椒酱杀菌后颜色变暗" in first and "遇到的问题" not in first
    reply = say(wx, openid, "重新填预算 二十五万")
    assert "预算已改好" in reply and "重新来" not in reply
    finish(wx, openid, reply)
    row = demand_of(services, openid)
    assert row.budget == "25万元" and row.contact_name == "侯敏" and row.company == "襄阳丰盛食品有限公司"
    assert "颜色变暗" in row.description and "侯敏" not in row.description


def test_not_x_but_y_replaces_the_field_that_holds_x(wx: object, services: Container) -> None:
    """'不是喻建平 是喻建国' replaces the contact; '区县填错了 是樊城区不是襄州区' replaces the region, and the
    pending contact question does not take '樊城区' as a name."""
    openid = "c_swap_name"
    say(wx, openid, "想登记个需求", "谷城县鑫源汽配有限公司 刹车片 高温下摩擦系数衰退", "大概二十万",
        "联系人不是我 是我们技术部 喻建平 13800090103")
    reply = say(wx, openid, "不是喻建平 是喻建国")
    assert "没认出这个地方" not in reply
    finish(wx, openid, reply)
    assert demand_of(services, openid).contact_name == "喻建国"
    openid = "c_swap_region"
    say(wx, openid, "有个需求 襄阳利达塑胶有限公司 襄州区 汽车内饰注塑件缩水变形", "电话 13800090106", "预算十万")
    reply = say(wx, openid, "区县填错了 是樊城区不是襄州区")
    assert "联系人：樊城区" not in reply
    reply = say(wx, openid, "苗志强") if "联系人怎么称呼" in reply else reply
    finish(wx, openid, reply)
    row = demand_of(services, openid)
    assert row.region == "襄阳市樊城区" and row.contact_name == "苗志强"


def test_title_before_the_full_name_keeps_the_name(wx: object, services: Container) -> None:
    """'13800090203 钱老师 钱丽君': the contact is 钱丽君 (the title is no name)."""
    openid = "c_title"
    say(wx, openid, "团队成果放到项目库", "襄阳职业技术学院", "成果叫 基于机器视觉的布匹瑕疵检测系统 小试阶段", "软件著作权一项")
    summary = say(wx, openid, "13800090203 钱老师 钱丽君")
    assert "联系人：钱丽君" in summary


def test_a_colleague_named_as_the_contact_stays_the_contact(wx: object, services: Container) -> None:
    """'联系人是我同事 王强 138…' in a demand: 王强 is the contact (a relation before a name means a companion only
    in an event sign-up)."""
    openid = "c_colleague"
    say(wx, openid, "想登记个需求", "襄阳宏远机电有限公司 樊城区 电机转子动平衡做不好 振动大", "预算三十万")
    reply = say(wx, openid, "联系人是我同事 王强 13800093999")
    reply = say(wx, openid, "高端装备制造") if "哪个行业" in reply else reply
    finish(wx, openid, reply)
    assert demand_of(services, openid).contact_name == "王强"
