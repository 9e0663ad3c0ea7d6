"""Partial edits, alert topics, contact titles, name checks, colloquial budgets and corrected stages (table-driven)."""

from __future__ import annotations

import pytest

from knowledge.extract import (
    alert_topics,
    contact_title,
    extract_amount,
    extract_companions,
    extract_industry,
    extract_institution,
    extract_ip,
    extract_maturity,
    extract_need_type,
    extract_party_size,
    extract_person_name,
    is_person_name,
    parse_topics,
    patch_phone,
)
from knowledge.extract.extract_all import extract_all


@pytest.mark.parametrize(("old", "text", "want"), [
    ("13800008806", "电话最后四位是8860", "13800008860"),
    ("13800008806", "不是8806是8860", "13800008860"),
    ("13800008806", "电话写错了 最后是8860 不是8806", "13800008860"),
    ("13800001111", "后四位是1528", "13800001528"),
    ("13800001111", "不是9999是8888", None),  # the wrong tail must be the stored one
    ("13800001111", "电话13800002222", None),  # a whole number is not a partial edit
])
def test_patch_phone(old: str, text: str, want: str | None) -> None:
    """Only the digits said change."""
    assert patch_phone(old, text) == want


@pytest.mark.parametrize(("text", "want"), [
    ("提醒的话 铸造相关的需求都推给我，汽车零部件的也要", ["铸造", "汽车零部件"]),
    ("茶叶和农机相关的需求都可以推给我", ["茶叶", "农机"]),
    ("我是襄阳工业技术研究院的 做激光焊接的 焊接 激光相关的都推给我", ["焊接", "激光"]),
    ("新能源电池的也行", ["新能源电池"]),
    ("以后有热处理方面的需求也提醒我一下", ["热处理"]),
    ("我不登成果 就是想有相关需求的时候提醒我", []),
    ("月薪一万五起步，年薪面议也行", []),  # a pay remark, not a topic
])
def test_alert_topics(text: str, want: list[str]) -> None:
    """Clean topics, no filler words ('的话', '相关')."""
    assert alert_topics(text) == want


def test_parse_topics_bare_list() -> None:
    """An answer that is only a list."""
    assert parse_topics("铸造、热处理和表面处理方面的") == ["铸造", "热处理", "表面处理"]


def test_parse_topics_leading_jiu_and_qualifiers() -> None:
    """A leading 就 goes (not the 就 of 就业), 'X这种' is X, and 'Y的那种' qualifies the topic before it."""
    assert parse_topics("就焊接和热处理") == ["焊接", "热处理"]
    assert parse_topics("就业服务 还有铸造这种") == ["就业服务", "铸造"]
    assert parse_topics("锂电池回收 废旧的那种 还有电解液") == ["锂电池回收", "电解液"]


@pytest.mark.parametrize(("text", "name", "title"), [
    ("李教授，李卫东 15927083321", "李卫东", "教授"),
    ("联系人 陈工 陈志远 13800007722", "陈志远", "工"),
    ("找我们技术部的陈工，13900001111", "陈工", "工"),
    ("联系人张伟，电话13800001234", "张伟", None),
    ("俺叫晏桂兰 13800041234 老头子叫丁福贵", "晏桂兰", None),
    ("俺姓张 张翠花", "张翠花", None),
])
def test_titles_are_not_names(text: str, name: str, title: str | None) -> None:
    """The personal name is the contact; the title is kept beside it."""
    found = extract_person_name(text)
    assert found == name and contact_title(text, found) == title


@pytest.mark.parametrize(("text", "name"), [("电话13812345678，谢谢", None), ("联系电话13812345678，明天见", None),
                                           ("13812345678，方便", None), ("联系方式：13912345678，王建华", "王建华")])
def test_words_after_a_phone_are_no_name(text: str, name: str | None) -> None:
    """A second reader's finding: only a name standing after the number is the contact, not '谢谢' or '明天见'."""
    assert extract_all(text).get("contact_name") == name


@pytest.mark.parametrize(("text", "ip"), [("申请了一个发明 还没批下来", "发明专利申请1项"), ("去年报了个发明奖", None),
                                         ("我们报了个发明大赛", None), ("提交了发明创造的材料", None)])
def test_a_pending_invention_is_no_award(text: str, ip: str | None) -> None:
    """'报了个发明' is an application; a prize, a contest or '发明创造' is none."""
    assert extract_ip(text) == ip


@pytest.mark.parametrize(("text", "ok"), [("张伟", True), ("欧阳明辉", True), ("几点开始", False), ("在哪", False),
                                          ("😀😀", False), ("1234", False), ("好的", False),
                                          ("农业", False), ("金融", False), ("谢谢", False), ("严重", False),
                                          ("马力", True), ("文静", True), ("高峰", True)])
def test_is_person_name(text: str, ok: bool) -> None:
    """Questions, emoji, digits and common words are not names."""
    assert is_person_name(text) is ok


@pytest.mark.parametrize(("text", "companions", "size"), [
    ("带我同事小陈和小刘", ["小陈", "小刘"], 3),
    ("我和同事小王小张一起报", ["小王", "小张"], 3),
    ("只能带两个啊 那就带我妈和我闺女 老伴就算了", [], 3),
    ("哎 我老伴不去了 就我一个人去", [], 1),
    ("带我老婆和儿子 老婆叫周敏 儿子叫方小宝", ["周敏", "方小宝"], 3),
    ("我闺女也想去 叫王欣欣", ["王欣欣"], 2),
    ("带同事 小黄 小邱", ["小黄", "小邱"], 3),
    ("带上我们科室的小郑和小吴", ["小郑", "小吴"], 3),
    ("带上我爸妈", [], 3),
    ("我和我老伴两个人", [], 2),
])
def test_party(text: str, companions: list[str], size: int) -> None:
    """Nicknames count as companions; people said not to come are not counted."""
    assert extract_companions(text) == companions and extract_party_size(text) == size


@pytest.mark.parametrize(("text", "want"), [
    ("钱不是问题 只要能解决 三四十个吧", "30-40万元"), ("预算三四十万", "30-40万元"), ("大概要五百个", "500万元"),
    ("招两个人", None), ("一个月用个三四天", None),
    ("费用大概三五万", "3-5万元"), ("预算 大概四五十个", "40-50万元"), ("七八万吧", "7-8万元"),
    ("预算三十五万", "35万元"), ("一万五", "1.5万元"), ("二三十万都行", "20-30万元"),
    ("预算5到8个", "5-8万元"), ("十几万", "10-20万元"), ("二十几万", "20-30万元"), ("大几十万吧", None),
    ("招十几个人", None), ("预算两三百个", "200-300万元"), ("预算嘛 百把万", "100万元"), ("招百把个人", None),
])
def test_colloquial_budgets(text: str, want: str | None) -> None:
    """'个' means 万 only when money is being talked about."""
    amount = extract_amount(text)
    assert (amount.normalized if amount else None) == want


@pytest.mark.parametrize(("text", "want"), [
    ("说错了 不是中试 是小试", "小试"), ("不对不对 说错了 还是中试阶段 没有大规模用", "中试"),
    ("已经在两家药厂生产了", "已产业化"), ("中试做完了 准备量产", "中试"),
])
def test_maturity_corrections(text: str, want: str) -> None:
    """A denied stage does not count; after a correction the stage said last wins."""
    assert extract_maturity(text) == want


@pytest.mark.parametrize(("text", "want"), [
    ("罐体焊缝探伤老不合格", "技术攻关"), ("出厂检测不合格率高", "技术攻关"),
    ("想找个地方做盐雾试验", "检验检测"), ("检测不合格 想找第三方检测机构复测", "检验检测"),
])
def test_failed_inspection_need_type(text: str, want: str) -> None:
    """A failed inspection is a quality problem to solve; booking a test is 检验检测."""
    assert extract_need_type(text) == want


@pytest.mark.parametrize(("text", "companions", "size"), [
    ("糖尿病饮食那个讲座 我 加上邻居王姐 共两个人", ["王姐"], 2),
    ("防溺水讲座 俺带俩孙子去 大的叫童浩 小的叫童杰", ["童浩", "童杰"], 3),
    ("加计扣除的培训 我们公司去三个人 我 还有同事方圆和汤敏", ["方圆", "汤敏"], 3),
    ("颈椎那个 我们科室三个 我、小谢、小欧", ["小谢", "小欧"], 3),
    ("帮忙报下心肺复苏的培训 我跟我们班组的小田、小宋", ["小田", "小宋"], 3),
    ("报名糖尿病讲座 带我妈 我妈叫桑秀梅", ["桑秀梅"], 2),
    ("你好 我要报名防溺水那个活动 我 我老婆 还有我们家小宝", [], 3),
    ("我叫何秀英，孙子叫何小宝，电话13800006666", ["何小宝"], 2),
    ("我们公司有三百个人", [], None),
])
def test_companions_said_in_other_ways(text: str, companions: list[str], size: int | None) -> None:
    """Kin nicknames, '俩', '大的叫', head counts with names, lists after '我、', one relative said twice."""
    assert extract_companions(text) == companions
    assert extract_party_size(text) == size


@pytest.mark.parametrize(("text", "want"), [
    ("样机做出来了", "中试"), ("正在两个合作社做示范", "中试"), ("小批量在企业试过了", "中试"),
    ("已经在厂里用了", "已产业化"), ("已经卖了好几百台了", "已产业化"), ("做了个原型", "小试"),
    ("还没出实验室", "实验室阶段"), ("在实验室试过", "实验室阶段"), ("计划明年试点", None),
])
def test_colloquial_maturity(text: str, want: str | None) -> None:
    """How far a result got, said in everyday words; a plan is not a stage."""
    assert extract_maturity(text) == want


@pytest.mark.parametrize(("text", "want"), [
    ("提醒我 水产养殖和稻田综合种养方面的 大概就这些", ["水产养殖", "稻田综合种养"]),
    ("提醒的话铸造 以及 无损检测", ["铸造", "无损检测"]),
    ("铸造、锻造，还有热处理方面的也可以推给我", ["铸造", "锻造", "热处理"]),
    ("提醒：转向系统，故障诊断，还有电控", ["转向系统", "故障诊断", "电控"]),
    ("以后有关于生物农药的需求麻烦提醒我", ["生物农药"]),
    ("焊接的需求推给我，谢谢", ["焊接"]),
    ("我们做铸造的，热处理方面的需求推给我", ["热处理"]),
])
def test_alert_topics_with_leads_and_lists(text: str, want: list[str]) -> None:
    """A leading cue, a list before or after the cued clause, politeness words, no self-introduction."""
    assert alert_topics(text) == want


@pytest.mark.parametrize(("text", "want"), [
    ("大概是 电池回收、储能 这两块吧", ["电池回收", "储能"]),
    ("就 焊接机器人 激光焊 之类的吧", ["焊接机器人", "激光焊"]),
    ("我关注 数控加工 以及 夹具设计", ["数控加工", "夹具设计"]),
    ("还有有机肥", ["有机肥"]),
])
def test_hedges_are_not_topics(text: str, want: list[str]) -> None:
    """'大概是', '这两块吧', '之类的吧', '我关注' are not topics; the 有 of 有机肥 stays."""
    assert parse_topics(text) == want


@pytest.mark.parametrize(("text", "want"), [
    ("我叫钮丽 13800015002，闺女叫钮可可", "钮丽"), ("襄阳恒达机械有限公司 易兵 电话+86 13800015009", "易兵"),
    ("联系人 吕博士 吕晓梅 电话号码是13800017003", "吕晓梅"), ("联系人 熊医生 熊丹 13800018306", "熊丹"),
    ("联系电话18607102004 我姓阮 阮家豪", "阮家豪"), ("联系人胡工胡斌 18607103005", "胡斌"),
    ("联系人：熊师傅（熊大勇）15072002002", "熊大勇"),
])
def test_contact_names_in_other_forms(text: str, want: str) -> None:
    """Rarer surnames, '+86 ', '电话号码是', more titles, '家' after a cue, a glued title, a name in brackets."""
    assert extract_person_name(text) == want


@pytest.mark.parametrize("text", [
    "高血压那个讲座报名 我叫田大勇 13986251234 我家孩子两个 都想去", "我和我妈两个 都去", "我同事俩 也想去",
])
def test_words_after_a_head_count_are_no_companion(text: str) -> None:
    """After '两个' only a word that passes as a name is a companion: '都想去', '都去' are not."""
    assert extract_companions(text) == []


@pytest.mark.parametrize(("text", "institution"), [("我们公司与湖北工业大学有合作", "湖北工业大学"),
                                                  ("襄阳市与华中农业大学共建研究院", "华中农业大学"),
                                                  ("我是随州应急与环境工程研究院的", "随州应急与环境工程研究院")])
def test_a_partner_named_before_an_institution_is_cut_off(text: str, institution: str) -> None:
    """A second reader's finding: '与' joins two parties unless it sits inside the institution's own name."""
    assert extract_institution(text) == institution


@pytest.mark.parametrize(("text", "industry"), [("机床报废率高", "高端装备制造"), ("设备老化经常报废，想找维修方案", None),
                                               ("我们做废旧塑料回收再利用", "节能环保")])
def test_scrap_and_recovery_rates_are_no_recycling_trade(text: str, industry: str | None) -> None:
    """A second reader's finding: a scrap rate or a recovery rate says nothing of a recycling business."""
    assert extract_industry(text) == industry
