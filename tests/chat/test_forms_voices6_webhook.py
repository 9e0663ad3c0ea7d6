"""Demand and achievement forms through the real webhook: failure classes found by replaying
``tests/support/data/dialogues_voices6.jsonl`` before changing anything (what the unit makes taken for its name,
a place-only intro kept as the problem, a corrected place losing to the old one said after it, a question before
the form kept in the description, the need type read without who does the work, an aircraft part read as a
material, an achievement named by its first noun, a result told at the institution question or dictated without
a pause lost, dialect words stored as said).
"""

from __future__ import annotations

import pytest

from bot.container import Container
from tests.chat import test_forms_voices5_webhook as voices5
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, demand_of, submit = forms_chat.say, forms_chat.demand_of, forms_chat.submit
achievement_of = voices5.achievement_of


def test_what_the_unit_makes_is_no_unit_name_and_a_place_intro_no_problem(wx: object, services: Container) -> None:
    """'我们厂在宜城' at the problem question is the region (not the problem); '做电机转子的' at the company question
    is not the company's name, which '公司名 …有限公司' later gives."""
    openid = "f6_makes"
    say(wx, openid, "登记个需求")
    assert "所在地区" in say(wx, openid, "我们厂在宜城")
    say(wx, openid, "转子动平衡老是超差 返工多", "做电机转子的")
    say(wx, openid, "预算二十万", "公司名 宜城恒动电机有限公司", "是", "联系人 贝磊 13800096101")
    submit(wx, openid)
    row = demand_of(services, openid)
    assert (row.company, row.region) == ("宜城恒动电机有限公司", "襄阳市宜城市")
    assert "宜城" not in row.description and "动平衡" in row.description


@pytest.mark.parametrize(("openid", "correction"), [
    ("f6_former", "哦不对 我们厂在谷城 老河口是以前的"),
    ("f6_depot", "说错了 是在谷城 老河口那边是仓库"),
])
def test_a_corrected_place_wins_over_the_old_one_said_after_it(wx: object, services: Container, openid: str,
                                                               correction: str) -> None:
    """A correction naming the new place and then the old one as former or secondary ('…是以前的', '…那边是仓库')
    stores the new place."""
    say(wx, openid, "襄阳鑫达食品有限公司 在老河口 做辣椒酱的 杀菌以后颜色发暗 想找专家攻关")
    say(wx, openid, correction, "是", "预算十万", "联系人 汤亮 13800096102")
    submit(wx, openid)
    assert demand_of(services, openid).region == "襄阳市谷城县"


def test_a_question_asked_before_the_form_stays_out_of_the_description(wx: object, services: Container) -> None:
    """'你们这个问题库 有人看没有啊' is a question (…没有啊), not part of the problem told next."""
    openid = "f6_question"
    say(wx, openid, "你们这个问题库登记了 有人看没有啊")
    say(wx, openid, "那我登一个 我们是十堰的 做变速箱壳体的 想找个检测机构帮我们做三坐标精密测量")
    say(wx, openid, "十堰东风精密铸造有限公司", "预算面议", "联系人 鲍军 13800096103")
    submit(wx, openid)
    row = demand_of(services, openid)
    assert "有人看" not in row.description and "三坐标" in row.description


@pytest.mark.parametrize(("openid", "problem", "need_type"), [
    ("f6_agency", "想找个检测机构帮我们做三坐标测量 自己买设备太贵", "检验检测"),
    ("f6_rent", "想租用别人的高低温试验箱 我们自己的技术员去做试验 自己买不划算", "设备共享"),
])
def test_the_need_type_follows_who_does_the_work(wx: object, services: Container, openid: str, problem: str,
                                                 need_type: str) -> None:
    """Measuring equipment an agency uses for them is a test to book (检验检测); a test their own people run on
    rented equipment needs the equipment (设备共享)."""
    say(wx, openid, f"我们是襄阳精测电子科技有限公司 高新区的 做车载控制器的 {problem}")
    say(wx, openid, "是", "预算五万", "联系人 冷静 13800096104")
    submit(wx, openid)
    assert demand_of(services, openid).need_type == need_type


def test_a_part_named_after_an_aircraft_belongs_to_aerospace(wx: object, services: Container) -> None:
    """'做飞机舱门铝合金铰链的': a part named after the aircraft is 航空航天, not the material's industry."""
    openid = "f6_aircraft"
    say(wx, openid, "襄阳航宇精密部件有限公司 高新区 做飞机舱门铝合金铰链的 表面阳极氧化老是发花 想找专家攻关 "
                    "预算五十万 联系人 洪涛 13800096105")
    submit(wx, openid)
    assert demand_of(services, openid).industry == "航空航天"


def test_an_achievement_is_named_by_its_whole_noun_phrase(wx: object, services: Container) -> None:
    """'有个碳纤维复合材料螺旋桨叶片的真空灌注工艺': the name runs to the head noun (工艺), not the first noun (材料)."""
    openid = "f6_title"
    say(wx, openid, "汉江航空工程研究所 有个碳纤维复合材料螺旋桨叶片的真空灌注工艺 小试阶段 有一项发明专利在申请",
        "联系人 欧阳红 13800096106")
    submit(wx, openid)
    title = achievement_of(services, openid).title
    assert "叶片" in title and "灌注" in title


def test_a_result_told_at_the_institution_question_is_kept(wx: object, services: Container) -> None:
    """'我们是汉水职业技术学院 做了个基于国产芯片的边缘控制器 …' answered at the institution question: the result
    is the summary too (not asked again), and names the achievement."""
    openid = "f6_told"
    say(wx, openid, "成果登记要不要钱啊")
    reply = say(wx, openid, "那登一个 我们是汉水职业技术学院 做了个基于国产芯片的边缘网关 已经卖出去好几百台了")
    assert "成果简介" in reply and "介绍这项成果" not in reply
    say(wx, openid, "有两项软件著作权", "领域算电子信息", "联系人 蒲华 13800096107")
    submit(wx, openid)
    assert "网关" in achievement_of(services, openid).title


def test_a_result_dictated_without_a_pause_is_split_into_its_facts(wx: object, services: Container) -> None:
    """Voice input with no pause at all: the unit, the result, its use, the patents, the field and the contact each
    land in their own field; the summary is the result, not the whole dictation."""
    openid = "f6_dictated"
    reply = say(wx, openid, "我是襄阳智能制造研究院的我们有个激光熔覆修复轧辊的技术已经在两家钢厂用了有三项发明专利"
                            "领域是高端装备制造联系人邝志明电话13800096108")
    assert "请核对" in reply
    submit(wx, openid)
    row = achievement_of(services, openid)
    assert "熔覆" in row.title and "联系人" not in row.summary and "专利" not in row.summary
    assert (row.institution, row.maturity, row.contact_name) == ("襄阳智能制造研究院", "已产业化", "邝志明")


def test_dialect_words_are_stored_in_standard_mandarin(wx: object, services: Container) -> None:
    """'俺们厂… 本地冇得人': the stored description reads '我们厂… 本地没有人'."""
    openid = "f6_dialect"
    say(wx, openid, "俺们厂在谷城 做刹车片的 想招个懂摩擦材料的工程师 本地冇得人")
    say(wx, openid, "公司叫谷城恒信摩擦材料有限公司", "待遇面议", "联系人就是俺 罗刚 电话13800096109")
    submit(wx, openid)
    description = demand_of(services, openid).description
    assert "冇" not in description and "俺" not in description and "没有人" in description


def test_a_need_dictated_without_a_pause_keeps_its_problem(wx: object, services: Container) -> None:
    """A demand dictated in one breath: the problem after the company's name is the description (not dropped with
    the name), and the budget, contact and dialect question word ('么样搞') stay out of it."""
    openid = "f6_dictated_need"
    reply = say(wx, openid, "我们是襄阳宏达机械有限公司在樊城区做农机齿轮的热处理以后变形大么样搞想找专家攻关"
                            "预算三十万联系人张伟电话13800096110")
    assert "请核对" in reply
    submit(wx, openid)
    row = demand_of(services, openid)
    assert "变形" in row.description and "宏达" not in row.description and "三十万" not in row.description
    assert "么样" not in row.description and row.company == "襄阳宏达机械有限公司"


def test_a_stage_said_alone_stays_out_of_the_summary(wx: object, services: Container) -> None:
    """'中试阶段' said beside the result is the maturity, not part of the summary (a later correction of the stage
    would leave it stale there)."""
    openid = "f6_stage"
    say(wx, openid, "我们是汉水大学的 有个水稻抗倒伏的新品种 中试阶段", "说错了 已经在合作社推广了 算产业化", "无",
        "联系人 钱进 13800096111")
    submit(wx, openid)
    row = achievement_of(services, openid)
    assert "阶段" not in row.summary and "抗倒伏" in row.summary and row.maturity == "已产业化"
