"""Event lists through the real webhook, found by the lead in ``kc chat``: dialect question words and 'X方面的'
are no topic ('最近有么子健康讲座没得' listed only the diabetes talk, matched on the '得' of '没得' and '吃得饱')."""

from __future__ import annotations

import pytest

from bot.container import Container
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, registration = forms_chat.say, forms_chat.registration


@pytest.mark.parametrize("asked", ["最近有么子健康讲座没得", "有没有健康方面的讲座", "有啥子健康相关的活动"])
def test_a_health_list_asked_in_dialect_lists_the_health_events(wx: object, services: Container, asked: str) -> None:
    """Every upcoming health talk is listed (hypertension, diabetes, CPR), not one picked by a filler word."""
    reply = say(wx, "lead_list_" + asked.encode().hex()[:16], asked)
    assert all(event in reply for event in ("E01", "E05", "E06")), reply


def test_asking_what_is_on_after_signing_up_lists_the_events_and_marks_the_booked_one(
        wx: object, services: Container) -> None:
    """Signed up for one talk, '这个月有什么讲座没得 我想带我老伴去听听' asks for the list (the booked talk marked),
    not to change who comes to the talk already booked (found in kc chat)."""
    openid = "lead_list_after"
    say(wx, openid, "我要报名高血压那个讲座", "王建国 13800098817", "同意")
    reply = say(wx, openid, "这个月有什么讲座没得 我想带我老伴去听听")
    assert "【E01】" in reply and "您已报名" in reply and "改为2人" not in reply
    assert registration(services, openid).party_size == 1


def test_bringing_someone_to_the_booked_talk_is_a_party_change_not_a_list(wx: object, services: Container) -> None:
    """'我能带我老伴一起去那个讲座吗' with one talk booked points at that talk: the party change is asked."""
    openid = "lead_bring_that"
    say(wx, openid, "我要报名高血压那个讲座", "王建国 13800098819", "同意")
    reply = say(wx, openid, "我能带我老伴一起去那个讲座吗")
    assert "改为2人" in reply and "您已报名" not in reply, reply
