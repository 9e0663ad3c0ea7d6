"""Event sign-ups and demand-alert subscriptions through the real webhook: the classes found by replaying
``tests/support/data/dialogues_voices15.jsonl`` before changing anything (each test phrases its class in other
words than the writer's rows).

- A party over the limit is refused and the party named before it stays; then '孩子们的妈妈就不来了 还是我们三个'
  is about the one refused, not a companion in the party.
- A nickname followed by the full name of the same person ('隔壁的王大哥 王建国') is one companion.
- '另外一位是我们技术部的 X' names the counted companion.
- A village venue ('石花村') with a sign-up said outright names the event held there.
- Inside a demand or result form, a subscription asked for outright with its directions switches to the
  subscription form; directions said after the cue ('…推给我 方向嘛 X') and '医药那个去掉' are read.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.container import Container
from bot.store.models import Demand
from tests.chat import test_forms_webhook as forms_chat
from tests.chat.test_subs13_webhook import _topics, _user
from tests.chat.test_voices14_subs_webhook import _results

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, registration = forms_chat.say, forms_chat.registration


def _demands(services: Container, openid: str) -> int:
    """How many demands the user filed."""
    with services.db.session() as session:
        return len(list(session.scalars(select(Demand).where(Demand.openid == openid))))


def test_a_refused_party_keeps_the_companions_named_before(wx: object, services: Container) -> None:
    """'带外孙X和外孙女Y', then '他们妈妈也想来 再加一个' (over the limit): the two stay in the summary, and
    '孩子们的妈妈就不来了 还是我们三个' keeps them (no sign-up dropped, nobody renamed '妈妈')."""
    openid = "v15_refused_party"
    say(wx, openid, "近视防控讲座 想报名")
    say(wx, openid, "我叫尚玉珍 13800091501 带外孙尚子豪和外孙女尚雨桐")
    refused = say(wx, openid, "他们妈妈也想来 再加一个行吗")
    assert "最多" in refused, refused
    summary = say(wx, openid, "那好吧 孩子们的妈妈就不来了 还是我们三个")
    assert "没有报名" not in summary and "尚子豪" in summary and "尚雨桐" in summary and "妈妈" not in summary, summary
    say(wx, openid, "同意")
    reg = registration(services, openid)
    assert (reg.party_size, sorted(reg.companions)) == (3, ["尚子豪", "尚雨桐"])


def test_a_nickname_then_the_full_name_is_one_companion(wx: object, services: Container) -> None:
    """After signing up alone, '我老伴也去 他叫X 加上' then '还有隔壁的王大哥 王建国 也加上': three people, the
    spouse and 王建国 (not '王大哥' as a fourth)."""
    openid = "v15_nick_full"
    say(wx, openid, "糖尿病饮食讲座 报个名", "我叫柯秀梅 13800091502 就我一个", "同意")
    say(wx, openid, "我老伴也想去 他叫柯长林 加上")
    asked = say(wx, openid, "还有隔壁的王大哥 王建国 也加上")
    assert "3人" in asked and "王建国" in asked and "王大哥" not in asked, asked
    say(wx, openid, "确认")
    reg = registration(services, openid)
    assert (reg.party_size, sorted(reg.companions)) == (3, sorted(["柯长林", "王建国"]))


def test_the_other_one_named_by_department_fills_the_counted_place(wx: object, services: Container) -> None:
    """'报两个人', the contact, then '另外一位是我们技术部的 X' at the consent question: X is the companion."""
    openid = "v15_other_one"
    say(wx, openid, "检测平台开放日 报两个人", "我是襄阳示例电机有限公司的 邓建军 13800091503")
    summary = say(wx, openid, "另外一位是我们技术部的 晏晓丽")
    assert "晏晓丽" in summary and "2人" in summary, summary
    say(wx, openid, "同意")
    reg = registration(services, openid)
    assert (reg.party_size, list(reg.companions)) == (2, ["晏晓丽"])


def test_a_village_venue_with_a_sign_up_names_the_event(wx: object, services: Container) -> None:
    """'石花村那个教伢们莫下塘摸鱼的 想报个名' (no title, no date, the topic in other words): the event held in
    that village is shown, not the list."""
    reply = say(wx, "v15_village", "石花村那个教伢们莫下塘摸鱼的 想报个名")
    assert "【E10】" in reply and "近期活动" not in reply, reply


def test_a_subscription_asked_for_inside_a_demand_form_switches_to_it(wx: object, services: Container) -> None:
    """In a demand form, '就是想订阅下 有高端装备和新材料方面的需求 发给我' opens the subscription with those
    directions; the contact then sent is kept and no demand is filed."""
    openid = "v15_sub_in_demand"
    say(wx, openid, "我想提个需求")
    summary = say(wx, openid, "就是想订阅下 有高端装备和新材料方面的需求 发给我")
    assert "需求提醒订阅" in summary, summary
    say(wx, openid, "尤国平 13800091504", "确认", "同意")
    assert set(_topics(services, openid)) == {"高端装备制造", "新能源新材料"}
    assert _user(services, openid) == ("尤国平", "13800091504")
    assert _demands(services, openid) == 0


def test_directions_after_the_cue_and_a_dropped_one_by_demonstrative(wx: object, services: Container) -> None:
    """Inside a result form, '想订个提醒 有企业需求就推给我 方向嘛 电子信息' subscribes to 电子信息; '再加个医药健康'
    and then '医药那个去掉' leave 电子信息 alone."""
    openid = "v15_dir_after_cue"
    say(wx, openid, "我想登记成果")
    summary = say(wx, openid, "想订个提醒 有企业需求就推给我 方向嘛 电子信息")
    assert "需求提醒订阅" in summary and "电子信息" in summary, summary
    say(wx, openid, "再加个医药健康")
    summary = say(wx, openid, "医药那个去掉")
    assert "医药" not in summary.split("提醒方向")[-1].split("\n")[0], summary
    say(wx, openid, "甘志强 13800091505", "确认", "同意")
    assert _topics(services, openid) == ["电子信息"]
    assert _results(services, openid) == 0


def test_alerts_asked_besides_a_result_stay_with_the_result(wx: object, services: Container) -> None:
    """While a result is being filed, '顺便说一下 以后有新能源新材料方面的企业需求能推给我吗 想订阅一下' adds the
    alerts to the result form; the result is still filed (no switch to a subscription alone)."""
    openid = "v15_besides_result"
    say(wx, openid, "你好，襄阳示例学院材料研究所，登记一个成果",
        "固态电解质薄膜低温制备工艺，把烧结温度降到六百度以下，已经做了中试", "有一项发明专利", "联系人闵思远 13800091506")
    summary = say(wx, openid, "顺便说一下 以后有新能源新材料方面的企业需求能推给我吗 想订阅一下")
    assert "已记下需求提醒" in summary and "需求提醒订阅" not in summary, summary
    say(wx, openid, "新能源新材料", "确认", "同意")
    assert _results(services, openid) == 1
