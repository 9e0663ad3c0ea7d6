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
