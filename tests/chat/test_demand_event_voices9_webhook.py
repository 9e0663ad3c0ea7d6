"""Demand forms, sign-ups and party changes through the real webhook (forms13): failure classes found by replaying
``tests/support/data/dialogues_voices9.jsonl`` before changing anything (a need type told by its own words after a
bare problem, '…都要测' read as an alert request, sharing a furnace, a budget corrected within one message, a company
name corrected while the budget is asked, solid-waste reuse, a hedge clause kept as the problem, what the business
makes told mid-form; '最多报三个' read as adding three, a companion swapped after a reason the bot does not know).
"""

from __future__ import annotations

from bot.container import Container
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, demand_of, submit, registration = forms_chat.say, forms_chat.demand_of, forms_chat.submit, forms_chat.registration


def test_a_test_asked_for_after_a_bare_problem_is_a_testing_need(wx: object, services: Container) -> None:
    """A bare problem ('轴承座加工完尺寸老是超差') guesses 技术攻关; '不用帮我们解决 就想找个有资质的地方检测一下'
    then says the need by its own words (检验检测)."""
    openid = "v9_test_after_problem"
    say(wx, openid, "登记需求 轴承座", "加工完尺寸老是超差", "不用帮我们解决 就想找个有资质的地方检测一下 出个报告")
    say(wx, openid, "枣阳", "枣阳恒达机械有限公司", "三万", "联系人 梁军 13800099201")
    submit(wx, openid)
    assert demand_of(services, openid).need_type == "检验检测"


def test_everything_to_be_measured_is_no_alert_request(wx: object, services: Container) -> None:
    """'拉伸 冲击都要测' lists what to test, not topics to be alerted about: the need type is still read (检验检测)."""
    openid = "v9_all_measured"
    say(wx, openid, "提需求", "我们是襄州做钢结构的 焊缝想找第三方检测 拉伸 冲击都要测")
    say(wx, openid, "襄阳坚诚钢构有限公司", "两万", "联系人 魏东 13800099202", "高端装备制造")
    submit(wx, openid)
    assert demand_of(services, openid).need_type == "检验检测"


def test_sharing_someone_elses_equipment_is_equipment_sharing(wx: object, services: Container) -> None:
    """'想找个单位共享一台真空炉 按小时付费' asks for equipment sharing, whatever trial it is for."""
    openid = "v9_share"
    say(wx, openid, "我们在宜城做硬质合金刀片 想做几批试验 需要真空烧结炉 想找个单位共享一台 按小时付费")
    say(wx, openid, "宜城锐锋工具有限公司", "十万以内", "联系人 贺平 13800099203")
    submit(wx, openid)
    assert demand_of(services, openid).need_type == "设备共享"


def test_a_budget_taken_back_within_one_message_is_the_later_one(wx: object, services: Container) -> None:
    """'预算先填二十万…算了 领导说写面议' records 面议, not the amount taken back."""
    openid = "v9_budget_back"
    say(wx, openid, "襄阳华瑞塑胶有限公司 在樊城 注塑件老是缩痕 想找专家攻关")
    say(wx, openid, "预算先填二十万…算了 领导说写面议", "联系人 陶静 13800099204", "新能源新材料")
    submit(wx, openid)
    row = demand_of(services, openid)
    assert row.budget == "面议" and "二十万" not in row.description


def test_a_company_name_corrected_while_the_budget_is_asked_replaces_it(wx: object, services: Container) -> None:
    """The full name said again while the budget is asked ('公司名少打了个字，是襄阳恒通精工机械有限公司') replaces
    the company, though the city inside the name is a place too."""
    openid = "v9_company_fixed"
    say(wx, openid, "我们在高新区 齿轮箱异响大 想找高校攻关", "襄阳恒精工机械有限公司")
    say(wx, openid, "不好意思 公司名少打了个字，是襄阳恒通精工机械有限公司", "面议", "联系人 龚伟 13800099205")
    submit(wx, openid)
    row = demand_of(services, openid)
    assert row.company == "襄阳恒通精工机械有限公司" and row.region == "襄阳市高新区"


def test_reusing_industrial_solid_waste_is_energy_and_environment(wx: object, services: Container) -> None:
    """A plant whose by-product piles up ('粉煤灰堆着没处用 想找高校做综合利用') is 节能环保, not its own trade."""
    openid = "v9_solid_waste"
    say(wx, openid, "我们是南漳的热电厂 粉煤灰堆着没处用 环保压力大 想找高校做综合利用")
    say(wx, openid, "南漳县宏远热电有限公司", "三十万", "联系人 冉刚 13800099206")
    submit(wx, openid)
    assert demand_of(services, openid).industry == "节能环保"


def test_a_hedge_beside_the_budget_is_no_part_of_the_problem(wx: object, services: Container) -> None:
    """'预算嘛 这个说不好 写面议吧' gives the budget; '这个说不好' is not added to the problem (nor its title)."""
    openid = "v9_hedge"
    say(wx, openid, "我们是谷城做汽车软管的 想申请知识产权质押贷款扩产", "谷城恒力橡塑有限公司")
    say(wx, openid, "预算嘛 这个说不好 写面议吧", "联系人 陆峰 13800099207", "汽车及零部件")
    submit(wx, openid)
    row = demand_of(services, openid)
    assert row.budget == "面议" and "说不好" not in row.description and "说不好" not in row.title


def test_what_the_business_makes_told_mid_form_joins_the_problem(wx: object, services: Container) -> None:
    """Asked for the company, '我们做智能电表模组的，在樊城区' gives the region and keeps what they make with the
    problem (matching reads it)."""
    openid = "v9_makes_mid_form"
    say(wx, openid, "我们公司想招个做射频电路的工程师 本地一直招不到")
    say(wx, openid, "我们做智能电表模组的，在樊城区", "襄阳博联电子有限公司", "面议", "联系人 纪红 13800099208")
    submit(wx, openid)
    row = demand_of(services, openid)
    assert "电表模组" in row.description and row.region == "襄阳市樊城区"


def test_at_most_three_is_a_limit_not_three_more(wx: object, services: Container) -> None:
    """Told the limit, '最多报三个是吧 那就报我和小周小吴 我叫…' signs up three (the limit is no 'add three')."""
    openid = "v9_at_most"
    say(wx, openid, "我们车间五个人想参加防溺水那个讲座")
    say(wx, openid, "最多报三个是吧 那就报我和小周小吴 我叫邱海 电话13800099209", "同意")
    reg = registration(services, openid)
    assert (reg.name, reg.party_size, sorted(reg.companions)) == ("邱海", 3, ["小吴", "小周"])


def test_a_companion_swapped_after_a_reason_is_replaced(wx: object, services: Container) -> None:
    """Signed up with 小刘; '小刘那天要值班 换成小何陪我去' replaces 小刘 by 小何 (two people still)."""
    openid = "v9_swap"
    say(wx, openid, "防溺水讲座报名 我叫严涛 13800099210 和同事小刘一起", "同意")
    say(wx, openid, "不好意思 小刘那天要值班 换成小何陪我去", "确认")
    reg = registration(services, openid)
    assert (reg.party_size, reg.companions) == (2, ["小何"])
