"""Event sign-ups and party changes through the real webhook: failure classes found by replaying
``tests/support/data/dialogues_voices8.jsonl`` before changing anything (a head count glued to the last name in
voice text without punctuation, 'only take X' after someone drops out, a mobile told in two messages).
"""

from __future__ import annotations

from bot.container import Container
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, registration = forms_chat.say, forms_chat.registration


def test_a_head_count_glued_to_the_last_name_keeps_every_companion(wx: object, services: Container) -> None:
    """Unpunctuated voice text: '…我哥何建国我嫂子刘芬三个人一块…' names two companions, the count is no name part."""
    openid = "v8_glued_count"
    say(wx, openid, "防溺水讲座给我报上我是何建军我和我哥何建国我嫂子刘芬三个人一块手机13800098401", "同意")
    reg = registration(services, openid)
    assert (reg.name, reg.party_size, sorted(reg.companions)) == ("何建军", 3, ["何建国", "刘芬"])


def test_only_taking_one_keeps_that_one(wx: object, services: Container) -> None:
    """Signed up with two children; '大的要补课来不成 就带万晓雨' keeps 万晓雨 (whichever '大的' was)."""
    openid = "v8_only_take"
    say(wx, openid, "防溺水讲座报名 我叫万丽 13800098402 带两个孩子 万晓晴 万晓雨", "同意")
    say(wx, openid, "大的要补课来不成 就带万晓雨", "确认")
    reg = registration(services, openid)
    assert (reg.party_size, reg.companions) == (2, ["万晓雨"])


def test_a_mobile_told_in_two_messages_is_joined(wx: object, services: Container) -> None:
    """'邵敏 手机139' then '00098403': the sign-up goes on (no hand-over) and the phone is the two parts joined."""
    openid = "v8_phone_parts"
    say(wx, openid, "防溺水讲座报个名")
    reply = say(wx, openid, "邵敏 手机139")
    assert "联络员" not in reply and "139" in reply
    say(wx, openid, "00098403", "同意")
    reg = registration(services, openid)
    assert (reg.name, reg.phone) == ("邵敏", "13900098403")


def test_the_one_who_signs_a_parent_up_and_goes_along_is_a_companion(wx: object, services: Container) -> None:
    """Found by the lead in ``kc chat``: after '给我妈报个名…她叫熊桂兰', '我陪她一起去 我叫周敏' renamed the sign-up to
    周敏 for one person; the mother stays the registrant and the one going along is her companion."""
    openid = "v8_lead_accompany"
    say(wx, openid, "我想给我妈报个名 防溺水那个讲座 她叫熊桂兰 电话用我的 13800098491", "她眼睛不好 我陪她一起去 我叫周敏",
        "同意")
    reg = registration(services, openid)
    assert (reg.name, reg.party_size, reg.companions) == ("熊桂兰", 2, ["周敏"])
