"""Table tests of message triage (need vs policy question vs achievement) and of the field parsers."""

from __future__ import annotations

import pytest

from handlers.achievement import parse_ip, title_from
from handlers.demand import derive_title
from handlers.kit import triage
from handlers.kit.fields import parse_budget, parse_name, parse_org, parse_phone, parse_region

NEEDS = [
    "骨架焊完变形大，装配老对不上，想找高校帮忙解决",
    "我们樊城这边做床上用品的，想给被套床单加上抗菌防螨的功能",
    "想引进个材料方向的博士带研发，本地招不到人",
    "我们公司在东津，做储能电池包的，想找地方做针刺、过充这些安全检测",
    "我们厂的注塑件老是缩痕，想找懂模具的专家看看",
    "公司资金周转困难，想贷款两百万扩产",
    "我们合作社的香菇木屑太贵了，想找能替代的料",
    "车间噪声太大，工人受不了，有没有降噪的技术",
    "我们缺一个做嵌入式软件的工程师",
    "想找个地方做盐雾测试，我们是做汽车紧固件的",
]
POLICY = [
    "高新技术企业认定需要什么条件？",
    "研发费用加计扣除比例是多少",
    "科技贷怎么申请？",
    "院士工作站申报截止到什么时候",
    "我们公司想申请科技型中小企业评价，要哪些材料？",
    "技术合同登记有补贴吗",
]
ACHIEVEMENTS = [
    "我是鄂北理工大学的老师，想把我们的成果放到项目库里",
    "楚北农业科学研究院茶叶所，有个用夏秋茶做红茶的工艺，中试做完了",
    "我们课题组有项专利想找企业转化",
    "汉江大学材料学院研发了一种镁合金涂层，已经小试",
]
OTHER = ["你好", "谢谢", "报名E01", "今天天气怎么样", "我的信息"]


@pytest.mark.parametrize("text", NEEDS)
def test_needs_are_recognised(text: str) -> None:
    """Problem and/or seeking help, stated by an organisation → a need."""
    assert triage.looks_like_need(text) and not triage.is_policy_question(text)


@pytest.mark.parametrize("text", POLICY)
def test_policy_questions_are_not_needs(text: str) -> None:
    """Questions about policies go to the policy Q&A."""
    assert triage.is_policy_question(text) and not triage.looks_like_need(text)


@pytest.mark.parametrize("text", ACHIEVEMENTS)
def test_achievement_offers(text: str) -> None:
    """A research side offering a result → achievement, never a need."""
    assert triage.looks_like_achievement(text) and not triage.looks_like_need(text)


@pytest.mark.parametrize("text", OTHER)
def test_small_talk_and_commands_are_neither(text: str) -> None:
    """Greetings, sign-ups and account commands start no form."""
    assert not triage.looks_like_need(text) and not triage.looks_like_achievement(text)
    assert not triage.wants_demand(text) and not triage.wants_achievement(text)


@pytest.mark.parametrize("text", ["提需求", "我要发布需求", "登记需求", "想登记个技术需求", "有个技术难题", "发个需求"])
def test_explicit_demand_requests(text: str) -> None:
    """Ways to ask for the demand form."""
    assert triage.wants_demand(text)


def test_intro_is_not_a_need() -> None:
    """'我们是随州的，做专用汽车的' introduces; the need follows."""
    text = "我们是随州的，做专用汽车的"
    assert triage.is_intro(text) and not triage.looks_like_need(text)
    assert triage.looks_like_need("焊烟太大，工人受不了", after_intro=True)


@pytest.mark.parametrize(("text", "want"), [
    ("我们是襄阳恒锐有限公司，在襄州，做汽车座椅骨架的。骨架焊完变形大，想找高校帮忙解决，预算80万，联系人张伟 13800001234",
     "做汽车座椅骨架的，骨架焊完变形大，想找高校帮忙解决"),
    ("你好，想登记个技术需求", None),
    ("缺资金，想贷款300万左右", "缺资金，想贷款300万左右"),
    ("不好意思", None),
])
def test_need_text_keeps_the_users_words(text: str, want: str | None) -> None:
    """Contact, company, budget and chit-chat clauses are dropped; the need stays verbatim."""
    assert triage.need_text(text) == want


@pytest.mark.parametrize(("description", "title"), [
    ("做汽车座椅骨架的，骨架焊完变形大，装配老对不上，想找高校帮忙解决", "骨架焊完变形大"),
    ("焊装车间焊烟太大，工人都受不了，想找个除烟除尘的治理技术", "焊装车间焊烟太大"),
    ("我们是枣阳做刹车片的，想引进个材料方向的博士带研发，本地招不到人", "引进个材料方向的博士带研发"),
])
def test_demand_title_is_a_short_phrase(description: str, title: str) -> None:
    """The title is the most problem-like clause, without fillers."""
    assert derive_title({"description": description})["title"] == title


@pytest.mark.parametrize(("text", "title"), [
    ("是机床主轴热变形误差实时补偿的技术，已经在两家企业用上了", "机床主轴热变形误差实时补偿技术"),
    ("我们做了一个基于机器视觉的PCB缺陷检测系统", "基于机器视觉的PCB缺陷检测系统"),
    ("已经在两家企业用上了", None),
])
def test_achievement_title_from_summary(text: str, title: str | None) -> None:
    """'…的技术/工艺/系统' names the result."""
    assert title_from(text) == title


@pytest.mark.parametrize(("parser", "text", "want"), [
    (parse_budget, "八十万左右", {"text": "80万元", "raw": "八十万左右", "low": 80.0, "high": 80.0}),
    (parse_budget, "还没想好", {"text": "面议", "raw": "还没想好", "low": None, "high": None}),
    (parse_budget, "不知道怎么说", None),
    (parse_org, "恒锐汽车", "恒锐汽车"),
    (parse_org, "公司叫襄阳恒锐汽车零部件有限公司", "襄阳恒锐汽车零部件有限公司"),
    (parse_org, "联系人的话……", None),
    (parse_org, "哦不对，我们去年搬到高新区了", None),
    (parse_name, "张伟", "张伟"),
    (parse_name, "联系人王建国", "王建国"),
    (parse_name, "陈工", "陈工"),
    (parse_name, "就我", None),
    (parse_phone, "138 0000 1234", "13800001234"),
    (parse_phone, "1380000", None),
    (parse_region, "东津", "襄阳市东津新区"),
    (parse_region, "北京", None),
    (parse_ip, "两项授权发明专利", "授权发明专利2项"),
    (parse_ip, "没有专利", "无"),
])
def test_field_parsers(parser: object, text: str, want: object) -> None:
    """Direct answers to a pending question."""
    assert parser(text) == want  # type: ignore[operator]


@pytest.mark.parametrize(("text", "cancel"), [
    ("取消", True), ("算了，不弄了", True), ("算了算了，我先问问我们理事长，这个先不登了", True), ("取消吧，回头再说", True),
    ("算了吧", True), ("我们想取消人工检测，改用机器视觉", False), ("算了一下成本太高，想找降本的技术", False),
    ("算了，预算就写面议吧", False),
])
def test_form_cancel(text: str, cancel: bool) -> None:
    """Stop phrases end the form; '取消' or '算了' inside a description does not."""
    assert triage.is_form_cancel(text) is cancel


@pytest.mark.parametrize(("text", "restart"), [("重新填", True), ("重来吧", True), ("我们重新来一遍测试也不行，想找专家", False)])
def test_form_restart(text: str, restart: bool) -> None:
    """'重新填' is a command only when it is the whole message."""
    assert triage.is_form_restart(text) is restart
