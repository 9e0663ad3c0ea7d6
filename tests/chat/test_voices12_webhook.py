"""Forms and sign-ups through the real webhook (forms16): failure classes found by replaying
``tests/support/data/dialogues_voices12.jsonl`` before changing anything (told in other words here): who the user is,
said right after one event was shown, signs up for it; a place said as '我是X的' is no contact name; '不是X 是Y' about
the problem replaces the clause of the description that said X; a school's department does not rename the unit;
the first of two names joined by '和' comes along too; the trade in what the unit makes or in its own name outranks
equipment it mentions; '没得啥药害' is no question; '退订X' and '只要Y' change the demand alerts; the form's words said in English ('2 persons, me and my coworker …',
'Confirm') read as the Chinese ones.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.container import Container
from bot.store.models import Achievement, Interest
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, demand_of, submit, registration = forms_chat.say, forms_chat.demand_of, forms_chat.submit, forms_chat.registration


def test_a_name_said_right_after_an_event_was_shown_signs_up_for_it(wx: object, services: Container) -> None:
    """'高血压那个讲座在哪里' shows E01; '我是幸福小区的 叫柯红梅' then answers its sign-up (it was a menu of
    guesses), and the phone follows."""
    openid = "v12_name_after_event"
    say(wx, openid, "高血压那个讲座在哪里")
    asked = say(wx, openid, "我是幸福小区的 叫柯红梅")
    assert "手机" in asked or "电话" in asked
    say(wx, openid, "13800012121", "同意")
    reg = registration(services, openid)
    assert (reg.event_id, reg.name, reg.phone) == ("E01", "柯红梅", "13800012121")


def test_a_bare_name_after_a_one_event_list_signs_up_for_it(wx: object, services: Container) -> None:
    """A list filtered down to one event ('有没有讲近视的') and then only a name: the sign-up for that event."""
    openid = "v12_bare_name"
    say(wx, openid, "报名", "有没有讲近视的")
    say(wx, openid, "乔玉兰", "13800012122", "同意")
    reg = registration(services, openid)
    assert (reg.event_id, reg.name) == ("E03", "乔玉兰")


def test_where_the_speaker_is_from_is_no_contact_name(wx: object, services: Container) -> None:
    """'我是樊城的…' in a message dictated in one breath names a place; the name said later is the contact."""
    openid = "v12_place_not_name"
    say(wx, openid, "你好我是樊城的我们公司叫襄阳宏泰机械有限公司做农机齿轮箱的齿轮箱跑一阵就漏油想找专家攻关一下"
                    "预算二十万我姓费叫费立新电话13800012123")
    submit(wx, openid)
    assert demand_of(services, openid).contact_name == "费立新"


def test_not_x_but_y_about_the_problem_replaces_that_clause(wx: object, services: Container) -> None:
    """'不是漏油 是异响很大 一开就嗡嗡响' while the budget is asked: the clause that said 漏油 is replaced."""
    openid = "v12_problem_swap"
    say(wx, openid, "樊城的 襄阳远达减速机有限公司", "我们的减速机是自己装配的 出厂测试老是漏油")
    say(wx, openid, "哎不对 说错了 不是漏油 是异响很大 一开就嗡嗡响", "想找专家攻关 预算十万", "冷雪松 13800012124")
    submit(wx, openid)
    row = demand_of(services, openid)
    assert "异响" in row.description and "漏油" not in row.description and "说错" not in row.description


def test_a_department_does_not_rename_the_unit(wx: object, services: Container) -> None:
    """'湖北文理学院' then '机械工程学院' (its department): the unit stays the college."""
    openid = "v12_department"
    say(wx, openid, "登记成果", "湖北文理学院", "机械工程学院", "成果叫 农机轴承故障声学诊断仪", "小试", "高端装备制造",
        "无", "联系人 乐建华 13800012125")
    submit(wx, openid)
    with services.db.session() as session:
        row = session.scalars(select(Achievement).where(Achievement.owner_openid == openid)).one()
        assert row.institution == "湖北文理学院"


def test_two_names_joined_by_and_both_come_along(wx: object, services: Container) -> None:
    """After signing up alone, '我两个徒弟也想来 小孟和小龚 加上吧' adds both (not only the one after 和)."""
    openid = "v12_joined_names"
    say(wx, openid, "颈腰椎那个一对一体态评估 报一个 龙海涛 13800012126", "同意")
    asked = say(wx, openid, "我两个徒弟也想来 小孟和小龚 加上吧")
    assert "3人" in asked
    say(wx, openid, "确认")
    reg = registration(services, openid)
    assert (reg.party_size, sorted(reg.companions or [])) == (3, ["小孟", "小龚"])


def test_the_trade_in_the_units_own_name_outranks_equipment_it_mentions(wx: object, services: Container) -> None:
    """'…华康生物医药有限公司 新建了一条软胶囊灌装生产线': the unit makes medicines (医药健康), the line is only
    where the problem is."""
    openid = "v12_trade_in_name"
    say(wx, openid, "我们是樊城的襄阳华康生物医药有限公司 新建了一条软胶囊灌装生产线 想招两个懂设备调试的技术员",
        "年薪二十万", "联系人 符丽 13800012127")
    submit(wx, openid)
    assert demand_of(services, openid).industry == "医药健康"


def test_a_result_described_with_no_side_effects_is_its_description(wx: object, services: Container) -> None:
    """'…没得啥药害' says there is no harm (no question): the message describes the result and is kept as such."""
    openid = "v12_no_harm"
    say(wx, openid, "我是楚天农业科学研究院的 想登记个成果")
    say(wx, openid, "我们有个防治柑橘黄龙病的植物诱抗剂 在宜城推广了上万亩 没得啥药害", "有一个发明专利",
        "联系人 温志刚 13800012128", "现代农业")
    submit(wx, openid)
    with services.db.session() as session:
        row = session.scalars(select(Achievement).where(Achievement.owner_openid == openid)).one()
        assert "诱抗剂" in row.summary and "温志刚" not in row.summary


def test_unsubscribing_one_topic_and_keeping_only_another(wx: object, services: Container) -> None:
    """'算了 节能环保的退订吧 只要电子信息' drops the one and keeps only the other (it is no 'never mind')."""
    openid = "v12_keep_only"
    say(wx, openid, "订阅 节能环保", "再加一个电子信息")
    reply = say(wx, openid, "算了 节能环保的退订吧 只要电子信息")
    assert "没关系" not in reply
    with services.db.session() as session:
        rows = session.scalars(select(Interest).where(Interest.openid == openid, Interest.kind == "match"))
        assert sorted(k for r in rows for k in r.keywords) == ["电子信息"]


def test_the_party_and_a_confirmation_said_in_english(wx: object, services: Container) -> None:
    """'2 persons, me and my coworker 白杨' sets the party like '2个人 我和我的同事 白杨'; 'Confirm' confirms."""
    openid = "v12_english"
    say(wx, openid, "心肺复苏那个培训报名 魏然 13800012129")
    asked = say(wx, openid, "2 persons, me and my coworker 白杨")
    assert "2人" in asked
    say(wx, openid, "Confirm")
    reg = registration(services, openid)
    assert (reg.party_size, reg.companions) == (2, ["白杨"])
