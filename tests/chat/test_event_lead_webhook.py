"""Event lists through the real webhook, found by the lead in ``kc chat``: dialect question words and 'X方面的'
are no topic ('最近有么子健康讲座没得' listed only the diabetes talk, matched on the '得' of '没得' and '吃得饱')."""

from __future__ import annotations

import pytest

from bot.container import Container
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say = forms_chat.say


@pytest.mark.parametrize("asked", ["最近有么子健康讲座没得", "有没有健康方面的讲座", "有啥子健康相关的活动"])
def test_a_health_list_asked_in_dialect_lists_the_health_events(wx: object, services: Container, asked: str) -> None:
    """Every upcoming health talk is listed (hypertension, diabetes, CPR), not one picked by a filler word."""
    reply = say(wx, "lead_list_" + asked.encode().hex()[:16], asked)
    assert all(event in reply for event in ("E01", "E05", "E06")), reply
