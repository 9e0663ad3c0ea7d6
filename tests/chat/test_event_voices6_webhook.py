"""Event sign-ups through the real webhook (failure classes found by replaying
``tests/support/data/dialogues_voices6.jsonl`` before changing anything): phone numbers said digit by digit in
Chinese ('一三八 零零零九 六零一零', '幺三八…'), a bare '想报个名' (the list, not an event matched on '个'/'名'),
another event pointed at by its topic or place while signing up, small talk in the middle of a sign-up, the
others named after '另外两个是', a party restated with a name ('就我跟蒋涛俩人'), and an added person named after
'帮我加一个人 叫…'.
"""

from __future__ import annotations

import pytest

from bot.container import Container
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, registration = forms_chat.say, forms_chat.registration


@pytest.mark.parametrize(("openid", "spoken", "phone"), [
    ("v6_spoken_spaced", "电话是一三八 零零零九 六零一零", "13800096010"),
    ("v6_spoken_yao", "幺三八零零零九六零一九", "13800096019"),
])
def test_a_phone_said_digit_by_digit_in_chinese_is_taken(wx: object, services: Container, openid: str, spoken: str,
                                                        phone: str) -> None:
    """Digits said one by one in Chinese (with 幺 for 1, in chunks) are the phone number; no re-asking."""
    say(wx, openid, "加计扣除的培训 报一个", "名字 邵俊")
    assert "回复“同意”" in say(wx, openid, spoken)
    say(wx, openid, "同意")
    assert (registration(services, openid).name, registration(services, openid).phone) == ("邵俊", phone)


def test_a_bare_sign_up_lists_the_events_and_a_topic_and_place_then_pick_one(wx: object, services: Container) -> None:
    """'想报个名' names no event: the list is shown (no event picked on '个'/'名'); '就是教农药怎么打的那个
    枣阳桃园村的' then signs up for that one."""
    openid = "v6_bare"
    assert "近期活动" in say(wx, openid, "想报个名")
    assert "【E02】" in say(wx, openid, "就是教农药怎么打的那个 枣阳桃园村的")
    say(wx, openid, "我叫 蔡德明", "电话13800096002", "同意")
    assert registration(services, openid).event_id == "E02"


def test_another_event_pointed_at_while_signing_up_replaces_it(wx: object, services: Container) -> None:
    """Signing up for one event, the user points at another by its topic and place: that one is signed up for."""
    openid = "v6_other"
    say(wx, openid, "报名 E09")
    assert "【E02】" in say(wx, openid, "不是这个 就是教农药怎么打的那个 枣阳桃园村的")
    say(wx, openid, "柯明 13800096102", "同意")
    assert registration(services, openid).event_id == "E02"


def test_small_talk_while_signing_up_keeps_the_sign_up(wx: object, services: Container) -> None:
    """'你们这个挺方便的 比打电话强多了' gets its short reply and the contact question again; the sign-up goes on."""
    openid = "v6_chat"
    say(wx, openid, "科技型中小企业入库那个填报辅导 现场的还有位置没", "好 报一个")
    reply = say(wx, openid, "你们这个挺方便的 比打电话强多了")
    assert "我们接着报名" in reply and "姓名和手机号" in reply
    say(wx, openid, "我叫钟志远 手机13800096008", "同意")
    assert (registration(services, openid).event_id, registration(services, openid).name) == ("E09", "钟志远")


def test_the_others_named_then_a_party_restated_with_a_name(wx: object, services: Container) -> None:
    """'另外两个是蒋涛和葛晓东' names both; '不对 葛晓东那天出差 就我跟蒋涛俩人' keeps only 蒋涛."""
    openid = "v6_restated"
    say(wx, openid, "检验检测平台开放日报名 我们去三个人", "我叫晏国华 另外两个是蒋涛和葛晓东")
    say(wx, openid, "不对 葛晓东那天出差 就我跟蒋涛俩人", "电话13800096020", "同意")
    reg = registration(services, openid)
    assert (reg.party_size, reg.companions) == (2, ["蒋涛"])


def test_an_added_person_named_after_the_count_is_kept(wx: object, services: Container) -> None:
    """After signing up, '我们财务主管也想去 帮我加一个人 叫童丽萍' adds 童丽萍 by name (asked first)."""
    openid = "v6_add_named"
    say(wx, openid, "加计扣除培训报名 我叫贺斌 电话13800096030 襄阳汉楚机械制造有限公司的", "同意")
    assert "童丽萍" in say(wx, openid, "我们财务主管也想去 帮我加一个人 叫童丽萍")
    say(wx, openid, "对")
    reg = registration(services, openid)
    assert (reg.party_size, reg.companions, reg.name) == (2, ["童丽萍"], "贺斌")
