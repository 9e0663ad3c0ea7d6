"""The sixth writer's classes (issue 11), end to end through the signed webhook: a record id glued to the words
('E31帮我撤下来') still names the event, so taking back a sign-up is a cancel, not a goodbye; net slang ('tql') and
English task words are read as the Chinese they stand for; a complaint about one function ('填个表这么费劲') is a
complaint, not a sign-up; 'did it go through' in the A-not-A form ('报没报上') lists the sign-ups.

The phrasings are not corpus utterances nor lines of our dev sets. The embedder may not be used (the cheap model
decides, as it does for every message it is sure about).
"""

from __future__ import annotations

import pytest

from bot.container import Container
from bot.store.models import Event
from tests.chat.test_understanding_webhook import GuardedKnowledge, add_event, one, silent_kb
from tests.chat.test_understanding_webhook import svc as shared_svc
from tests.support.wechat_client import WeChatTestClient as Simulator
from tests.support.wechat_client import wechat_client

kb = pytest.fixture(name="kb")(silent_kb)
svc = shared_svc  # the service container of one test, asking ``kb``


def signed_up(wx: Simulator, svc: Container, openid: str) -> None:
    """Sign ``openid`` up for E31."""
    add_event(svc)
    wx.send_text(openid, "报名 E31")
    wx.send_text(openid, "周桂兰 13800002468")
    assert "报名成功" in one(wx.send_text(openid, "同意"))


@pytest.mark.parametrize("text", ["E31帮我撤下来", "E31不克了"])
def test_an_event_id_glued_to_the_words_takes_back_that_sign_up(svc: Container, kb: GuardedKnowledge,
                                                                text: str) -> None:
    """'E31帮我撤下来', dialect 'E31不克了': the id names an event though no space stands beside it, and the verb
    takes a sign-up back: a cancel, not '再见' nor '您是想…'."""
    with wechat_client(svc) as wx:
        signed_up(wx, svc, "o_undo")
        reply = one(wx.send_text("o_undo", text))
        assert "取消" in reply and "再见" not in reply and not reply.startswith("您是想"), reply
    assert kb.asked == [] and kb.touched == []


def test_net_slang_and_english_task_words_are_read_as_chinese(svc: Container, kb: GuardedKnowledge) -> None:
    """'tql' (太强了) is praise, thanked at once, not '您是想…'; 'I want to cancel E31' cancels that sign-up."""
    with wechat_client(svc) as wx:
        praise = one(wx.send_text("o_slang", "tql"))
        assert "谢谢夸奖" in praise and not praise.startswith("您是想"), praise
        signed_up(wx, svc, "o_slang")
        reply = one(wx.send_text("o_slang", "I want to cancel E31"))
        assert "取消" in reply and not reply.startswith("您是想"), reply
    assert kb.asked == [] and kb.touched == []


def test_a_complaint_about_one_function_is_a_complaint(svc: Container, kb: GuardedKnowledge) -> None:
    """'填个表这么费劲' judges the service: an apology and the hand-off offer."""
    with wechat_client(svc) as wx:
        reply = one(wx.send_text("o_hard", "填个表这么费劲"))
    assert "抱歉" in reply and "转人工" in reply, reply
    assert kb.asked == [] and kb.touched == []



def test_who_gives_the_talk_is_answered_from_the_event_in_context(svc: Container, kb: GuardedKnowledge) -> None:
    """'讲课的是哪位老师' after a sign-up names the speaker of that event, not '您指的是哪一个呢'."""
    with wechat_client(svc) as wx:
        signed_up(wx, svc, "o_who")
        with svc.db.session() as s:
            event = s.get(Event, "E31")
            assert event is not None
            event.speaker = "市中心医院康复科 何主任"
        reply = one(wx.send_text("o_who", "讲课的是哪位老师"))
    assert "何主任" in reply and "E31" in reply, reply
    assert kb.asked == []
