"""Event parties through the real webhook: the classes found by replaying
``tests/support/data/dialogues_voices19.jsonl`` before changing anything (each test phrases its class in other
words than the writer's rows).

- Head counts: a full name followed by the count ('我闺女郝小丽俩'), a count said with the sign-up word ('给我报两个
  人', '…三个人去听…'), neighbours counted ('对门一个老邻居'), the people listed from 'me' after a count ('三个人
  我、邢伟、还有项丽') or before 'and me' ('王秀英 李翠兰 和我'), dialect grandchildren ('孙伢子').
- A long sign-up said without a pause: the event is read from the words before the party, the registrant from
  '我是他爱人向秀梅'.
- '这回只报我一个' while signing up keeps the sign-up going for one.
- After signing up: a neighbour named as also going ('楼上的黎秀珍知道了也要去'), one companion swapped for a
  relative named ('换我妹妹阎丽华陪我去'), a companion's or the registrant's own name corrected ('其余不变'
  confirms), and '我一个人也不想去了 都不去了' cancels the whole registration rather than shrinking it.
"""

from __future__ import annotations

import pytest

from bot.container import Container
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, registration = forms_chat.say, forms_chat.registration


@pytest.mark.parametrize(("openid", "first", "party"), [
    ("v19_name_then_count", "防溺水那个 我跟我闺女郝小丽俩一块去", (2, ["郝小丽"])),
    ("v19_count_with_signup_word", "高血压那个讲座 给我报两个人 我和对门一个老邻居", (2, None)),
    ("v19_names_before_me", "王秀英 李翠兰 和我 三个人去听糖尿病那个讲座", (3, ["王秀英", "李翠兰"])),
    ("v19_listed_from_me", "心肺复苏培训 我们单位三个人 我、邢伟、还有项丽", (3, ["邢伟", "项丽"])),
    ("v19_dialect_grandchild", "近视讲座 我带孙伢子去听", (2, None)),
])
def test_the_head_count_and_names_said_with_it(wx: object, services: Container, openid: str, first: str,
                                                 party: tuple[int, list[str] | None]) -> None:
    """Whatever way the count is said, the sign-up holds that many people and the names given with it."""
    say(wx, openid, first, f"郝建国 1380009192{len(openid) % 10}", "同意")
    reg = registration(services, openid)
    assert reg.party_size == party[0]
    if party[1] is not None:
        assert sorted(reg.companions) == sorted(party[1])


def test_a_long_signup_without_pauses_names_the_event_and_the_registrant(wx: object, services: Container) -> None:
    """The event is read from the words before the party; '我是他爱人向秀梅' is the one signing up."""
    openid = "v19_voice_run"
    summary = say(wx, openid, "帮我报个名糖尿病饮食那个讲座我和我老伴一起去老伴叫阮德华我是他爱人向秀梅手机13800091905")
    assert "糖尿病饮食管理" in summary and "向秀梅" in summary and "阮德华" in summary, summary
    say(wx, openid, "同意")
    reg = registration(services, openid)
    assert (reg.event_id, reg.name, reg.party_size, list(reg.companions)) == ("E06", "向秀梅", 2, ["阮德华"])


def test_only_me_this_time_keeps_the_signup_going(wx: object, services: Container) -> None:
    """'加计扣除培训 能带个同事来不', then '那让他自己报 这回只报我一个': the sign-up goes on for one."""
    openid = "v19_only_me"
    say(wx, openid, "加计扣除那个培训 能带个同事来不")
    reply = say(wx, openid, "那让他自己报 这回只报我一个")
    assert "近期活动" not in reply and "手机号" in reply, reply
    say(wx, openid, "冉小波 13800091906", "同意")
    reg = registration(services, openid)
    assert (reg.event_id, reg.party_size) == ("E08", 1)


def _signed_up(wx: object, openid: str, *texts: str) -> None:
    """Sign up with the given messages and consent."""
    say(wx, openid, *texts, "同意")


def test_a_neighbour_named_as_also_going_is_added_by_name(wx: object, services: Container) -> None:
    openid = "v19_neighbour_added"
    _signed_up(wx, openid, "报名高血压那个讲座", "蒋玉兰 13800091907")
    question = say(wx, openid, "我们楼上的黎秀珍知道了也要去 帮她加上吧")
    assert "黎秀珍" in question, question
    say(wx, openid, "对的")
    reg = registration(services, openid)
    assert (reg.party_size, list(reg.companions)) == (2, ["黎秀珍"])


def test_a_companion_swapped_for_a_relative_named(wx: object, services: Container) -> None:
    """'老伴那天要去复查 换我妹妹阎丽华陪我去': 老伴 out, 阎丽华 in, still two."""
    openid = "v19_swap_relative"
    _signed_up(wx, openid, "糖尿病饮食讲座 我和老伴两个", "阎丽芳 13800091908")
    question = say(wx, openid, "老伴那天要去复查 换我妹妹阎丽华陪我去")
    assert "2人" in question and "阎丽华" in question and "老伴" not in question, question
    say(wx, openid, "确认")
    reg = registration(services, openid)
    assert (reg.party_size, list(reg.companions)) == (2, ["阎丽华"])


def test_a_companions_name_corrected_after_signing_up(wx: object, services: Container) -> None:
    openid = "v19_companion_renamed"
    _signed_up(wx, openid, "近视讲座 我带闺女去", "龙建军 13800091909 闺女叫龙小燕")
    question = say(wx, openid, "我闺女的名字写错了 不是龙小燕 是龙晓燕")
    assert "龙晓燕" in question, question
    say(wx, openid, "对")
    reg = registration(services, openid)
    assert (reg.name, list(reg.companions)) == ("龙建军", ["龙晓燕"])


def test_the_registrants_own_name_corrected_after_signing_up(wx: object, services: Container) -> None:
    """'报名人名字打错了 应该是喻文娟': asked first; '其余不变' confirms; party and code stay."""
    openid = "v19_registrant_renamed"
    _signed_up(wx, openid, "家长课堂 我和孩子爷爷", "喻雯娟 13800091910")
    before = registration(services, openid)
    question = say(wx, openid, "报名人名字打错了 应该是喻文娟 文字的文")
    assert "喻文娟" in question and "喻雯娟" in question, question
    say(wx, openid, "其余不变")
    reg = registration(services, openid)
    assert (reg.name, reg.party_size, reg.checkin_code) == ("喻文娟", before.party_size, before.checkin_code)


def test_not_wanting_to_go_alone_cancels_the_whole_registration(wx: object, services: Container) -> None:
    """'老伴不去了' asks to shrink the party; then '我一个人也不想去了 都不去了 帮我撤掉吧' asks to cancel instead."""
    openid = "v19_cancel_instead"
    _signed_up(wx, openid, "打农药那个讲座 我跟老伴两个", "谭有福 13800091911")
    say(wx, openid, "老伴不去了")
    question = say(wx, openid, "那我一个人也不想去了 都不去了 帮我撤掉吧")
    assert "取消" in question, question
    say(wx, openid, "确认")
    assert registration(services, openid).status == "cancelled"
    openid = "v19_cancel_alone_dull"
    _signed_up(wx, openid, "打农药那个讲座 我跟老伴两个", "谭有禄 13800091912")
    question = say(wx, openid, "老伴要去闺女家 我一个人也没意思 你给我取消了吧")
    assert "要取消" in question, question


def test_asking_how_many_may_come_is_answered_and_changes_nobody(wx: object, services: Container) -> None:
    """'可以报三个人吗' during a sign-up gets the event's rule and the sign-up goes on; asking adds nobody."""
    openid = "v19_asks_party_rule"
    say(wx, openid, "报名高血压讲座")
    reply = say(wx, openid, "可以报三个人吗")
    assert "最多报本人加2名同行人" in reply and "接着报名" in reply
    say(wx, openid, "刘桂英 13800097981")
    assert "最多报本人加2名同行人" in say(wx, openid, "那能带几个人啊")  # asked again at the consent step
    say(wx, openid, "同意")
    assert registration(services, openid).party_size == 1
