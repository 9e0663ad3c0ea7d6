"""Event parties through the real webhook: the classes found by replaying
``tests/support/data/dialogues_voices16.jsonl`` before changing anything (each test phrases its class in other
words than the writer's rows).

- A nickname bound to a full name ('小郑大名郑雅琴', '小吴是吴静', '小孟叫孟凡宇' in the same message) names that
  companion; it never renames the person signing up, and the relation word the nickname came with ('同事') is no
  companion of its own.
- A companion introduced by what they do, without '叫' ('另一位是我们搞销售的韦丽萍'), is named.
- Dialect relation words ('堂客', '姑娘' for a daughter) are neither names nor cut into a shorter relation ('姑').
- After a sign-up with companions, '孩子们都去不了了 我一个人来' changes the party to one; it cancels nothing.
- A category word and a topic that only one of its events is about ('社区那个血糖的讲座') pick that event; a
  question while choosing among listed events ('几点开始') is answered from them and the choice stays open.
- A relation word cut from a longer dictionary word ('姑' of '姑爷') is said whole.
"""

from __future__ import annotations

from bot.container import Container
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, registration = forms_chat.say, forms_chat.registration


def test_a_nickname_given_its_full_name_later_renames_the_companion(wx: object, services: Container) -> None:
    """'…我和我们会计小郑', the contact, then '小郑大名郑雅琴': the companion is 郑雅琴; the one signing up keeps
    their own name."""
    openid = "v16_nick_full_later"
    say(wx, openid, "科技型中小企业评价入库辅导 报名 我和我们会计小郑")
    say(wx, openid, "我叫邬建平 13800091601 单位襄阳示例精密机械有限公司")
    summary = say(wx, openid, "小郑大名郑雅琴")
    assert "邬建平" in summary and "郑雅琴" in summary and "小郑" not in summary, summary
    say(wx, openid, "同意")
    reg = registration(services, openid)
    assert (reg.name, reg.party_size, list(reg.companions)) == ("邬建平", 2, ["郑雅琴"])


def test_two_nicknames_each_given_a_full_name(wx: object, services: Container) -> None:
    """'我 小吴和小何 三个人' then '小吴是吴静 小何是何建军': both companions named, still three people."""
    openid = "v16_two_nicks"
    summary = say(wx, openid, "高血压讲座报名 我 小吴和小何 三个人 我叫戴国强 13800091602", "小吴是吴静 小何是何建军")
    assert "吴静" in summary and "何建军" in summary and "小吴" not in summary and "3人" in summary, summary
    say(wx, openid, "同意")
    reg = registration(services, openid)
    assert (reg.name, reg.party_size, list(reg.companions)) == ("戴国强", 3, ["吴静", "何建军"])


def test_a_nickname_named_in_the_same_message_is_one_companion(wx: object, services: Container) -> None:
    """'我带同事小孟一起报 … 小孟叫孟凡宇': two people, the companion 孟凡宇 (not '同事' as a third)."""
    openid = "v16_nick_same_message"
    summary = say(wx, openid, "加计扣除培训 我带同事小孟一起报 我叫符晓琳 13800091603 小孟叫孟凡宇")
    assert "2人" in summary and "孟凡宇" in summary and "同事" not in summary, summary
    say(wx, openid, "同意")
    reg = registration(services, openid)
    assert (reg.party_size, list(reg.companions)) == (2, ["孟凡宇"])


def test_a_companion_introduced_by_what_they_do(wx: object, services: Container) -> None:
    """'我们厂去两个人', then the contact and '另一位是我们搞销售的韦丽萍': she is the companion."""
    openid = "v16_role_without_cue"
    say(wx, openid, "检测平台开放日 我们厂去两个人")
    summary = say(wx, openid, "我叫詹志刚 13800091604 单位襄阳示例精工有限公司 另一位是我们搞销售的韦丽萍")
    assert "韦丽萍" in summary and "2人" in summary, summary
    say(wx, openid, "同意")
    reg = registration(services, openid)
    assert (reg.name, reg.party_size, list(reg.companions)) == ("詹志刚", 2, ["韦丽萍"])


def test_dialect_relation_words_are_not_cut(wx: object, services: Container) -> None:
    """'带我堂客柳翠英 跟我姑娘田甜' (堂客 a wife, 姑娘 a daughter): the two names, no '姑' or '堂' companion."""
    openid = "v16_dialect_kin"
    summary = say(wx, openid, "糖尿病饮食课报名 我叫田德福 13800091605 带我堂客柳翠英 跟我姑娘田甜")
    assert "柳翠英" in summary and "田甜" in summary and "3人" in summary, summary
    say(wx, openid, "同意")
    reg = registration(services, openid)
    assert (reg.party_size, sorted(reg.companions)) == (3, sorted(["柳翠英", "田甜"]))


def test_companions_all_dropping_out_leaves_the_registrant(wx: object, services: Container) -> None:
    """Signed up with two children, then '孩子们都去不了了 我一个人来': a change to one person, not a cancellation."""
    openid = "v16_all_drop_self_goes"
    say(wx, openid, "近视防控讲座报名 带两个孩子 大的叫钟子涵 小的叫钟子轩 我是钟海燕 13800091606", "同意")
    assert registration(services, openid).party_size == 3
    asked = say(wx, openid, "孩子们要去外婆家 都去不了了 我一个人来")
    assert "取消" not in asked and "1人" in asked, asked
    done = say(wx, openid, "确认")
    assert "已修改" in done, done
    reg = registration(services, openid)
    assert (reg.status, reg.party_size, list(reg.companions)) == ("confirmed", 1, [])


def test_a_category_and_a_topic_pick_the_one_event(wx: object, services: Container) -> None:
    """'社区那个血糖的讲座 老人能去不': of the community events only one is on blood sugar; it is shown, not a list."""
    reply = say(wx, "v16_category_topic", "社区那个血糖的讲座 老人能去不")
    assert "【E06】" in reply and "【E01】" not in reply and "近期活动" not in reply, reply


def test_a_question_while_choosing_is_answered_from_the_listed_events(wx: object, services: Container) -> None:
    """A list of two school events, the contact, then '几点开始': each listed event's time and the choice asked
    again (not 'which event or policy'); '1' then signs up with the contact kept."""
    openid = "v16_question_while_choosing"
    say(wx, openid, "学校的讲座有哪些", "我叫齐秀娟 13800091607")
    reply = say(wx, openid, "几点开始")
    assert "15:00" in reply and "18:30" in reply and "哪一场" in reply, reply
    summary = say(wx, openid, "1")
    assert "齐秀娟" in summary and "13800091607" in summary, summary
    say(wx, openid, "同意")
    reg = registration(services, openid)
    assert (reg.event_id, reg.name) == ("E03", "齐秀娟")


def test_a_relation_cut_from_a_longer_word_is_said_whole(wx: object, services: Container) -> None:
    """'带我姑爷一起去' (姑爷, a son-in-law, is no listed relation word): the companion is written '姑爷', not '姑'."""
    summary = say(wx, "v16_whole_word", "高血压讲座报名 带我姑爷一起去 我叫房玉梅 13800091608")
    assert "同行：姑爷" in summary and "2人" in summary, summary
