"""Demand form details found by the lead in ``kc chat``: a hint the user confirmed is no longer shown as a guess,
and the title does not start with the possessive of the unit ('我们村的香菇…' → '香菇…')."""

from __future__ import annotations

from bot.container import Container
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx
say, submit, demand_of = forms_chat.say, forms_chat.submit, forms_chat.demand_of


def test_a_confirmed_hint_is_no_guess_and_the_title_drops_the_units_possessive(wx: object,
                                                                              services: Container) -> None:
    openid = "lead_form_village"
    say(wx, openid, "我们村的香菇今年老是烂棒 有没有专家能来看看")
    asked = say(wx, openid, "随州的 曾都区 随州市绿野香菇专业合作社")
    assert "所属行业是“现代农业”吗" in asked
    say(wx, openid, "是", "一两万吧")
    summary = say(wx, openid, "我是社长 张德贵 电话13800098818")
    assert "所属行业：现代农业\n" in summary  # confirmed: no '（根据描述推测…）'
    assert "需求标题：香菇今年老是烂棒" in summary
    submit(wx, openid)
    assert demand_of(services, openid).title == "香菇今年老是烂棒"
