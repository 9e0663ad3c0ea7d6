"""Who comes along, through the real webhook (failure classes of ``tests/support/data/dialogues_voices2.jsonl``):
head counts and kin words, a party changed while signing up or after, corrections that keep the sign-up, one
companion dropping out by given name, and cancellations in everyday words.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.container import Container
from bot.store.models import Registration
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, registration = forms_chat.say, forms_chat.registration


def active(services: Container, openid: str) -> list[Registration]:
    """The user's registrations that hold a seat."""
    with services.db.session() as session:
        rows = list(session.scalars(select(Registration).where(Registration.openid == openid)))
        session.expunge_all()
    return [r for r in rows if r.status in ("confirmed", "waitlisted")]


@pytest.mark.parametrize(("openid", "first", "contact", "size", "companions"), [
    ("p_trio", "心肺复苏培训 我们仨去 我 还有小区的王阿姨 李叔", "我叫 章红梅 13800090014", 3, ["王阿姨", "李叔"]),
    ("p_couple", "高血压讲座我要报名 我们老两口一块去", "石凤英 13800090001 老头子叫 宁国栋", 2, ["宁国栋"]),
    ("p_family", "近视防控讲座 我们一家三口", "路遥 13800090004 孩子他爸叫 温志刚 孩子叫温乐乐", 3, ["温志刚", "温乐乐"]),
    ("p_neigh", "高血压讲座 我带俩邻居 张大妈 和 刘大爷", "祝春华 13800090046", 3, ["张大妈", "刘大爷"]),
    ("p_coll", "检测平台开放日 我们三个人 我 同事欧阳明 和 司马静", "彭程 13800090033", 3, ["欧阳明", "司马静"]),
    ("p_kids", "近视讲座 带我儿子", "名字写 邹强 电话 13800090043 儿子 邹小飞", 2, ["邹小飞"]),
])
def test_head_counts_kin_words_and_names_without_jiao(wx: object, services: Container, openid: str, first: str,
                                                      contact: str, size: int, companions: list[str]) -> None:
    """'我们仨', '老两口', '一家三口' with '孩子他爸叫…', neighbours by nickname, compound surnames, '儿子 邹小飞'."""
    say(wx, openid, first)
    summary = say(wx, openid, contact)
    assert f"{size}人" in summary and all(c in summary for c in companions)
    say(wx, openid, "同意")
    reg = registration(services, openid)
    assert reg.party_size == size and sorted(reg.companions) == sorted(companions)


@pytest.mark.parametrize(("openid", "turns", "size", "companions"), [
    ("p_spouse_off", ["高血压讲座 我和老伴去", "詹桂兰 13800090016", "哦对了 我老伴不去了 他要看孙子"], 1, []),
    ("p_sister_off", ["高血压讲座 我们三个 我 老伴 还有我妹", "谭秀英 13800090020", "老伴叫 蒋德胜 妹妹叫 谭秀兰",
                      "妹妹说她不去了"], 2, ["蒋德胜"]),
    ("p_add_sister", ["糖尿病讲座 我一个人", "滕玉梅 13800090017", "再加一个人 我姐 叫滕玉兰"], 2, ["滕玉兰"]),
    ("p_add_cousin", ["糖尿病饮食讲座 我带孙子", "孙子叫 尹天乐", "我叫尹国富 13800090019", "再加一个 他表哥也去 叫 谷一鸣"],
     3, ["尹天乐", "谷一鸣"]),
])
def test_party_changed_while_signing_up(wx: object, services: Container, openid: str, turns: list[str], size: int,
                                        companions: list[str]) -> None:
    """'我老伴不去了' before consenting drops the spouse (not the whole sign-up); '再加一个人' adds to the party."""
    summary = say(wx, openid, *turns)
    assert f"{size}人" in summary and "没有报名" not in summary
    say(wx, openid, "同意")
    reg = registration(services, openid)
    assert reg.party_size == size and reg.companions == companions


def test_corrections_while_signing_up_replace_one_field(wx: object, services: Container) -> None:
    """'电话错了 最后四位是1041', '不是邹强 是邹刚', '我妈名字打错了 是莫玉英' correct one value and keep the sign-up."""
    summary = say(wx, "p_fix_phone", "高血压讲座报名 我和老伴", "万国庆 13800090041 老伴叫 齐秀芳", "电话错了 最后四位是1041")
    assert "13800091041" in summary and "齐秀芳" in summary
    summary = say(wx, "p_fix_name", "近视讲座 带我儿子", "邹强 13800090043 儿子叫邹小飞", "不是邹强 是邹刚")
    assert "邹刚 13800090043" in summary and "邹小飞" in summary
    summary = say(wx, "p_fix_mum", "糖尿病讲座 我和我妈", "覃丽 13800090042 我妈叫 覃玉英", "我妈名字打错了 是莫玉英")
    assert "覃丽 13800090042" in summary and "莫玉英" in summary and "覃玉英" not in summary
    for openid in ("p_fix_phone", "p_fix_name", "p_fix_mum"):
        say(wx, openid, "同意")
    assert registration(services, "p_fix_phone").phone == "13800091041"
    assert registration(services, "p_fix_name").name == "邹刚"
    assert registration(services, "p_fix_mum").companions == ["莫玉英"]


def test_a_companion_dropping_out_by_given_name_keeps_the_registration(wx: object, services: Container) -> None:
    """After signing up, '安安发烧了去不成 乐乐跟我去' asks to change the party to 2 (not to cancel it)."""
    openid = "p_given"
    say(wx, openid, "家长课堂报名 带俩娃", "娃叫 奚乐乐 奚安安 我叫奚建军 13800090024", "同意")
    asked = say(wx, openid, "安安发烧了去不成 乐乐跟我去")
    assert "2人" in asked and "奚乐乐" in asked and "取消" not in asked.split("\n")[0]
    say(wx, openid, "对")
    reg = registration(services, openid)
    assert reg.status in ("confirmed", "waitlisted") and reg.party_size == 2 and reg.companions == ["奚乐乐"]


def test_everyday_cancellations_are_confirmed_then_done(wx: object, services: Container) -> None:
    """'我们不去啦 报名作废吧' asks to cancel that registration; '确认' frees the seat."""
    openid = "p_void"
    say(wx, openid, "糖尿病饮食讲座报名 就我", "和平 13800090028", "同意")
    asked = say(wx, openid, "我们不去啦 报名作废吧")
    assert "要取消" in asked and "糖尿病饮食管理" in asked
    say(wx, openid, "确认")
    assert active(services, openid) == []


def test_signing_up_with_someone_and_a_one_digit_phone_fix(wx: object, services: Container) -> None:
    """'帮我跟我老伴报上 我们俩' signs the user up with the spouse (not the spouse alone); '电话最后一位是8 不是7'
    fixes the phone and keeps the sign-up."""
    openid = "p_with"
    say(wx, openid, "高血压讲座 帮我跟我老伴报上 我们俩")
    summary = say(wx, openid, "包玉梅 电话13800093017")
    assert "包玉梅 13800093017" in summary and "2人" in summary
    summary = say(wx, openid, "电话最后一位是8 不是7")
    assert "13800093018" in summary
    say(wx, openid, "同意")
    reg = registration(services, openid)
    assert reg.name == "包玉梅" and reg.phone == "13800093018" and reg.party_size == 2


def test_a_companion_added_with_the_contact(wx: object, services: Container) -> None:
    """'郑秀云 13800093030 我闺女也想去 叫郑静': the contact is taken and the daughter is added."""
    openid = "p_also_contact"
    say(wx, openid, "糖尿病饮食讲座 报名 就我")
    summary = say(wx, openid, "郑秀云 13800093030 我闺女也想去 叫郑静")
    assert "郑秀云 13800093030" in summary and "2人（同行：郑静）" in summary
