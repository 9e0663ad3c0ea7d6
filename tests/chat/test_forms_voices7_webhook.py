"""Researcher conversations through the real webhook: failure classes found by replaying
``tests/support/data/dialogues_voices7.jsonl`` (achievements and alert subscriptions) before changing anything — a
title form with a particle before the full name ('…老师吧，…'), alert topics asked as a question or with fillers, a
person's introduction taken for a topic, a result offered together with alerts, a research unit naming its result
read as a need, a researcher turning a 'demand' into alerts, giving up a form and asking for alerts at once, the
stage a result is still at, a title given as '成果：…', and an organisation corrected within the message.
Sentences are phrased unlike the data set's (the classes, not its lines, are tested).
"""

from __future__ import annotations

import pytest

from bot.container import Container
from tests.chat import test_forms_classes_webhook as classes
from tests.chat import test_forms_voices5_webhook as voices5
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, submit = forms_chat.say, forms_chat.submit
achievement_of, topics_of = voices5.achievement_of, classes.topics_of
RESULT = "楚北理工大学机械学院，我们有个齿轮箱故障声学诊断系统，已经在三家风电场用了两年"


@pytest.mark.parametrize(("openid", "contact", "name", "title"), [
    ("f7_particle", "联系人找我们实验室的钱老师吧，钱国梁 13800097301", "钱国梁", "老师"),
    ("f7_bracket", "联系人：温研究员（温雅）13800097302", "温雅", "研究员"),
    ("f7_enough", "找卢教授就行，卢振邦，13800097303", "卢振邦", "教授"),
])
def test_a_title_form_then_the_full_name_stores_the_full_name(wx: object, services: Container, openid: str,
                                                               contact: str, name: str, title: str) -> None:
    """'钱老师吧，钱国梁', '温研究员（温雅）', '卢教授就行，卢振邦': the full name with the same surname is the contact,
    the title is kept beside it."""
    say(wx, openid, RESULT, "授权发明专利1项", contact, "高端装备制造")
    submit(wx, openid)
    row = achievement_of(services, openid)
    assert (row.contact_name, row.contact_title) == (name, title)


def test_alert_topics_asked_as_a_question_mid_form_are_the_alerts(wx: object, services: Container) -> None:
    """'有没有搞A、B的企业需求？有的话发给我' inside the achievement form sets its alert topics (no side
    subscription, no 'question noted'); '对了' in front of a topic is no topic."""
    openid = "f7_asked"
    say(wx, openid, RESULT)
    reply = say(wx, openid, "还有，有没有搞风机叶片、轴承监测的企业需求？有的话发给我")
    assert "先记下" not in reply and "已订阅" not in reply
    say(wx, openid, "对了，以后减速机这块的需求也都推给我")
    say(wx, openid, "授权发明专利1项", "联系人 柏松 13800097304", "高端装备制造")
    summary = say(wx, openid, "顺便再帮我订一下故障诊断、声学成像方面的需求提醒。哦，声学成像不要了")
    assert "对了" not in summary
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["风机叶片", "轴承监测", "减速机", "故障诊断"])


def test_an_introduction_is_no_topic_and_topics_follow_a_focus_word(wx: object, services: Container) -> None:
    """Subscribing without a result: '我是…学院的 某某，电话…' at the topics question gives the contact (not a
    topic named after the person); '主要关注A、B这几块' gives the topics."""
    openid = "f7_focus"
    say(wx, openid, "我不登成果，只想收企业需求推送")
    reply = say(wx, openid, "我是襄阳职业技术学院汽车学院的 邵明远，手机13800097305")
    assert "邵明远" not in reply.split("联系人")[0]
    say(wx, openid, "主要关注电池热管理、整车轻量化这几块")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["电池热管理", "整车轻量化"])


def test_a_result_offered_with_alerts_opens_the_achievement_form(wx: object, services: Container) -> None:
    """One message offering a result for the 项目库 and asking for alerts on other topics registers the result
    with those alerts (it is not a bare subscription)."""
    openid = "f7_both"
    reply = say(wx, openid, "我是楚北理工大学的柯教授 柯文涛，我们的“矿用输送带纵向撕裂视觉检测系统”想登到项目库，"
                            "已经在两座煤矿用了三年，电话13800097306。另外输送机、矿山机械有企业需求的话也推给我")
    wx.drain()  # type: ignore[attr-defined]  # a long first message may be answered by a push
    told = reply or "\n".join(wx.pushes(openid))  # type: ignore[attr-defined]
    assert "项目库" in told and "不登记成果也可以订阅" not in told
    say(wx, openid, "授权发明专利2项", "高端装备制造")
    submit(wx, openid)
    row = achievement_of(services, openid)
    assert "撕裂" in row.title and row.contact_name == "柯文涛"
    assert topics_of(services, openid) == sorted(["输送机", "矿山机械"])


def test_a_research_unit_naming_its_result_is_an_achievement(wx: object) -> None:
    """'某大学某学院，X的制备工艺' (a university naming what it made, no problem, no search for help) opens the
    achievement form, not the demand form."""
    reply = say(wx, "f7_unit", "楚北理工大学生物工程学院，魔芋飞粉提取神经酰胺的纯化工艺")
    assert "项目库" in reply and "问题库" not in reply


def test_a_researcher_turns_a_demand_into_alerts(wx: object, services: Container) -> None:
    """'登记…方面的需求' then '不对，我不是企业，我是老师，以后有企业提A、B这类需求时通知我' leaves the demand form for
    an alert subscription on A and B; no demand is stored."""
    openid = "f7_turn"
    say(wx, openid, "我想登记一个焊接变形方面的需求")
    reply = say(wx, openid, "不对不对，我们不是企业，我是学校的老师，想以后有企业提焊接变形、残余应力这类需求时通知我")
    assert "需求提醒" in reply
    say(wx, openid, "联系人 毛晓辉 13800097307")
    say(wx, openid, "确认", "同意")
    assert topics_of(services, openid) == sorted(["焊接变形", "残余应力"])
    with services.db.session() as session:
        from sqlalchemy import select

        from bot.store.models import Demand
        assert not list(session.scalars(select(Demand).where(Demand.openid == openid)))


def test_giving_up_a_result_and_asking_for_alerts_opens_the_subscription(wx: object, services: Container) -> None:
    """'先不登了…能不能先帮我订阅企业需求' cancels the achievement and opens the alert subscription at once."""
    openid = "f7_instead"
    say(wx, openid, "我想登记个成果")
    reply = say(wx, openid, "唉算了，专利证书还没下来，先不登了。可以先帮我订阅企业的需求推送吗")
    assert "已取消" in reply and "哪些方向" in reply
    say(wx, openid, "中药炮制、药食同源", "我叫卫宁 13800097308")
    say(wx, openid, "确认", "同意")
    assert topics_of(services, openid) == sorted(["中药炮制", "药食同源"])


@pytest.mark.parametrize(("openid", "stage_said", "maturity"), [
    ("f7_still", "目前仍在实验室阶段摸索，做过几次样品", "实验室阶段"),
    ("f7_trial", "在一家合作企业那边试运行了三个月", "中试"),
])
def test_the_stage_a_result_is_still_at(wx: object, services: Container, openid: str, stage_said: str,
                                        maturity: str) -> None:
    """Where a result still is ('仍在实验室…做过几次样品' is the lab stage, not 小试 for the samples); a trial run at
    a company is a pilot (中试)."""
    say(wx, openid, "我想登记个成果", "楚北理工大学", "一种秸秆纤维增强的可降解育苗钵配方")
    say(wx, openid, stage_said, "没有专利", "联系人 伍思远 13800097309", "现代农业")
    submit(wx, openid)
    assert achievement_of(services, openid).maturity == maturity


def test_a_title_given_after_a_colon_and_an_organisation_corrected_in_one_message(wx: object,
                                                                                   services: Container) -> None:
    """'成果：X' names the result even when the description comes later; '先写的A大学，哦不对，现在是B学院' keeps B."""
    openid = "f7_colon"
    say(wx, openid, "单位先写的楚北理工大学，哦不对，团队现在在襄阳职业技术学院，成果：基于北斗的农机作业面积计量终端")
    say(wx, openid, "已经卖了四年，装了两千多台", "有两项软件著作权", "联系人 龚乐 13800097310", "电子信息")
    submit(wx, openid)
    row = achievement_of(services, openid)
    assert "北斗" in row.title and "计量终端" in row.title
    assert row.institution == "襄阳职业技术学院"


def test_a_field_question_answered_in_the_same_message_is_the_field(wx: object, services: Container) -> None:
    """'算A还是B？那就写A吧' names the field (the question is the user's own, answered at once): no 'question noted'."""
    openid = "f7_decided"
    say(wx, openid, RESULT, "授权发明专利1项")
    reply = say(wx, openid, "这个归高端装备制造还是节能环保？那就写节能环保吧")
    assert "先记下" not in reply
    say(wx, openid, "联系人 葛涛 13800097311")
    submit(wx, openid)
    assert achievement_of(services, openid).field == "节能环保"


@pytest.mark.parametrize(("openid", "asked", "topics"), [
    ("f7_share", "以后凡是涉及风电运维的需求都发我一份", ["风电运维"]),
    ("f7_tell", "有关于叶片探伤或者螺栓松动的需求也跟我说一声", ["叶片探伤", "螺栓松动"]),
    ("f7_keen", "我们对储能消防、电池检测这类需求比较感兴趣", ["储能消防", "电池检测"]),
    ("f7_makers", "麻烦以后有做塔筒的企业来找技术时通知我", ["塔筒"]),
])
def test_alert_topics_in_everyday_wording(wx: object, services: Container, openid: str, asked: str,
                                         topics: list[str]) -> None:
    """Alert requests worded every which way ('…都发我一份', '…也跟我说一声', '对…这类需求比较感兴趣', '有做X的企业来找
    技术时通知我') set the achievement's alert topics."""
    say(wx, openid, RESULT, asked, "授权发明专利1项", "联系人 易航 13800097312", "高端装备制造")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(topics)


@pytest.mark.parametrize(("openid", "told", "title"), [
    ("f7_head", "楚北理工大学能动学院，我们研发的高效低噪声离心风机叶轮，已经在两家厂用了", "高效低噪声离心风机叶轮"),
    ("f7_quoted", "楚北理工大学，这个项目叫做“丘陵山区小型履带式采茶机”，已经在茶场用了两年", "丘陵山区小型履带式采茶机"),
    ("f7_named", "楚北理工大学，成果名是茶园智能灌溉控制器，已经卖了三年", "茶园智能灌溉控制器"),
])
def test_the_title_is_the_whole_name_without_lead_words_or_quotes(wx: object, services: Container, openid: str,
                                                                  told: str, title: str) -> None:
    """'研发的…离心风机叶轮' keeps the head noun after the machine and drops '研发的'; '项目叫做“…”' drops the quotes;
    '成果名是…' names the result."""
    say(wx, openid, told, "授权发明专利1项", "联系人 芦笛 13800097313", "高端装备制造")
    submit(wx, openid)
    assert achievement_of(services, openid).title == title


def test_alerts_asked_with_everyday_verbs_and_edited_later(wx: object, services: Container) -> None:
    """'不登成果，以后有关于X的需求麻烦告诉我' subscribes to X itself (not its whole sector); later
    '订阅的再加一个Y，X不要了' adds Y and drops X."""
    openid = "f7_tellme"
    reply = say(wx, openid, "我是学校老师，不登成果，以后有关于冷库节能的需求麻烦告诉我")
    assert "冷库节能" in reply and "领域的企业需求提醒" not in reply
    say(wx, openid, "确认", "同意")
    reply = say(wx, openid, "订阅的再加一个冷链监测，冷库节能不要了")
    assert "冷链监测" in reply and "没关系" not in reply
    assert topics_of(services, openid) == ["冷链监测"]


def test_quitting_the_result_to_be_alerted_instead(wx: object, services: Container) -> None:
    """'不想登了…以后有X的需求提醒我就行' at the first question quits the achievement form (it is no alert topic
    of the result) and opens the alert subscription for X."""
    openid = "f7_quit"
    say(wx, openid, "我想登记成果")
    reply = say(wx, openid, "不想登了，材料太多。以后有压铸模具方面的需求提醒我就行")
    assert "已取消" in reply and "压铸模具" in reply
    say(wx, openid, "确认", "同意")
    assert topics_of(services, openid) == ["压铸模具"]
    assert not achievement_count(services, openid)


def achievement_count(services: Container, openid: str) -> int:
    """How many achievements the user stored."""
    from sqlalchemy import func, select

    from bot.store.models import Achievement
    with services.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Achievement)
                                  .where(Achievement.owner_openid == openid)) or 0)
