"""Demand forms through the real webhook (forms9): failure classes found by replaying
``tests/support/data/dialogues_voices7.jsonl`` before changing anything (the company's short name said in the
self-introduction kept in the description, a contact given with a title and a spelled-out surname or after
'我们X厂长', the contact changed at the summary with '还是写…', chit-chat before '说正事' kept as the problem, a
crop disease told after the introduction not taken as the need).
"""

from __future__ import annotations

import pytest

from bot.container import Container
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, demand_of, submit = forms_chat.say, forms_chat.demand_of, forms_chat.submit


@pytest.mark.parametrize(("openid", "intro", "problem"), [
    ("f7_short_intro", "我们是襄州的恒泰，做座椅骨架的", "焊点老是开裂，想找专家攻关"),
    ("f7_short_inline", "你好", "恒泰这边座椅骨架的焊点老是开裂，想找专家攻关"),
])
def test_the_company_short_name_stays_out_of_the_description(wx: object, services: Container, openid: str,
                                                             intro: str, problem: str) -> None:
    """A company called by its short name (its full name without the place and the legal suffix) before the full
    name is given: the description keeps the problem, not the name."""
    say(wx, openid, intro, problem)
    say(wx, openid, "全称是襄阳恒泰座椅部件有限公司，在樊城", "三十万", "联系人 邬强 13800097301")
    submit(wx, openid)
    row = demand_of(services, openid)
    assert "恒泰" not in row.description and "焊点" in row.description and "恒泰" not in row.title


@pytest.mark.parametrize(("openid", "contact", "name"), [
    ("f7_spelled", "联系人钱工，金戈钱，钱立军", "钱立军"),
    ("f7_our_title", "有事找我们赵主任，赵红英", "赵红英"),
    ("f7_role_first", "找我们厂长蒋德明就行", "蒋德明"),
    ("f7_bracketed", "联系人：苗总（苗新宇）", "苗新宇"),
])
def test_a_contact_with_a_title_is_stored_by_the_full_name(wx: object, services: Container, openid: str,
                                                           contact: str, name: str) -> None:
    """'钱工，金戈钱，钱立军' (the surname spelled out between title and name), '找我们赵主任，赵红英', '找我们厂长蒋德明',
    '苗总（苗新宇）' give the full name, not the title form."""
    say(wx, openid, "樊城的襄阳东润密封件有限公司，橡胶密封圈高温下老化太快，想找高校攻关", "二十万", "高端装备制造")
    say(wx, openid, contact, "电话13800097302")
    submit(wx, openid)
    assert demand_of(services, openid).contact_name == name


def test_the_contact_restated_at_the_summary_replaces_name_and_phone(wx: object, services: Container) -> None:
    """At the summary '联系人还是填我们副经理吧，叫冯晓，手机…' changes the contact and the phone."""
    openid = "f7_restated_contact"
    say(wx, openid, "襄阳佳禾饲料有限公司 在襄州 颗粒饲料粉化率太高 想找技术改进", "十万", "现代农业")
    say(wx, openid, "联系人 包勇 13800097304")
    reply = say(wx, openid, "嗯联系人还是填我们副经理吧，叫冯晓，手机13800097404")
    assert "冯晓" in reply and "13800097404" in reply
    submit(wx, openid)
    row = demand_of(services, openid)
    assert (row.contact_name, row.contact_phone) == ("冯晓", "13800097404")


def test_chit_chat_before_getting_down_to_business_is_no_problem(wx: object, services: Container) -> None:
    """'今天天气不错哈哈。言归正传，…': what comes before the turn to business is neither description nor title."""
    openid = "f7_pivot"
    say(wx, openid, "今天天气真不错哈哈。言归正传，我们是谷城的，做汽车刹车片的",
        "刹车片高温下摩擦系数衰减，想找高校一起攻关")
    say(wx, openid, "谷城永安摩擦材料有限公司", "五十万", "联系人 殷涛 13800097305")
    submit(wx, openid)
    row = demand_of(services, openid)
    assert "天气" not in row.description and "天气" not in row.title and "摩擦系数" in row.description


def test_a_crop_disease_told_after_the_introduction_is_the_need(wx: object, services: Container) -> None:
    """After '我们是宜城的葡萄合作社', '葡萄霜霉病厉害得很，…用药也没啥用' is the problem (not praise or chat)."""
    openid = "f7_disease"
    say(wx, openid, "我们是宜城的葡萄合作社")
    say(wx, openid, "今年葡萄霜霉病厉害得很，叶子背面一层白霉，用药也没啥用")
    say(wx, openid, "想请专家来指导防治")
    say(wx, openid, "宜城市绿野葡萄专业合作社", "面议", "联系人 娄海 13800097306")
    submit(wx, openid)
    assert "霜霉病" in demand_of(services, openid).description


@pytest.mark.parametrize(("openid", "said"), [("f7_no_issue", "钱不是问题"), ("f7_their_quote", "看你们报价吧")])
def test_money_no_object_or_left_to_the_quote_is_negotiable(wx: object, services: Container, openid: str,
                                                             said: str) -> None:
    """'钱不是问题', '看你们报价吧' at the budget question store 面议 (no re-asking)."""
    say(wx, openid, "襄阳鼎盛电缆有限公司 在襄城 电缆护套低温开裂 想找专家攻关")
    assert "已记下预算" in say(wx, openid, said)
    say(wx, openid, "高端装备制造", "联系人 凌峰 13800097307")
    submit(wx, openid)
    assert demand_of(services, openid).budget == "面议"


def test_a_trade_word_shared_with_the_company_name_stays_in_the_description(wx: object, services: Container) -> None:
    """The company's short name is cut only where it stands for the speaker: '精工件' in the problem stays."""
    openid = "f7_trade_word"
    say(wx, openid, "我们在高新区，想找专家解决精工件表面划伤的问题", "襄阳精工机械有限公司", "十万")
    say(wx, openid, "联系人 韦刚 13800097308", "是")
    submit(wx, openid)
    assert "精工件" in demand_of(services, openid).description


def test_the_contact_named_in_the_opening_stays_out_of_the_description(wx: object, services: Container) -> None:
    """'我是…的李总，李建新。…' in one message: the contact's name is no clause of the description."""
    openid = "f7_contact_clause"
    say(wx, openid, "您好，我是谷城宏达铸件的李总，李建新。我们厂全称谷城宏达铸件有限公司，做变速箱壳体的，"
                    "壳体加工后渗漏多，想请专家攻关，预算二十万，电话13800097309")
    submit(wx, openid)
    row = demand_of(services, openid)
    assert row.contact_name == "李建新" and "李建新" not in row.description and "渗漏" in row.description


def test_the_title_names_the_problem_not_what_the_unit_makes(wx: object, services: Container) -> None:
    """'做液压油缸的' then '缸筒内壁镀层不稳，…': the title is the problem, not what the unit makes."""
    openid = "f7_title"
    say(wx, openid, "登记需求：襄阳力行液压件有限公司，在樊城，做液压油缸的", "缸筒内壁镀层不稳，批次之间差别大，想找高校合作")
    say(wx, openid, "四十万", "联系人 祁峰 13800097310")
    submit(wx, openid)
    assert "镀层" in demand_of(services, openid).title


def test_a_test_report_the_customer_wants_is_the_need(wx: object, services: Container) -> None:
    """'我们是樊城的皮具厂，包要出口，买家要六价铬的检测报告' is a need (testing), not only an introduction."""
    openid = "f7_report"
    reply = say(wx, openid, "我们是樊城的皮具厂，包要出口，买家要六价铬的检测报告")
    assert "已记下您的问题" in reply and "六价铬" in reply


def test_a_dictated_name_followed_by_de_leaves_no_stray_de(wx: object, services: Container) -> None:
    """Dictated without a pause, '…有限公司的我们在樊城…': the 的 goes with the company, not into the description;
    '联系人就我叫汤丽' names the contact."""
    openid = "f7_stray_de"
    say(wx, openid, "你好我是襄阳华美制衣有限公司的我们在樊城做校服的现在校服面料起球严重家长老投诉想找专家帮忙攻关"
                    "预算八万联系人就我叫汤丽电话13800097311")
    submit(wx, openid)
    row = demand_of(services, openid)
    assert not row.description.startswith("的") and "起球" in row.description and row.contact_name == "汤丽"
