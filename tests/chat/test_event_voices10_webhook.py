"""Event sign-ups and party changes through the real webhook: failure classes found by replaying
``tests/support/data/dialogues_voices10.jsonl`` before changing anything (companions described but not kept —
children named with their grade, a relation in a narrative, a dialect possessive, a neighbour —, a summary that
showed only the head count, someone added to a confirmed registration taken for a new sign-up, companions told
in the contact answer not said back).
"""

from __future__ import annotations

from bot.container import Container
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, registration = forms_chat.say, forms_chat.registration


def test_children_named_with_their_grade_are_companions(wx: object, services: Container) -> None:
    """'大的王子墨上初一，小的王子琪三年级': each name runs into a grade, both are companions (and said back)."""
    openid = "v10_grades"
    say(wx, openid, "防溺水讲座报个名")
    reply = say(wx, openid, "我带两个孩子一起去，大的王子墨上初一，小的王子琪三年级")
    assert "王子墨" in reply and "王子琪" in reply
    say(wx, openid, "我叫王红梅 13800091001", "同意")
    reg = registration(services, openid)
    assert (reg.party_size, sorted(reg.companions)) == (3, ["王子墨", "王子琪"])


def test_a_relation_in_a_narrative_is_the_companion(wx: object, services: Container) -> None:
    """'我腰不好，老伴也一样，我们两个人一起去': the one coming along is written down as 老伴, and the summary shows it."""
    openid = "v10_narrative"
    say(wx, openid, "高血压讲座我想报个名，我今年七十了腰不好，老伴也一样，我们两个人一起去")
    reply = say(wx, openid, "我叫孙建国，电话13800091002")
    assert "2人（同行：老伴）" in reply
    say(wx, openid, "同意")
    reg = registration(services, openid)
    assert (reg.party_size, reg.companions) == (2, ["老伴"])


def test_a_dialect_possessive_and_a_neighbour_are_companions(wx: object, services: Container) -> None:
    """'俺跟俺闺女 还有邻居的李铁柱 一共三个人': 闺女 by relation and 李铁柱 by name."""
    openid = "v10_dialect"
    say(wx, openid, "防溺水讲座 俺想报名")
    reply = say(wx, openid, "俺叫赵满仓 俺跟俺闺女 还有邻居的李铁柱 一共三个人")
    assert "闺女" in reply and "李铁柱" in reply
    say(wx, openid, "电话13800091003", "同意")
    reg = registration(services, openid)
    assert (reg.name, reg.party_size, sorted(reg.companions)) == ("赵满仓", 3, sorted(["闺女", "李铁柱"]))


def test_a_name_given_later_takes_the_place_of_the_relation(wx: object, services: Container) -> None:
    """'我跟我家老头一起去', then '他叫毛德才': still two people, the companion now by name."""
    openid = "v10_named_later"
    say(wx, openid, "高血压讲座 我跟我家老头一起去")
    reply = say(wx, openid, "焦玉兰 13800091004")
    assert "（同行：老头）" in reply
    reply = say(wx, openid, "他叫毛德才")
    assert "2人（同行：毛德才）" in reply
    say(wx, openid, "同意")
    reg = registration(services, openid)
    assert (reg.party_size, reg.companions) == (2, ["毛德才"])


def test_someone_added_to_a_confirmed_registration_is_a_party_change(wx: object, services: Container) -> None:
    """After signing up alone, '刚才报的那个高血压讲座，孩子他爸也想一起去，能加上吗' asks to change the party
    (not '您已经报过名了'); confirmed, the registration holds two with 孩子他爸."""
    openid = "v10_added_later"
    say(wx, openid, "高血压讲座报名 就我一个人 邓晓燕 13800091005", "同意")
    reply = say(wx, openid, "你好，刚才报的那个高血压讲座，孩子他爸也想一起去，能加上吗")
    assert "报过名" not in reply and "孩子他爸" in reply
    say(wx, openid, "是的，两个人，确认")
    reg = registration(services, openid)
    assert (reg.party_size, reg.companions) == (2, ["孩子他爸"])
