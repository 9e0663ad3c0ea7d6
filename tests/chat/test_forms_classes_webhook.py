"""Failure classes found with the dev conversations of ``tests/support/data/dialogues_forms.jsonl``, through the
real webhook: spoken budget ranges, a failed inspection read as a quality problem, an introduction given when the
problem was asked, a vague opening replaced by the real problem, a contact corrected with a new phone, what the
company makes outranking an earlier industry guess, partial topic drops, companions named after '带上'.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.container import Container
from bot.store.models import Interest, Registration
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # the same module fixtures: a database with the sample events
say, demand_of = forms_chat.say, forms_chat.demand_of


def topics_of(services: Container, openid: str) -> list[str]:
    """The alert topics a user subscribed to, sorted."""
    with services.db.session() as session:
        return sorted(k for row in session.scalars(select(Interest).where(Interest.openid == openid))
                      for k in row.keywords or [])


@pytest.mark.parametrize(("said", "want"), [("费用大概三五万", "3-5万元"), ("预算 大概四五十个", "40-50万元"),
                                            ("七八万吧", "7-8万元")])
def test_spoken_budget_ranges(wx: object, services: Container, said: str, want: str) -> None:
    """Two bare digits are a range ('三五万' is 3–5万, never 35万), also with '个' for 万."""
    openid = f"c_budget_{want}"
    say(wx, openid, "提需求", "我们是樊城做液压油缸的 缸筒内壁拉伤 想找珩磨工艺专家 行业算高端装备制造",
        "襄阳精锐液压件有限公司", "技术攻关")
    summary = say(wx, openid, said, "联系人 龚明 13800011101")
    assert f"预算：{want}" in summary
    say(wx, openid, "确认", "同意")
    assert demand_of(services, openid).budget == want


def test_failed_inspection_is_a_quality_problem(wx: object) -> None:
    """'探伤老不合格' asks for a fix (技术攻关, marked as a guess), not for a test lab (检验检测)."""
    summary = say(wx, "c_inspect", "我们是随州做专用汽车的 罐体焊缝探伤老不合格 返修多 想找焊接工艺专家 行业是汽车及零部件 "
                                   "随州程力专用车制造有限公司 预算八十万 联系人 程刚 13800011606")
    assert "需求类型：技术攻关（根据描述推测" in summary and "检验检测" not in summary


def test_introduction_answering_the_problem_question(wx: object, services: Container) -> None:
    """Asked for the problem, the user introduces the company: company, industry and region are kept, the
    problem is asked again, and neither the introduction nor '行业是…' lands in the description."""
    openid = "c_intro"
    say(wx, openid, "提需求")
    reply = say(wx, openid, "我们是随州做专用汽车的 随州程力专用车制造有限公司 行业是汽车及零部件")
    assert "已记下单位名称、所属行业" in reply and "遇到的问题" in reply
    say(wx, openid, "罐体焊缝探伤老不合格 返修多", "是", "预算八十万 联系人 程刚 13800011606", "确认", "同意")
    d = demand_of(services, openid)
    assert d.description == "罐体焊缝探伤老不合格，返修多" and d.industry == "汽车及零部件"


def test_vague_opening_gives_way_to_the_problem(wx: object, services: Container) -> None:
    """'有个需求 我们打算申报高企…想买一项现成的技术成果' names nothing specific: the bot asks for the problem, and the
    description holds the problem said next (not the application talk)."""
    openid = "c_vague"
    asked = say(wx, openid, "有个需求 我们打算申报高企 可是缺核心技术专利 想买一项现成的技术成果")
    assert "遇到的问题" in asked
    say(wx, openid, "我们是枣阳做汽车空调管路的 想要一个管路接头防泄漏的技术", "枣阳冷通汽配有限公司 预算六十来万",
        "联系人 方红 13800004327", "确认", "同意")
    d = demand_of(services, openid)
    assert "防泄漏" in d.description
    assert not any(w in d.description for w in ("高企", "申报", "现成的技术成果"))


def test_contact_correction_carries_the_new_phone(wx: object, services: Container) -> None:
    """'联系人改成我们技术部的 韦强 138…' replaces the name and the phone."""
    openid = "c_contact"
    say(wx, openid, "提个需求", "我们是南漳做磷化工的 磷石膏堆着没法处理 想找综合利用的技术",
        "南漳兴发磷化有限公司 预算一百来万", "技术攻关", "联系人先写我 龙飞 13800012111")
    summary = say(wx, openid, "联系人改成我们技术部的 韦强 13800012112")
    assert "联系人：韦强" in summary and "13800012112" in summary
    say(wx, openid, "确认", "同意")
    d = demand_of(services, openid)
    assert (d.contact_name, d.contact_phone, d.budget) == ("韦强", "13800012112", "100万元")


def test_what_the_company_makes_outranks_an_earlier_guess(wx: object, services: Container) -> None:
    """An industry guessed from the problem's words (数字化车间) gives way to the product ('做汽车转向器的')."""
    openid = "c_product"
    say(wx, openid, "发布需求", "我们公司想做数字化车间改造 但是不知道从哪下手 想找咨询团队")
    summary = say(wx, openid, "襄阳德隆汽车部件有限公司 在高新区 做汽车转向器的", "预算一百万左右",
                  "联系人 史强 13800021005")
    assert "所属行业：汽车及零部件（根据描述推测" in summary
    say(wx, openid, "确认", "同意")
    assert demand_of(services, openid).industry == "汽车及零部件"


def test_subscription_drops_a_topic_named_in_part_and_adds_one(wx: object, services: Container) -> None:
    """'机器人不要了 加个数字孪生' edits the topics (it does not cancel the subscription)."""
    openid = "c_topics"
    say(wx, openid, "我不登成果 就想收需求提醒", "智能制造 工业机器人")
    summary = say(wx, openid, "机器人不要了 加个数字孪生")
    assert "提醒方向：智能制造、数字孪生" in summary
    say(wx, openid, "确认", "同意")
    assert topics_of(services, openid) == ["数字孪生", "智能制造"]


@pytest.mark.parametrize(("said", "size", "companions"), [
    ("带上我们科室的小郑和小吴", 3, ["小郑", "小吴"]),
    ("带上我爸妈", 3, ["爸爸", "妈妈"]),  # relations are stored as said (one convention since voices10)
])
def test_companions_said_before_the_name(wx: object, services: Container, said: str, size: int,
                                         companions: list[str]) -> None:
    """Companions said before the contact count: nicknames after '带上(我们科室的)', '爸妈' is two people (爸爸, 妈妈)."""
    openid = "c_party_" + said.encode().hex()[-12:]
    say(wx, openid, "帮我报个名 那个颈椎的", said)
    summary = say(wx, openid, "我叫包晓东 13800023001")
    assert f"{size}人" in summary
    say(wx, openid, "同意")
    with services.db.session() as session:
        reg = session.scalar(select(Registration).where(Registration.openid == openid))
        assert reg is not None and reg.party_size == size and list(reg.companions or []) == companions


def test_problem_without_a_need_word_is_guessed_as_tech_problem(wx: object) -> None:
    """'齿轮箱跑一阵就漏油' names no need type: 技术攻关 is offered as a marked guess, not stated as a fact."""
    summary = say(wx, "c_needtype", "我们在老河口 做农机齿轮箱的 老河口鑫达农机有限公司 齿轮箱跑一阵就漏油 "
                                    "密封圈换了好几种都不行 预算十万 联系人 聂红军 13800031234")
    assert "需求类型：技术攻关（根据描述推测" in summary


def test_achievement_alert_topics_edited_at_the_summary(wx: object, services: Container) -> None:
    """At the achievement summary '表面处理不要了 加个轻量化' edits the alert topics (the draft is not dropped);
    the stage ('算中试吧') and '成果是' stay out of the summary text."""
    openid = "c_ach_topics"
    say(wx, openid, "想把我们课题组的一个专利放到项目库", "我是汉江理工学院材料学院的 周教授课题组",
        "成果是 一种镁合金表面微弧氧化涂层 耐蚀性提高5倍 已经在两家企业试用", "算中试吧", "专利就一项发明专利 已授权",
        "李老师，李文静 15927083322")
    summary = say(wx, openid, "提醒的话 镁合金 表面处理方向的需求都推给我", "表面处理不要了 加个轻量化")
    assert "需求提醒：镁合金、轻量化" in summary
    assert "成果简介：一种镁合金表面微弧氧化涂层，耐蚀性提高5倍，已经在两家企业试用\n" in summary
    say(wx, openid, "确认", "同意")
    assert topics_of(services, openid) == ["轻量化", "镁合金"]


def test_dialect_name_and_one_companion_dropped(wx: object, services: Container) -> None:
    """'俺叫…' gives the name; '帮我把他退了' takes the companion off (confirmed first), the sign-up stays."""
    openid = "c_drop_one"
    summary = say(wx, openid, "社区那个高血压的讲座 我想和我家老头子一块去", "俺叫晏桂兰 13800041234 老头子叫丁福贵")
    assert "晏桂兰" in summary and "2人" in summary and "丁福贵" in summary
    say(wx, openid, "同意")
    asked = say(wx, openid, "老头子腿疼 去不成了 帮我把他退了")
    assert "改为1人" in asked
    say(wx, openid, "对")
    with services.db.session() as session:
        reg = session.scalar(select(Registration).where(Registration.openid == openid))
        assert reg is not None and reg.status in ("confirmed", "waitlisted")
        assert reg.party_size == 1 and not reg.companions


def test_labelled_one_shot_keeps_only_the_problem(wx: object, services: Container) -> None:
    """A form-like message ('公司名称…，地址…，…，联系人：武建 手机 138…'): the address and the contact name stay
    out of the description."""
    openid = "c_labelled"
    say(wx, openid, "麻烦登记一下：公司名称襄阳恒昌化工有限公司，地址襄阳市襄城区，生产的氯化钙结块严重，包装后一个月就"
                    "结成硬块，想找防结块的配方，预算两万到五万，联系人：武建 手机 13800051001", "是", "确认", "同意")
    d = demand_of(services, openid)
    assert d.description == "生产的氯化钙结块严重，包装后一个月就结成硬块，想找防结块的配方"
    assert (d.region, d.budget, d.contact_name) == ("襄阳市襄城区", "2-5万元", "武建")


def test_everyday_problem_words_after_an_introduction(wx: object, services: Container) -> None:
    """After '我们是…做汽车灯具的企业', '车灯起雾 售后很头疼' is the problem (not small talk); '百把万' is a budget;
    '不是1234是4321' fixes the phone's tail."""
    openid = "c_fog"
    say(wx, openid, "我们是襄阳的一家做汽车灯具的企业")
    opened = say(wx, openid, "车灯起雾 售后很头疼")
    assert "技术需求" in opened
    say(wx, openid, "襄阳明辉车灯有限公司", "我们在樊城 哦不对 是襄州", "预算嘛 百把万", "我的电话13800061234 我叫柏杨")
    summary = say(wx, openid, "不是1234是4321")
    assert "13800064321" in summary and "预算：100万元" in summary and "所在地区：襄阳市襄州区" in summary
    say(wx, openid, "确认", "同意")
    d = demand_of(services, openid)
    assert "起雾" in d.description and d.budget == "100万元" and d.contact_phone == "13800064321"


def test_placed_factory_name_is_not_offered_for_a_yes(wx: object, services: Container) -> None:
    """'叫谷城县鑫源机械厂' names one factory (a place and a name): recorded, not asked back as a hint;
    '王总 王建设' stores the name with the title beside it."""
    openid = "c_factory"
    say(wx, openid, "提需求", "农用水泵的叶轮用半年就磨损 想找耐磨材料方面的专家")
    reply = say(wx, openid, "我们是谷城的 叫谷城县鑫源机械厂")
    assert "已记下单位名称" in reply and "单位名称是“" not in reply
    say(wx, openid, "找王总就行 王建设 13800071234", "预算不超过二十个", "是", "确认", "同意")
    d = demand_of(services, openid)
    assert (d.company, d.contact_name, d.contact_title, d.budget) == ("谷城县鑫源机械厂", "王建设", "总", "20万元")


def test_alert_topic_in_a_question_and_confirming_by_count(wx: object, services: Container) -> None:
    """'有没有办法 以后有企业要做涂层的需求就通知我' subscribes to 涂层 (not '没有办法'); '对 就这两个' confirms."""
    openid = "c_coating"
    summary = say(wx, openid, "有没有办法 以后有企业要做涂层的需求就通知我", "还有热喷涂")
    assert "提醒方向：涂层、热喷涂" in summary
    assert "同意" in say(wx, openid, "对 就这两个")
    say(wx, openid, "同意")
    assert topics_of(services, openid) == ["涂层", "热喷涂"]


def test_two_more_companions_added_after_signing_up(wx: object, services: Container) -> None:
    """'再加两个同事 小车和小樊' asks to change the party to 3 (named), and changes it on '确认'."""
    openid = "c_add_two"
    say(wx, openid, "报名心肺复苏培训", "我叫司马强 13800083004", "同意")
    asked = say(wx, openid, "再加两个同事 小车和小樊")
    assert "3人" in asked and "小车" in asked and "小樊" in asked
    say(wx, openid, "确认")
    with services.db.session() as session:
        reg = session.scalar(select(Registration).where(Registration.openid == openid))
        assert reg is not None and reg.party_size == 3 and sorted(reg.companions or []) == ["小樊", "小车"]
