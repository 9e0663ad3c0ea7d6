"""Browsing events the way older residents ask, through the real webhook: a topic narrows the list
('讲高血压的有吗', '有啥健康讲座'), chatter does not ('最近有什么活动'), and a sign-up said before choosing
('我想报名那个', a name and phone) keeps what was said and asks which one instead of showing the list again.
"""

from __future__ import annotations

from bot.container import Container
from bot.domain.events.queries import my_registrations
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # the same module fixtures: a database with the sample events
say = forms_chat.say


def listed(reply: str) -> list[str]:
    """The event ids of a numbered list reply."""
    return [line.split("【")[1].split("】")[0] for line in reply.splitlines() if "【" in line and ". " in line]


def test_topic_narrows_the_list_and_chatter_does_not(wx: object) -> None:
    """'讲高血压的有吗' under the full list shows the one talk; '最近有什么活动' shows everything upcoming."""
    everything = listed(say(wx, "b_topic", "最近有什么活动"))
    assert len(everything) >= 8
    assert listed(say(wx, "b_topic", "讲高血压的有吗")) == ["E01"]
    health = listed(say(wx, "b_health", "小同志 最近有啥健康讲座没"))
    assert "E01" in health and not {"E08", "E09"} & set(health)


def test_contact_before_choosing_is_kept(wx: object, services: Container) -> None:
    """A sign-up wish and a name + phone under a list of several: the bot asks which one, then signs up
    with the name it was given (no second request for it)."""
    openid = "b_contact"
    say(wx, openid, "有什么培训")
    assert "哪一场" in say(wx, openid, "我想报名")
    assert "已记下您的姓名和电话" in say(wx, openid, "王秀兰 13800002223")
    reply = say(wx, openid, "2")
    assert "姓名" not in reply.split("\n")[-1] or "王秀兰" in reply
    say(wx, openid, "同意")
    with services.db.session() as session:
        regs = my_registrations(session, appid=services.appid, openid=openid, now=services.clock.now())
    assert [(r.name, r.phone) for r in regs] == [("王秀兰", "13800002223")]



def test_a_question_about_a_listed_item_is_answered_and_then_signed_up_for(wx: object, services: Container) -> None:
    """'第一个 要钱不' under a list answers the cost of the first event (not '哪个活动'); '那帮我报一个 我叫王秀兰'
    then signs up for that event with the name kept; '第二个 给我报上' signs up for the second."""
    openid = "b_item_asked"
    first = listed(say(wx, openid, "最近有啥子讲座没得 我腿脚不好 最好离樊城近点"))[0]
    answer = say(wx, openid, "第一个 要钱不")
    assert "哪个活动" not in answer and f"【{first}】" in answer and "费用" in answer
    assert "手机号" in say(wx, openid, "那帮我报一个 我叫王秀兰")
    say(wx, openid, "电话是13871234567 我闺女陪我去", "她叫张丽", "同意")
    reg = forms_chat.registration(services, openid)
    assert (reg.event_id, reg.name, reg.party_size, reg.companions) == (first, "王秀兰", 2, ["张丽"])
    second = listed(say(wx, "b_item_signup", "最近有什么活动"))[1]
    assert f"【{second}】" in say(wx, "b_item_signup", "第二个 给我报上")


def test_who_an_event_suits_narrows_the_list(wx: object) -> None:
    """'有啥活动可以带孩子去的' lists the events meant for children and says so; '适合老人的' those for older people;
    a list is never emptied by it."""
    children = say(wx, "b_kids", "有啥活动可以带孩子去的")
    assert "适合孩子" in children and set(listed(children)) == {"E03", "E10", "E12"}
    elderly = listed(say(wx, "b_old", "有没有适合老人的活动"))
    assert "E01" in elderly and not {"E08", "E09", "E03"} & set(elderly)


def test_a_situation_narrows_the_list_and_this_one_is_the_one_shown(wx: object, services: Container) -> None:
    """Under the children's list, '孩子十岁 近视了' keeps the talk on myopia; '我要报这个 我跟孩子两个人' then signs up
    for it (the lone '报' never matches '填报' in another event's title)."""
    openid = "b_situation"
    say(wx, openid, "有啥活动可以带孩子去的")
    assert listed(say(wx, openid, "孩子十岁 近视了")) == ["E03"]
    assert "【E03】" in say(wx, openid, "我要报这个 我跟孩子两个人")
    say(wx, openid, "李娟 15800001234 孩子叫王小宝", "同意")
    reg = forms_chat.registration(services, openid)
    assert (reg.event_id, reg.party_size, reg.companions) == ("E03", 2, ["王小宝"])
