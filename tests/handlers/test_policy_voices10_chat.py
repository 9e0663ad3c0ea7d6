"""Failure classes of a fresh writer's questions over four new documents (bench/data/qa_voices10.jsonl), asked here in
other words through the real webhook: 几时 (when) with a second question in the same message, a list introduced by
the question's own verb (需提交：) without naming the listed noun, a precondition stated with 方可 for a "can I
directly…" question, and a sound-alike window that would cut a word of the question (第一场是 is no 宜昌市)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.container import Container
from knowledge.kb import KnowledgeBase
from tests.support.env import kb_container
from tests.support.wechat_client import wechat_client

LADDER = """# 襄阳市示例企业星级评定奖励办法（测试）

> 本文为测试用的虚构材料。

## 一、适用对象

在襄阳市注册的企业，近两年无失信记录的，可以按本办法申请奖励。外地企业的分支机构不适用本办法。

## 二、评定层级

本市按照“一星—二星—三星”三个层级评定。企业应当逐级申请，已评为一星的企业方可申请二星。

## 三、奖励标准

评为二星的，一次性奖励8万元；评为三星的，一次性奖励25万元。

## 四、申请方式

每年9月1日至9月20日受理。企业登录“襄阳企服通（示例）”平台在线填报，需提交：

1. 星级申请表；
2. 纳税证明；
3. 上年度财务报表。

## 五、问答

**问：什么时候申请，在哪里申请？**
答：每年9月1日至9月20日，通过“襄阳企服通（示例）”平台在线申请，不收纸质件。

**问：星级管几年？**
答：星级有效期为3年，期满后需要重新申请，不自动延续。

## 六、咨询

市经信局企业科（示例），电话0710-3000031。
"""


OTHER_CITY = """# 宜昌市示例对接会安排（测试）

> 本文为测试用的虚构材料，仅适用于宜昌市。

## 一、安排

宜昌市每季度举办一次企业对接会，地点在宜昌市会展中心。
"""


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    services = kb_container(tmp_path_factory.mktemp("voices10"), {"v10t_ladder.md": LADDER, "v10t_yichang.md": OTHER_CITY})
    yield services
    services.close()


def test_jishi_asks_when_and_the_second_question_is_answered_too(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("qa15-c1", "星级评定几时申请 要不要交纸质件")
    assert "9月1日至9月20日" in reply and "不收纸质件" in reply


def test_a_list_introduced_by_the_questions_verb_is_the_list_asked(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("qa15-c2", "会计让我问下星级奖励申请要提交么子材料")
    assert "纳税证明" in reply and "财务报表" in reply and not reply.startswith(("资料里没有写明", "抱歉"))


def test_a_precondition_with_fangke_answers_can_i_directly(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("qa15-c3", "我们还没评上一星 能不能直接申请二星")
    assert "方可申请二星" in reply


def test_a_sound_alike_window_never_cuts_a_word(svc: Container) -> None:
    kb: KnowledgeBase = svc.kb
    corrected = kb.index().corrector.correct("对接会第一场是几号")
    assert "宜昌" not in corrected and "第一场" in corrected


def test_comparing_with_a_city_without_documents_says_so(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("qa15-c5", "随州的星级评定条件和襄阳一样么")
    assert "随州" in reply and "星级申请表" not in reply and "可以按本办法申请奖励" not in reply
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("qa15-c6", "我们厂在随州 能申请襄阳的星级评定奖励不")
    assert "没有随州的政策资料" not in reply  # naming where the asker is, without comparing, still asks about 襄阳
