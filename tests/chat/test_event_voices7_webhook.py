"""Event sign-ups and party changes through the real webhook: failure classes found by replaying
``tests/support/data/dialogues_voices7.jsonl`` before changing anything (a companion called '小X' after the sign-up
dropped with '把他去掉' cancelled the whole registration, '她' pointing back to the relative named before it, names
given for '小X' while a change waits for its 'yes', a companion's misspelt name corrected without saying whose, a
companion left unnamed and written by the relation, a mobile said in Chinese digit groups with pauses and its last
four digits corrected in Chinese, a companion named right before '一起去').
"""

from __future__ import annotations

from bot.container import Container
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, registration = forms_chat.say, forms_chat.registration


def test_a_companion_called_by_nickname_is_dropped_not_the_whole_sign_up(wx: object, services: Container) -> None:
    """Signed up with 马骏 and 田野, '小田那天值班，把他去掉' asks to keep 马骏 only (no cancellation)."""
    openid = "v7_nick_drop"
    say(wx, openid, "检验检测开放日报名 我叫郝建军 13800097401 带同事马骏和田野", "同意")
    reply = say(wx, openid, "小田那天值班，把他去掉")
    assert "取消" not in reply and "马骏" in reply
    say(wx, openid, "确认")
    reg = registration(services, openid)
    assert (reg.status, reg.party_size, reg.companions) in (("confirmed", 2, ["马骏"]), ("registered", 2, ["马骏"]))


def test_she_points_back_to_the_relative_named_before(wx: object, services: Container) -> None:
    """'我姐刚打电话说她那天要带孙子，她来不了' drops the sister (named earlier as 姐姐), not the last companion."""
    openid = "v7_antecedent"
    say(wx, openid, "糖尿病饮食那个讲座报名 我叫杨春华 13800097402 和我姐姐周兰、我女儿杨柳一起", "同意")
    say(wx, openid, "我姐刚打电话说她那天要带孙子，她来不了", "确认")
    reg = registration(services, openid)
    assert (reg.party_size, reg.companions) == (2, ["杨柳"])


def test_names_for_nicknames_refine_a_change_waiting_for_yes(wx: object, services: Container) -> None:
    """'我们部门小宋和小孔也要去' asks; '小宋叫宋佳，小孔叫孔明亮' asks again with the full names; '确认' stores them."""
    openid = "v7_nick_names"
    say(wx, openid, "加计扣除的培训报个名 我叫蒋立 13800097403", "同意")
    assert "小宋" in say(wx, openid, "我们部门小宋和小孔也要去，帮我加上")
    reply = say(wx, openid, "小宋叫宋佳，小孔叫孔明亮")
    assert "宋佳" in reply and "孔明亮" in reply and "改为3人" in reply
    say(wx, openid, "确认")
    reg = registration(services, openid)
    assert (reg.party_size, sorted(reg.companions)) == (3, ["孔明亮", "宋佳"])


def test_a_misspelt_companion_name_is_corrected_without_saying_whose(wx: object, services: Container) -> None:
    """'不对，是马天祥，吉祥的祥' fixes the companion 马天翔 (one character apart), not the person signing up."""
    openid = "v7_near_name"
    say(wx, openid, "防溺水那个讲座报名 我叫孟丽 13800097404 带我外甥马天翔")
    say(wx, openid, "不对，是马天祥，吉祥的祥", "同意")
    reg = registration(services, openid)
    assert (reg.name, reg.companions) == ("孟丽", ["马天祥"])


def test_a_companion_left_unnamed_is_written_by_the_relation(wx: object, services: Container) -> None:
    """'老伴的名字不用写了，就写老伴吧' while the phone is asked keeps the sign-up going; the companion is '老伴'."""
    openid = "v7_relation_written"
    say(wx, openid, "高血压讲座报名", "我叫龚玉兰，带老伴一起")
    assert "手机号" in say(wx, openid, "老伴的名字不用写了，就写老伴吧")
    say(wx, openid, "13800097405", "同意")
    reg = registration(services, openid)
    assert (reg.party_size, reg.companions) == (2, ["老伴"])


def test_a_mobile_in_chinese_digit_groups_and_its_last_four_corrected(wx: object, services: Container) -> None:
    """'手机：一三九，零零零九，七四零二' is the phone; '后四位应该是七四二零' corrects it."""
    openid = "v7_grouped_digits"
    say(wx, openid, "家长课堂报名", "我叫甘桂芝")
    assert "回复“同意”" in say(wx, openid, "手机：一三九，零零零九，七四零二")
    say(wx, openid, "哎不对，后四位应该是七四二零", "同意")
    assert registration(services, openid).phone == "13900097420"


def test_a_companion_named_right_before_together_is_taken(wx: object, services: Container) -> None:
    """'带我外孙女林可欣一块去' names the companion even with '一块去' glued after the name."""
    openid = "v7_named_together"
    say(wx, openid, "近视防控讲座报名", "我叫林国栋 13800097407，带我外孙女林可欣一块去", "同意")
    reg = registration(services, openid)
    assert (reg.party_size, reg.companions) == (2, ["林可欣"])


def test_a_counted_companion_named_after_the_sign_up_is_asked_and_stored(wx: object, services: Container) -> None:
    """Signed up '带爱人一起' without a name, '我爱人叫邹建平，给补上' asks to write the name in; '确认' stores it."""
    openid = "v7_named_later"
    say(wx, openid, "心肺复苏培训报名", "我叫葛淑琴 13800097408 带爱人一起", "同意")
    assert "邹建平" in say(wx, openid, "我爱人叫邹建平，给补上")
    say(wx, openid, "确认")
    reg = registration(services, openid)
    assert (reg.party_size, reg.companions) == (2, ["邹建平"])


def test_a_question_the_record_cannot_answer_keeps_the_sign_up(wx: object, services: Container) -> None:
    """'我爸行动不方便，可以推轮椅进去吗' while the phone is asked: a short 'not in the record' and the question again;
    the phone that follows signs up."""
    openid = "v7_question_kept"
    say(wx, openid, "报名高血压那个讲座", "我叫白春梅")
    reply = say(wx, openid, "我爸行动不方便，可以推轮椅进去吗")
    assert "我们接着报名" in reply and "手机号" in reply
    say(wx, openid, "13800097409", "同意")
    assert registration(services, openid).name == "白春梅"


def test_someone_also_coming_named_after_jiao_is_a_companion(wx: object, services: Container) -> None:
    """At the consent step '对了，我外孙也去，叫邓一鸣' adds 邓一鸣 as a companion; the person signing up stays."""
    openid = "v7_also_named"
    say(wx, openid, "防溺水讲座报名", "我叫邓桂香 13800097410")
    say(wx, openid, "对了，我外孙也去，叫邓一鸣", "同意")
    reg = registration(services, openid)
    assert (reg.name, reg.party_size, reg.companions) == ("邓桂香", 2, ["邓一鸣"])


def test_a_companion_swapped_for_another_and_one_more_added(wx: object, services: Container) -> None:
    """'我爱人换成我女儿去，叫郑悦' replaces that companion; '再添个人，我表妹何静' adds one; '改成两个人' sets two."""
    openid = "v7_swap"
    say(wx, openid, "心肺复苏培训报名 我叫郑国强 13800097411 带我爱人周兰", "同意")
    assert "郑悦" in say(wx, openid, "我爱人换成我女儿去，叫郑悦")
    say(wx, openid, "确认")
    assert registration(services, openid).companions == ["郑悦"]
    assert "何静" in say(wx, openid, "再添个人，我表妹何静")
    say(wx, openid, "确认")
    assert registration(services, openid).party_size == 3
    assert "改为2人" in say(wx, openid, "还是改成两个人吧")
