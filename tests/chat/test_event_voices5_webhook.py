"""Who comes along, through the real webhook (failure classes found by replaying
``tests/support/data/dialogues_voices5.jsonl`` before changing anything): names listed after a counted relation
('两个同事一起 A和B'), a name followed by a head count ('A两个人'), work roles ('还有我们总工X'), counted
companions before a colon ('同行一人：X'), the signer named after a job title ('…负责人 叫X'), and party changes
that name the newcomer ('俺儿子X也要克', '换成X') or drop someone in dialect ('她不克了').
"""

from __future__ import annotations

import pytest

from bot.container import Container
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, registration = forms_chat.say, forms_chat.registration


@pytest.mark.parametrize(("openid", "turns", "size", "companions", "name"), [
    ("v5_listed", ["高血压讲座报名 我叫宋玉梅", "13800620001", "还有两个邻居一起 蒋秀英和鲁桂芝"],
     3, ["蒋秀英", "鲁桂芝"], "宋玉梅"),
    ("v5_counted", ["检测平台开放日报名 我叫邵建国 电话13800620002", "我们单位就我跟技术部的芦伟两个人"],
     2, ["芦伟"], "邵建国"),
    ("v5_role", ["汽车零部件对接会报名 邱志明 13800620003", "还有我们总工程师吧 叫 段鹏", "还有我们总工方涛一起参加"],
     3, ["段鹏", "方涛"], "邱志明"),
    ("v5_colon", ["报名近视防控讲座，姓名：柴丽，电话：13800620004，同行一人：柴子墨"], 2, ["柴子墨"], "柴丽"),
    ("v5_job_title", ["心肺复苏培训怎么报名", "我是厂里的安全负责人 叫严志刚", "手机13800620005"], 1, [], "严志刚"),
    ("v5_spouse_then", ["农药那个培训 报名 俺叫雷德顺 13800620006", "还有俺屋里的 叫祝桂香"], 2, ["祝桂香"], "雷德顺"),
])
def test_who_comes_along_however_it_is_said(wx: object, services: Container, openid: str, turns: list[str], size: int,
                                            companions: list[str], name: str) -> None:
    """Every companion named is stored, the head count matches, and the person signing up keeps their name."""
    say(wx, openid, *turns, "同意")
    reg = registration(services, openid)
    assert (reg.party_size, sorted(reg.companions or []), reg.name) == (size, sorted(companions), name)


@pytest.mark.parametrize(("openid", "turns", "change", "size", "companions"), [
    ("v5_add_named", ["农药那个培训 报名", "俺叫覃长林 13800620007", "就俺一个"], "俺闺女覃小燕也要克 给她也报上",
     2, ["覃小燕"]),
    ("v5_swap_named", ["检测平台开放日报名 我叫杭伟 13800620008 带同事柯磊"], "同事换一下 柯磊去不了 换成戚军",
     2, ["戚军"]),
    ("v5_dialect_drop", ["糖尿病饮食讲座报名 俺叫苗金凤 13800620009", "带俺妹子苗金兰 还有俺邻居卜桂英"],
     "邻居卜桂英她不克了 把她去掉", 2, ["苗金兰"]),
])
def test_party_changes_name_who_comes_and_who_does_not(wx: object, services: Container, openid: str,
                                                       turns: list[str], change: str, size: int,
                                                       companions: list[str]) -> None:
    """After signing up: the newcomer's name is kept, a swap replaces the name, a dialect drop ('不克了') removes
    the one named; each change is asked first."""
    say(wx, openid, *turns, "同意")
    asked = say(wx, openid, change)
    assert f"改为{size}人" in asked
    say(wx, openid, "确认")
    reg = registration(services, openid)
    assert (reg.party_size, sorted(reg.companions or [])) == (size, sorted(companions))


def test_dialect_going_starts_the_sign_up(wx: object) -> None:
    """'俺想克听高血压那个课' (克 for 去, 那个课 for the talk): the sign-up for that event starts."""
    reply = say(wx, "v5_dialect_go", "俺想克听高血压那个课")
    assert "【E01】" in reply and "姓名和手机号" in reply
