"""Bot mode during a hand-off, through the real webhook: the bot steps back, still answers other things,
delivers a held liaison reply with the user's next message, and records the one-tap rating."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.container import Container
from bot.data.seed import seed_kb_if_empty
from bot.domain import handoff
from bot.domain.scope import EVERYWHERE
from bot.store.models import HandoffRequest, Outbox, UnansweredQuestion
from bot.texts.handoff import FOLLOWUP_TEXT, WAITING_TEXT
from bot.wechat.push import Pusher
from jobs.registry import run_job
from tests.support.env import call, make_settings
from tests.support.wechat_client import wechat_client


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    # a generous reply budget: these tests read passive replies, also on a loaded machine
    services = Container.create(make_settings(Path(tmp_path_factory.mktemp("handoff")), embedding_model="none",
                                              reply_budget_seconds=30))
    seed_kb_if_empty(services.kb)
    yield services
    services.close()


def _request(svc: Container, openid: str) -> HandoffRequest:
    with svc.db.session() as s:
        return s.scalars(select(HandoffRequest).where(HandoffRequest.openid == openid)).one()


def test_while_a_person_handles_it_the_bot_steps_back_but_answers_other_things(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (decline,) = wx.send_text("h1", "比特币现在还能买吗")
        assert "转人工" in decline
        assert "联络员" in wx.send_text("h1", "转人工")[0]
        assert wx.send_text("h1", "我想当面问问，能打电话吗") == [WAITING_TEXT]
        assert wx.send_text("h1", "转人工") == [WAITING_TEXT]  # no second request
        assert wx.send_text("h1", "还是想电话沟通") == [FOLLOWUP_TEXT]  # shorter once the liaison has the gist
        (answer,) = wx.send_text("h1", "加计扣出最晚啥时候报")  # another question the bot can answer
        assert "5月31日" in answer
        assert "报名" in wx.send_text("h1", "我的报名")[0]  # another capability's command
    request = _request(svc, "h1")
    assert request.status == "open"
    assert [f["text"] for f in request.followups] == ["我想当面问问，能打电话吗", "还是想电话沟通"]
    assert [line["text"] for line in request.snapshot][:2] == ["比特币现在还能买吗", decline]  # the chat before
    with svc.db.session() as s:
        asked = list(s.scalars(select(UnansweredQuestion.question).where(UnansweredQuestion.openid == "h1")))
    assert asked == ["比特币现在还能买吗"]  # the declined question is on the 未答问题 list


def test_a_reply_inside_the_window_reaches_wechat_and_a_held_one_comes_with_the_next_message(svc: Container) -> None:
    with wechat_client(svc) as wx:
        wx.send_text("h2", "转人工")
        opened = _request(svc, "h2").id
        plan = call(svc.db, handoff.reply, appid=svc.appid, request_id=opened, staff="liu", text="您好，我是联络员小刘",
                    scope=EVERYWHERE, now=svc.now())
        assert not plan.held
        assert Pusher(svc).deliver_text(appid=plan.appid, openid=plan.openid, text=plan.text, key=plan.key,
                                        kind=handoff.REPLY_KIND) == "sent"
        assert call(svc.db, handoff.settle_reply, reply_id=plan.reply_id).outcome == "sent"
        assert any("您好，我是联络员小刘" in p for p in wx.pushes("h2"))
        late = call(svc.db, handoff.reply, appid=svc.appid, request_id=opened, staff="liu", text="材料请明天带来",
                    scope=EVERYWHERE, now=svc.now() + timedelta(hours=49))
        assert late.held
        (reply,) = wx.send_text("h2", "好的")
        assert "材料请明天带来" in reply and "联络员的回复会直接发到这里" in reply
        call(svc.db, handoff.close, appid=svc.appid, request_id=opened, staff="liu", scope=EVERYWHERE, now=svc.now())
        assert "感谢" in wx.send_text("h2", "满意")[0]
    assert _request(svc, "h2").rating == 3


def test_the_user_can_end_the_hand_off(svc: Container) -> None:
    with wechat_client(svc) as wx:
        wx.send_text("h3", "转人工")
        assert "已结束" in wx.send_text("h3", "结束人工")[0]
        assert wx.send_text("h3", "我想当面问问，能打电话吗") != [WAITING_TEXT]  # not kept on the ended request
    with svc.db.session() as s:
        first = s.scalars(select(HandoffRequest).where(HandoffRequest.openid == "h3").order_by(HandoffRequest.id)).first()
    assert first is not None and first.status == "closed"


def test_never_mind_while_waiting_withdraws_the_request(svc: Container) -> None:
    """'算了 不用了' or '没事了 自己解决了' while waiting for a person ends the request (it was kept as a message
    for the liaison with '已转给联络员，请稍候'); a question is still kept for the liaison."""
    with wechat_client(svc) as wx:
        wx.send_text("h5", "我要找人工")
        assert wx.send_text("h5", "人呢 怎么还没人回") == [WAITING_TEXT]
        assert "已结束人工服务" in wx.send_text("h5", "算了 不用了")[0]
        wx.send_text("h6", "转人工")
        assert "已结束人工服务" in wx.send_text("h6", "没事了 自己解决了")[0]
    assert (_request(svc, "h5").status, _request(svc, "h6").status) == ("closed", "closed")
    assert [f["text"] for f in _request(svc, "h5").followups] == ["人呢 怎么还没人回"]


def test_the_hand_off_names_the_last_question_not_the_last_thanks(svc: Container) -> None:
    """'您刚才问的是：谢谢' named a thank-you as the user's question; it names the last question instead."""
    with wechat_client(svc) as wx:
        wx.send_text("h8", "比特币现在还能买吗")
        wx.send_text("h8", "谢谢")
        (reply,) = wx.send_text("h8", "我要找人工")
        assert "您刚才问的是：比特币现在还能买吗" in reply


def test_thanks_while_waiting_is_answered_and_not_passed_to_the_liaison(svc: Container) -> None:
    with wechat_client(svc) as wx:
        wx.send_text("h7", "转人工")
        (polite,) = wx.send_text("h7", "谢了")
        assert "不客气" in polite and polite != WAITING_TEXT
    assert _request(svc, "h7").followups == [] and _request(svc, "h7").status == "open"


def test_staff_openids_are_told_of_new_requests_by_the_job(svc: Container) -> None:
    svc.settings.handoff_staff_openids = ["o_staff"]
    with wechat_client(svc) as wx:
        wx.send_text("h4", "转人工")
    assert run_job("handoff_alerts", svc) >= 1
    assert run_job("handoff_alerts", svc) == 0
    with svc.db.session() as s:
        alerts = [o.payload["text"] for o in s.scalars(select(Outbox).where(Outbox.openid == "o_staff"))]
    assert any(f"#{_request(svc, 'h4').id}" in text for text in alerts)
