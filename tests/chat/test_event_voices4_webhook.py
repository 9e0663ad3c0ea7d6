"""Who comes along and which event is meant, through the real webhook (failure classes found by replaying
``tests/support/data/dialogues_voices4.jsonl`` and our own reasoning before changing anything):

events named by topic, date or place instead of their title; a party said right after an event was shown;
head counts by kind ('两个大人一个小孩'), possessives ('老伴的妹妹'), companions with titles ('张医生'), pet names,
voice input without punctuation, names given in later turns, a nickname given its full name; party changes
after signing up in everyday words; a party over the per-registration limit, said clearly.
"""

from __future__ import annotations

import pytest

from bot.container import Container
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, registration = forms_chat.say, forms_chat.registration


def signed(wx: object, services: Container, openid: str, *turns: str) -> tuple[str, int, list[str], str]:
    """Play the turns, consent; the registration's event, party size, companions and name."""
    say(wx, openid, *turns, "同意")
    reg = registration(services, openid)
    return reg.event_id, reg.party_size, sorted(reg.companions), reg.name


@pytest.mark.parametrize(("openid", "first", "event_id", "signing_up"), [
    ("v4_topic", "防溺水 我带孙女孙子", "E10", True),
    ("v4_date_place", "东津市民中心五月十二号那个学按压和除颤仪的", "E05", False),
    ("v4_month_place", "七月份石花村文化广场那个讲小孩游泳注意啥的我们仨去我跟两个孙子", "E10", True),
    ("v4_day", "报个名 3月13号上午那个讲座", "E01", True),
    ("v4_topic_demandish", "春耕那个农药安全的 俺们合作社去几个人", "E02", True),
])
def test_an_event_named_by_topic_date_or_place_is_the_one_meant(wx: object, services: Container, openid: str,
                                                                first: str, event_id: str, signing_up: bool) -> None:
    """No event word and no title: the topic ('防溺水'), the date ('五月十二号', '七月份') or the place ('石花村');
    with a party or a sign-up word the sign-up starts, else the event is shown and a party said next joins it."""
    reply = say(wx, openid, first)
    assert f"【{event_id}】" in reply and ("姓名和手机号" in reply) == signing_up
    if not signing_up:
        assert "姓名和手机号" in say(wx, openid, "我和我老公 他是跑出租的 想学学")


def test_a_policy_question_on_an_event_topic_stays_a_question(wx: object) -> None:
    """'加计扣除怎么算' shares words with a training's title but names no event: no sign-up starts."""
    assert "姓名和手机号" not in say(wx, "v4_policy", "加计扣除怎么算")


def test_a_question_naming_an_event_is_answered_and_a_party_then_joins_it(wx: object, services: Container) -> None:
    """'…开放日 能现场问…吧' (a demand, says the intent model) is answered from the event; the party said next
    ('我们公司去三个人 我 质量部的 方振 和 技术部的 甘露') joins that event instead of starting a demand."""
    first = say(wx, "v4_after_q", "6月25号高新区共享平台那个开放日 看实验室的")
    assert "【E11】" in first and "问题库" not in first
    second = say(wx, "v4_after_q", "我们公司去三个人 我 质量部的 方振 和 技术部的 甘露")
    assert "问题库" not in second
    event_id, size, companions, _ = signed(wx, services, "v4_after_q", "我叫 孙立强 手机13800410011")
    assert (event_id, size, companions) == ("E11", 3, ["方振", "甘露"])


@pytest.mark.parametrize(("openid", "turns", "size", "companions", "name"), [
    ("v4_kinds", ["高血压讲座报名 两个大人一个小孩", "王秀珍 13800070001"], 3, ["小孩"], "王秀珍"),
    ("v4_possessive", ["高血压讲座 我和老伴 还有老伴的妹妹", "卢德才 13800070025"], 3, ["老伴", "妹妹"], "卢德才"),
    ("v4_inlaw", ["糖尿病讲座 我和老伴 还有我亲家母", "郑玉兰 13800070010"], 3, ["老伴", "亲家母"], "郑玉兰"),
    ("v4_titles", ["报名心肺复苏培训 带我们科室的张医生和李护士", "赵敏 13800070004"], 3, ["张医生", "李护士"], "赵敏"),
    ("v4_roles", ["院士专家那个汽车零部件对接会 我们公司报名", "每家能去两个吧 我和技术部长",
                  "冯建兵 13800410020 部长叫 姜海涛"], 2, ["姜海涛"], "冯建兵"),
    ("v4_voice", ["七月份石花村文化广场那个 我们仨去我跟两个孙子",
                  "我叫尤德明电话13800410004大孙子尤俊杰小孙子尤俊豪"], 3, ["尤俊杰", "尤俊豪"], "尤德明"),
    ("v4_pet", ["近视防控那个讲座 带上我外孙女朵朵", "我是她外婆 金玉兰 138 0041 0014"], 2, ["朵朵"], "金玉兰"),
    ("v4_later", ["糖尿病讲座报名 三个人", "汪洋 13800070028", "还有 汪海 汪涛"], 3, ["汪海", "汪涛"], "汪洋"),
    ("v4_spouse_named", ["糖尿病饮食讲座 报名", "姚建军 13800070019 我和老伴两个", "老伴的名字是 林秀芳"],
     2, ["林秀芳"], "姚建军"),
    ("v4_real_name", ["农药那个培训 俺和俺屋里的两个人", "俺叫 曹老三 大名曹德胜 屋里的叫 罗秀珍 电话13800410006"],
     2, ["罗秀珍"], "曹德胜"),
    ("v4_nick_named", ["糖尿病那个讲座 给我报上 我跟我家老头子 还有隔壁的李婶", "我叫 陶素芬",
                       "老头子叫 彭长贵 李婶叫 李桂英", "电话 13800410013"], 3, ["彭长贵", "李桂英"], "陶素芬"),
    ("v4_one_each", ["春耕农药那个培训 报名", "俺姓熊 熊国华 13800410015", "俩细伢 一个熊思远 一个熊思琪 我陪着去"],
     3, ["熊思远", "熊思琪"], "熊国华"),
    ("v4_grandma", ["周六上午襄州那个讲糖尿病怎么吃饭的 我想去听听", "带上我孙女小雨 她陪我去",
                    "我是何奶奶 何凤兰 电话13800410002"], 2, ["小雨"], "何凤兰"),
    ("v4_fewer", ["高血压讲座 我们三个人", "梁淑芬 13800070012", "算了少一个 就两个人"], 2, [], "梁淑芬"),
    ("v4_she_named", ["心肺复苏那个培训 我报一个 就我自己", "单位同事也想去 等我问问她", "问了 她也去 她叫 邓雅琴",
                      "我叫 秦晓燕 13800410007"], 2, ["邓雅琴"], "秦晓燕"),
])
def test_who_comes_along_however_it_is_said(wx: object, services: Container, openid: str, turns: list[str], size: int,
                                            companions: list[str], name: str) -> None:
    """Counts by kind, possessives, in-laws, titles and roles, voice input, pet names, names in later turns,
    '大名…', a nickname given its full name, '一个X 一个Y', '少一个', '她也去 她叫…'."""
    _, got_size, got_companions, got_name = signed(wx, services, openid, *turns)
    assert (got_size, got_companions, got_name) == (size, sorted(companions), name)


@pytest.mark.parametrize(("openid", "turns", "change", "size", "companions"), [
    ("v4_add_dad", ["家长课堂 我带孩子去", "何丽君 13800410029 孩子叫 马一诺"], "孩子爸爸也说要去 叫 马天翔 帮我加一下",
     3, ["马一诺", "马天翔"]),
    ("v4_busy", ["农药那个培训 俺和俺兄弟 还有俺侄子", "俺叫 赵满仓 13800410030 兄弟 赵满囤 侄子 赵小军"],
     "俺侄子出去打工了 冇得空 就俺俩", 2, ["赵满囤"]),
    ("v4_swap", ["四月九号近视讲座 我带儿子", "孔德华 13800410031 儿子孔乐天"], "儿子那天有课 我换个人 带我侄子去 叫 孔乐言",
     2, ["孔乐言"]),
    ("v4_restated", ["防溺水 我带孙女孙子", "庞秀云 13800410033 孙女庞雨涵 孙子庞雨泽"], "孙女跟她妈回娘家了 就我和孙子去",
     2, ["庞雨泽"]),
    ("v4_colleague", ["心肺复苏培训 我一个人报", "侯晓军 13800410032"], "我们科室小吴也想学 帮她也报上 吴婷婷",
     2, ["吴婷婷"]),
])
def test_party_changes_after_signing_up_in_everyday_words(wx: object, services: Container, openid: str,
                                                          turns: list[str], change: str, size: int,
                                                          companions: list[str]) -> None:
    """Added, dropped, swapped or restated after the registration exists: asked first, then changed."""
    say(wx, openid, *turns, "同意")
    asked = say(wx, openid, change)
    assert f"改为{size}人" in asked
    say(wx, openid, "确认")
    reg = registration(services, openid)
    assert (reg.party_size, sorted(reg.companions)) == (size, sorted(companions))


def test_a_party_over_the_limit_is_refused_clearly(wx: object, services: Container) -> None:
    """'一家四口' for a 3-person limit: the reply says 4 were asked for, the rule and what to do; the summary says
    only the user is signed up; a later change to 4 is refused before asking and the registration stays."""
    first = say(wx, "v4_limit", "高血压讲座 我们一家四口")
    assert "您说的是4人" in first and "共3人" in first and "自己的微信另外报名" in first
    summary = say(wx, "v4_limit", "潘红 13800070021")
    assert "1人" in summary and "这次只报您本人" in summary
    say(wx, "v4_limit", "同意")
    refused = say(wx, "v4_limit", "再加三个人 我老公 和俩孩子")
    assert "报不了" in refused and "保持不变（现在1人）" in refused
    assert registration(services, "v4_limit").party_size == 1
