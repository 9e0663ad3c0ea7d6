"""The seventh writer's classes (issue 11), end to end through the signed webhook: a broken promise or a change
without notice ('放鸽子', '不提前通知') and a formal complaint about slowness are complaints; 'it helped a lot' is
praise; '自我介绍一下' asks who the assistant is; another city's policy asked formally and a question about one's
medicine are outside the assistant's scope; correcting a submitted record is about one's records, not a new demand.

The phrasings are not corpus utterances nor lines of our dev sets. The embedder cannot encode here, so the cheap
model decides, as it does whenever the sentence vectors are not ready.
"""

from __future__ import annotations

import pytest

from bot.container import Container
from handlers.understand import OUT_OF_SCOPE
from tests.chat.test_understanding_webhook import GuardedKnowledge, one, silent_kb
from tests.chat.test_understanding_webhook import svc as shared_svc
from tests.support.wechat_client import wechat_client

kb = pytest.fixture(name="kb")(silent_kb)
svc = shared_svc  # the service container of one test, asking ``kb``


@pytest.mark.parametrize("text", ["约好的老师到了日子没露面 又放了我们鸽子", "讲座说改期就改期 也不提前通知一下",
                                  "我单位提交的材料审核周期过长，严重影响申报，特此反映"])
def test_broken_promises_and_slowness_are_complaints(svc: Container, kb: GuardedKnowledge, text: str) -> None:
    """A no-show, a change without notice, a formal complaint about a slow review: an apology and the hand-off."""
    with wechat_client(svc) as wx:
        reply = one(wx.send_text("o_moan", text))
    assert "抱歉" in reply and "转人工" in reply and not reply.startswith("您是想"), reply
    assert kb.asked == []


def test_it_helped_is_praise_and_self_introduction_is_identity(svc: Container, kb: GuardedKnowledge) -> None:
    """'对我帮助很大' thanks the assistant; '先来个自我介绍' asks who it is."""
    with wechat_client(svc) as wx:
        praise = one(wx.send_text("o_kind", "你讲的这些对我帮助很大"))
        who = one(wx.send_text("o_kind", "先来个自我介绍吧"))
    assert "谢谢夸奖" in praise, praise
    assert "不是真人" in who, who
    assert kb.asked == []


@pytest.mark.parametrize("text", ["您好，请问苏州市对留学回国人员的落户有何规定？", "我吃了降糖药老是心慌 要不要减量"])
def test_another_citys_policy_and_ones_medicine_are_out_of_scope(svc: Container, kb: GuardedKnowledge,
                                                                 text: str) -> None:
    """Not Xiangyang's documents, not the assistant's task: said kindly, the knowledge base not searched."""
    with wechat_client(svc) as wx:
        reply = one(wx.send_text("o_far", text))
    assert reply == OUT_OF_SCOPE, reply
    assert kb.asked == []


def test_correcting_a_submitted_record_is_about_ones_records(svc: Container, kb: GuardedKnowledge) -> None:
    """'需求里…写错了 能改不' concerns a record already submitted: no new demand form is started."""
    with wechat_client(svc) as wx:
        reply = one(wx.send_text("o_fix", "我们需求里的联系人名字写错了 能改不"))
    assert "还没有登记过需求" in reply and not reply.startswith("您是想"), reply
    assert kb.asked == []
