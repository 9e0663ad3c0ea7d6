"""Event parties through the real webhook: the classes found by replaying
``tests/support/data/dialogues_voices24.jsonl`` before changing anything (each test phrases its class in other
words than the writer's rows).

- A companion first called by a relation word and named later with something between ('同事姓郝 郝丽华', '徒弟是
  厂里的学徒 叫庄小龙'), or by a nickname followed by the full name ('财务小孙 孙佳琪'): one person, by full name.
- The party said again after the limit or a count ('那我和我们主任去', '那我跟孩子他爸 再加上二宝', '那我跟孩子
  外婆两个去'): the people listed (relation words included, birth-order words like 大宝/二宝 too) are the party,
  not the count said before.
- A companion swapped for a child called by birth order and named ('换成大宝周子墨').
- The user's own name corrected in the same message ('严文涛 哦不 严闻涛').
- The phone and company said while only asking about an event are kept when its sign-up starts later.
"""

from __future__ import annotations

import pytest

from bot.container import Container
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, registration = forms_chat.say, forms_chat.registration


@pytest.mark.parametrize(("openid", "texts", "companions"), [
    ("v24_surname_between", ("高血压那个讲座 我跟我同事两个去", "魏建平 13800092401 同事姓郝 郝丽华"), ["郝丽华"]),
    ("v24_described_between", ("糖尿病那个讲座 我想带个徒弟去听听", "我叫孟庆丰 徒弟是厂里的学徒 叫庄小龙 13800092402"),
     ["庄小龙"]),
    ("v24_nickname_then_full", ("加计扣除那个培训报名", "柯文静 13800092403", "另一个是我们会计小孙 孙佳琪"), ["孙佳琪"]),
])
def test_a_companion_named_after_a_relation_or_nickname(wx: object, services: Container, openid: str,
                                                       texts: tuple[str, ...], companions: list[str]) -> None:
    """The companion is the full name, and the party is the user plus that one."""
    say(wx, openid, *texts, "同意")
    reg = registration(services, openid)
    assert (reg.party_size, list(reg.companions)) == (2, companions)


def test_the_party_said_again_after_a_count_replaces_it(wx: object, services: Container) -> None:
    """'我们科室三个人'; '人多了不好 那我和我们主任去' makes it two, the 主任 named next."""
    openid = "v24_restated_role"
    say(wx, openid, "心肺复苏培训 我们科室三个人想去")
    reply = say(wx, openid, "人多了不好 那我和我们主任去")
    assert "共2人" in reply, reply
    say(wx, openid, "我叫付海燕 主任叫邹国庆 电话13800092404", "同意")
    reg = registration(services, openid)
    assert (reg.party_size, list(reg.companions)) == (2, ["邹国庆"])


def test_the_party_said_again_counts_birth_order_words(wx: object, services: Container) -> None:
    """'那我跟孩子他爸 再加上二宝' after a refused five: three, each later named."""
    openid = "v24_restated_kids"
    say(wx, openid, "家长课堂 我们一家五口都去")
    say(wx, openid, "那我跟孩子他爸 再加上二宝")
    say(wx, openid, "我叫谷秋云 孩子他爸叫任志刚 二宝叫任小川 13800092405", "同意")
    reg = registration(services, openid)
    assert (reg.party_size, sorted(reg.companions)) == (3, ["任小川", "任志刚"])


def test_a_count_said_with_the_party_wins_over_a_possessive(wx: object, services: Container) -> None:
    """'那我跟孩子外婆两个去': two people, the grandmother the one coming along (a guard: the restated party
    must not count '孩子' and '外婆' as two)."""
    openid = "v24_restated_possessive"
    say(wx, openid, "近视那个讲座报名")
    say(wx, openid, "那我跟孩子外婆两个去")
    say(wx, openid, "苗佳 13800092406 外婆叫单桂芝", "同意")
    reg = registration(services, openid)
    assert (reg.party_size, list(reg.companions)) == (2, ["单桂芝"])


def test_a_companion_swapped_for_a_child_called_by_birth_order(wx: object, services: Container) -> None:
    openid = "v24_swap_birth_order"
    say(wx, openid, "家长课堂报名", "我叫周敏 13800092407 老公周建军一起去")
    summary = say(wx, openid, "老公临时出差 去不了了 换成大宝周子墨")
    assert "周子墨" in summary and "周建军" not in summary, summary
    say(wx, openid, "同意")
    reg = registration(services, openid)
    assert (reg.party_size, list(reg.companions)) == (2, ["周子墨"])


def test_the_users_name_corrected_in_the_same_message(wx: object, services: Container) -> None:
    openid = "v24_name_self_corrected"
    say(wx, openid, "高血压讲座报名", "我叫严文涛 哦不 严闻涛 新闻的闻 13800092408", "同意")
    assert registration(services, openid).name == "严闻涛"


def test_contact_said_while_asking_is_kept_for_the_signup(wx: object, services: Container) -> None:
    """'13800092409 襄阳某某公司 问下开放日' only asks; '那报一个 我叫…' then needs no phone and keeps the company."""
    openid = "v24_facts_before_signup"
    say(wx, openid, "13800092409 襄阳恒远测控技术有限公司 共享平台开放日是几号")
    summary = say(wx, openid, "那给我报一个 我叫骆永康")
    assert "13800092409" in summary and "襄阳恒远测控技术有限公司" in summary, summary
    say(wx, openid, "同意")
    reg = registration(services, openid)
    assert (reg.event_id, reg.name, reg.phone, reg.company) == ("E11", "骆永康", "13800092409", "襄阳恒远测控技术有限公司")


def test_an_event_named_by_its_venue_and_a_short_topic_word(wx: object, services: Container) -> None:
    """'桃园村那个防中毒的 几点开始': the venue and a two-character piece of one title name the event."""
    reply = say(wx, "v24_venue_and_topic", "桃园村那个防中毒的 几点开始")
    assert "E02" in reply and "3月20日" in reply, reply


@pytest.mark.xfail(strict=True, reason="known gap: answering any short question right after an event from it "
                   "(events24) also took '你们都存了我啥信息' and '讲课的是哪个医生' away from their own capabilities; "
                   "withdrawn before landing")
def test_a_short_question_right_after_an_event_is_about_it(wx: object, services: Container) -> None:
    """'需要穿运动鞋吗' right after the event was shown is answered from it, and '那给我报上' then signs up."""
    openid = "v24_short_question"
    say(wx, openid, "心肺复苏那个培训在哪里")
    reply = say(wx, openid, "需要穿运动鞋吗")
    assert "E05" in reply and "服装" in reply, reply
    say(wx, openid, "那给我报上 我叫蒲建新", "13800092411", "同意")
    reg = registration(services, openid)
    assert (reg.event_id, reg.name, reg.phone) == ("E05", "蒲建新", "13800092411")


def test_a_mobile_said_without_its_leading_one(wx: object, services: Container) -> None:
    """'三八零零零九二四一二 前面少了个1': the 1 said after the digits goes in front."""
    openid = "v24_headless_mobile"
    say(wx, openid, "高血压讲座报名", "我叫唐晓东 电话三八零零零九二四一二 前面少了个1", "同意")
    assert registration(services, openid).phone == "13800092412"
