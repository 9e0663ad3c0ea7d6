"""Word classes the intent model reads (issue 11), end to end through the signed webhook: a researcher asking
whether anyone took up their result gets the matches, not their record's status; an app failure said in
everyday words is a complaint (apology and hand-off), not a question back.

The phrasings are not corpus utterances nor lines of our dev sets. The embedder may not be used (the cheap model
decides, as it does for every message it is sure about).
"""

from __future__ import annotations

import pytest

from bot.container import Container
from tests.chat.test_understanding_webhook import GuardedKnowledge, one, silent_kb
from tests.chat.test_understanding_webhook import svc as shared_svc
from tests.support.wechat_client import wechat_client

kb = pytest.fixture(name="kb")(silent_kb)
svc = shared_svc  # the service container of one test, asking ``kb``


def test_asking_whether_a_factory_took_up_my_result_shows_the_matches(svc: Container, kb: GuardedKnowledge) -> None:
    """'有厂家看中没有' is about matches (someone took it up), not the record's review status."""
    with wechat_client(svc) as wx:
        reply = one(wx.send_text("o_took", "我登记的那个成果有厂家看中没有"))
    assert "匹配记录" in reply, reply
    assert "还没有登记过需求" not in reply
    assert kb.asked == []


def test_an_app_failure_in_everyday_words_is_a_complaint_with_the_hand_off(svc: Container,
                                                                           kb: GuardedKnowledge) -> None:
    """'闪退', '用不了' judge the service: an apology and the hand-off offer, not '您是想…'."""
    with wechat_client(svc) as wx:
        reply = one(wx.send_text("o_crash", "页面老是闪退 用不了"))
    assert "抱歉" in reply and "转人工" in reply, reply
    assert not reply.startswith("您是想")
    assert kb.asked == []
