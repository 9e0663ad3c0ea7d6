"""Signing a family member up when the user's own contact is stored: found by the lead in ``kc chat`` — after a
first sign-up, '我妈想去听' offered the user's own name, and '不是我 是我妈去 她叫刘桂兰 电话…' booked the user
with the mother as a companion (2 places)."""

from __future__ import annotations

import pytest

from bot.container import Container
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, registration = forms_chat.say, forms_chat.registration


def _stored_contact(wx: object, openid: str) -> None:
    """A first sign-up with consent leaves the user's own name and phone stored."""
    say(wx, openid, "防溺水讲座报名 我叫田大勇 13986251234", "同意")


def test_not_me_but_my_mother_books_the_mother_alone(wx: object, services: Container) -> None:
    """'不是我 是我妈去 她叫… 电话…' after the stored-contact offer: the mother is the registrant, one place."""
    openid = "lead_proxy_not_me"
    _stored_contact(wx, openid)
    assert "田大勇" in say(wx, openid, "高血压那个讲座 报名")
    done = say(wx, openid, "不是我 是我妈去 她叫刘桂兰 电话13872201234")  # booked at once: all was said
    reg = registration(services, openid, "E01")
    assert (reg.name, reg.phone, reg.party_size, list(reg.companions)) == ("刘桂兰", "13872201234", 1, [])
    assert "报名人：刘桂兰" in done and "报名人：刘桂兰" in say(wx, openid, "我的报名")  # who was booked is shown


def test_a_parent_who_wants_to_go_is_asked_for_by_name(wx: object, services: Container) -> None:
    """'我爸想去听' names who goes: the bot asks the father's name instead of offering the user's own."""
    openid = "lead_proxy_parent"
    _stored_contact(wx, openid)
    shown = say(wx, openid, "高血压那个讲座 我爸想去听 帮忙报一下")
    assert "用您上次留的联系方式报名：田大勇" not in shown and "家人怎么称呼" in shown
    say(wx, openid, "他叫田德福", "确认")
    reg = registration(services, openid, "E01")
    assert (reg.name, reg.phone, reg.party_size) == ("田德福", "13986251234", 1)


def test_going_with_a_parent_still_counts_the_user(wx: object, services: Container) -> None:
    """'我和我妈想去' is no proxy: the stored user is offered and the mother comes along."""
    openid = "lead_proxy_with_me"
    _stored_contact(wx, openid)
    assert "田大勇" in say(wx, openid, "高血压那个讲座 我和我妈想去 我妈叫刘桂兰")


@pytest.mark.parametrize("said", ["高血压那个讲座 我爸听说了 我想报名", "高血压那个讲座 带我老婆孩子去",
                                  "高血压那个讲座 报名，孩子报的兴趣班那天刚好放假"])
def test_a_relative_who_is_not_the_one_going_keeps_the_stored_offer(wx: object, services: Container, said: str) -> None:
    """A second reader's finding: a relative who only heard of it, comes along, or has another class is not signed up
    in the user's place — the user's stored contact is offered as before."""
    openid = "lead_proxy_no_" + said.encode().hex()[:12]
    _stored_contact(wx, openid)
    assert "用您上次留的联系方式报名：田大勇" in say(wx, openid, said)
