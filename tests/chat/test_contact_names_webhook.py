"""How people give their name to the forms, through the real webhook (found in ``kc chat``): a surname alone
('我姓王 电话139…') is kept and the name question offers '王先生' / '王女士' instead of repeating itself, and a
nickname asked for ('就叫我王工吧', '叫我李老师就行') is a name, not an unreadable reply."""

from __future__ import annotations

import pytest

from bot.container import Container
from knowledge.extract import said_surname
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx
say, submit, demand_of = forms_chat.say, forms_chat.submit, forms_chat.demand_of


def _to_contact(wx: object, openid: str) -> None:
    """A demand up to the contact question."""
    say(wx, openid, "我要登记个技术需求", "我们做汽车座椅骨架的，焊接以后变形大，想找专家看看",
        "襄阳楚材示例实业有限公司 樊城区", "面议")


@pytest.mark.parametrize(("openid", "reply", "name"), [
    ("cn_sir", "先生", "王先生"),
    ("cn_madam", "女的", "王女士"),
    ("cn_full", "王丽华", "王丽华"),
])
def test_a_surname_alone_is_kept_and_the_question_offers_how_to_address(wx: object, services: Container,
                                                                       openid: str, reply: str, name: str) -> None:
    _to_contact(wx, openid)
    asked = say(wx, openid, "我姓王 电话13800098811")
    assert "您姓王" in asked and "王先生" in asked and "王女士" in asked
    summary = say(wx, openid, reply)
    assert f"联系人：{name}" in summary and "联系电话：13800098811" in summary
    submit(wx, openid)
    assert demand_of(services, openid).contact_name == name


@pytest.mark.parametrize(("openid", "reply", "name"), [
    ("cn_nick_ba", "就叫我王工吧", "王工"),
    ("cn_nick_ok", "叫我李老师就行", "李老师"),
])
def test_a_nickname_asked_for_is_the_contact_name(wx: object, services: Container, openid: str, reply: str,
                                                  name: str) -> None:
    _to_contact(wx, openid)
    say(wx, openid, "电话13800098812")
    summary = say(wx, openid, reply)
    assert f"联系人：{name}" in summary, summary


def test_a_boss_named_by_surname_in_the_problem_is_not_the_contact(wx: object, services: Container) -> None:
    """'我们厂长姓王' describes someone; the name question stays the plain one."""
    openid = "cn_boss"
    say(wx, openid, "我要登记个技术需求", "我们是做汽车座椅骨架的，厂长姓王，他说焊接变形的问题一定要解决",
        "襄阳楚材示例实业有限公司 樊城区", "面议")
    asked = say(wx, openid, "电话13800098813")
    assert "您姓王" not in asked and "怎么称呼" in asked


def test_a_resident_who_gives_a_surname_is_signed_up_as_addressed(wx: object, services: Container) -> None:
    """An older resident signing up: '我姓李 电话…' then '女的' registers 李女士, not a loop of '怎么称呼'."""
    openid = "cn_resident"
    say(wx, openid, "我要报名高血压那个讲座")
    asked = say(wx, openid, "我姓李 电话13800098816")
    assert "您姓李" in asked and "李女士" in asked
    assert "李女士 13800098816" in say(wx, openid, "女的")
    say(wx, openid, "同意")
    assert forms_chat.registration(services, openid).name == "李女士"



@pytest.mark.parametrize(("said", "surname"), [
    ("我姓王 电话13800098811", "王"), ("免贵姓欧阳", "欧阳"), ("姓王", "王"),
    ("姓王的那个专家说过", None), ("我姓李的邻居也想去", None), ("我们厂长姓王", None), ("姓闻 闻立民", None),
])
def test_only_ones_own_surname_said_alone_is_kept(said: str, surname: str | None) -> None:
    """The surname kept for '王先生/王女士' is the speaker's own, said without a given name."""
    assert said_surname(said) == surname
