"""Researchers subscribing to demand alerts in casual speech, through the real webhook: failure classes found by
replaying ``tests/support/data/dialogues_voices20.jsonl`` before changing anything — the words around a topic taken
into it ('企业那边有X的需求', '关键词 X', '他关注 X', '跟企业那边对接'); topics added on the summary in passing ('特别
关注X', '具体点 A 和 B', 'X这种也行吗', '诶再加个X'); a direct subscription keeping only the first catalogue industry
it named; the unit said when declining to register lost when the alerts are set next.
Sentences are phrased unlike the data set's.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.container import Container
from bot.store.models import User
from tests.chat import test_forms_classes_webhook as classes
from tests.chat import test_forms_voices5_webhook as voices5
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, submit, topics_of = forms_chat.say, forms_chat.submit, classes.topics_of
achievement_of = voices5.achievement_of


def _company(services: Container, openid: str) -> str | None:
    """The unit stored with the user's contact."""
    with services.db.session() as session:
        return session.scalar(select(User.company).where(User.openid == openid))


def test_topic_words_come_without_the_request_around_them(wx: object, services: Container) -> None:
    """'厂家那边有X的需求能推给我' is X; '关键字' labels the list; '她关注' and '跟企业那边对接' name no topic."""
    openid = "r20_there"
    say(wx, openid, "我不登记成果 就想厂家那边有激光熔覆的需求能推给我", "我叫雷振华 手机13800017201")
    submit(wx, openid)
    assert topics_of(services, openid) == ["激光熔覆"]
    openid = "r20_label"
    say(wx, openid, "订阅需求 关键字 超声检测 涡流探伤", "雷振华 13800017202")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["超声检测", "涡流探伤"])
    openid = "r20_they"
    reply = say(wx, openid, "我没成果登记 想和企业那边对接一下 有需求提醒吗")
    assert "对接" not in reply.split("提醒方向")[-1][:12]
    say(wx, openid, "她关注 生物炭 还有 土壤修复", "雷振华 13800017203")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["生物炭", "土壤修复"])


def test_topics_added_on_the_summary_in_passing(wx: object, services: Container) -> None:
    """On the subscription summary '尤其关注X', '具体一点 A 和 B', 'X这类也行吗' and '哎 再加个X' add topics."""
    openid = "r20_more"
    say(wx, openid, "订阅 节能环保 方向的需求", "尤其关注余热回收", "具体一点 烟气脱硫 和 除尘")
    reply = say(wx, openid, "嗯 固废处置这类也行吗")
    assert "固废处置" in reply and "问题我先记下" not in reply
    say(wx, openid, "哎 再加个土壤修复", "雷振华 13800017204")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["节能环保", "余热回收", "烟气脱硫", "除尘", "固废处置", "土壤修复"])


def test_a_direct_subscription_keeps_every_topic_in_the_users_words(wx: object, services: Container) -> None:
    """'那我订一下 碳化硅 和 电子信息' subscribes to both (not only the industry); '好的 那再加个X' adds X."""
    openid = "r20_direct"
    reply = say(wx, openid, "那我订一下 碳化硅衬底 和 电子信息")
    assert "碳化硅衬底" in reply
    say(wx, openid, "好的 那再加个功率模块")
    assert topics_of(services, openid) == sorted(["碳化硅衬底", "电子信息", "功率模块"])


def test_the_unit_said_when_declining_stays_with_the_alerts(wx: object, services: Container) -> None:
    """'我是X学院化工系的 暂时没有成果要登记' then the topics: the unit is kept with the subscription."""
    openid = "r20_unit"
    say(wx, openid, "我是楚天理工学院化工系的 暂时没有成果要登记", "以后厂家那边有涂料助剂的需求能推给我吗",
        "我叫雷振华 手机13800017206")
    submit(wx, openid)
    assert topics_of(services, openid) == ["涂料助剂"]
    assert _company(services, openid) == "楚天理工学院"


def _name(services: Container, openid: str) -> str | None:
    """The contact name stored for the user."""
    with services.db.session() as session:
        return session.scalar(select(User.name).where(User.openid == openid))


def test_the_researchers_name_mixed_into_the_messages_is_the_contact(wx: object, services: Container) -> None:
    """A name standing beside the unit ('X大学机械学院 邵建华', '汪海燕 楚北林业科学研究院'), '叫 X' with a space,
    '我叫 X 哦不是 是 Y' (Y), and '帮我导师订阅… 她叫X' (the teacher, not a companion) are the contact."""
    said = {"r20_after_unit": ("襄江大学机械学院 邵建华", "邵建华"), "r20_before_unit": ("汪海燕 楚北林业科学研究院", "汪海燕"),
            "r20_spaced": ("我在襄江大学 叫 邵明辉", "邵明辉"), "r20_mistyped": ("我叫 邵建华 哦不是 是 邵建军", "邵建军")}
    for i, (openid, (text, name)) in enumerate(said.items()):
        say(wx, openid, "订阅需求 关键词 粉末冶金", text, f"1380001722{i}")
        submit(wx, openid)
        assert _name(services, openid) == name, openid
    openid = "r20_for_teacher"
    say(wx, openid, "帮我导师订阅企业需求 她叫邵丽萍 襄江大学环境学院", "重金属废水", "13800017229")
    submit(wx, openid)
    assert _name(services, openid) == "邵丽萍"
    assert topics_of(services, openid) == ["重金属废水"]


def test_alerts_asked_inside_the_achievement_form_stay_with_it(wx: object, services: Container) -> None:
    """In the result form '订阅的话 A B 还有 C' sets the alerts (no switch to the subscription form), 'B不要了' drops
    one, and '导师还说以后有X的需求也推一下' is an alert, not a line of the summary."""
    openid = "r20_alerts_in_form"
    say(wx, openid, "襄江大学材料学院 想登记一个成果", "成果：高熵合金耐磨涂层 新能源新材料 小试阶段 有两个发明专利")
    reply = say(wx, openid, "订阅的话 热喷涂 激光熔覆 还有 冷喷涂")
    assert "需求提醒订阅" not in reply and "已订阅" not in reply
    say(wx, openid, "激光熔覆不要了", "导师还说以后有耐磨堆焊的需求也推一下", "联系人 邵建华 13800017230")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["热喷涂", "冷喷涂", "耐磨堆焊"])
    assert "推一下" not in achievement_of(services, openid).summary


def test_registering_for_a_teacher_and_a_dialect_none_route_as_said(wx: object, services: Container) -> None:
    """'我是研究生 帮忙登记下导师的成果' opens the result form (not the demand form: '帮忙' is no need here); '冇得么子新
    成果' declines it (its '么子' is no question), and the topics said next subscribe."""
    opened = say(wx, "r20_for_teacher_result", "我是研究生 帮忙登记下导师的成果")
    assert "成果" in opened and "问题库" not in opened and "遇到的问题" not in opened
    openid = "r20_none_new"
    reply = say(wx, openid, "我都退休了 冇得么子新成果 登记就算了")
    assert "项目库" not in reply and "单位" not in reply
    say(wx, openid, "以后有茶叶深加工的需求推给我", "雷振华 13800017240")
    submit(wx, openid)
    assert topics_of(services, openid) == ["茶叶深加工"]


def test_a_name_after_a_spaced_label_and_a_field_settled_last(wx: object, services: Container) -> None:
    """'成果 X' (the label, then a space) names the result X whole; '高端装备制造吧 也有人说算汽车 你就写高端装备制造'
    is 高端装备制造 (the last decision wins)."""
    openid = "r20_spaced_title"
    say(wx, openid, "成果登记 襄江农机研究所", "成果 马铃薯机收防损挖掘铲", "高端装备制造吧 也有人说算汽车 你就写高端装备制造",
        "还在中试", "实用新型三个", "联系人 邵建华 13800017241")
    submit(wx, openid)
    result = achievement_of(services, openid)
    assert result.title == "马铃薯机收防损挖掘铲"
    assert result.field == "高端装备制造"
