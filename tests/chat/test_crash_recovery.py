"""A worker that dies mid-answer: WeChat's retry, or the recovery job, takes the delivery over and answers it."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

from bot.chat.claims import Claims
from bot.chat.incoming import dedup_key
from bot.chat.pipeline import Pipeline
from bot.container import Container
from bot.store.engine import Database
from bot.store.models import Conversation, InboundMessage, Outbox
from tests.chat.test_pipeline import Recorder, services_with
from tests.support.wechat_client import wechat_client
from tests.support.wechat_fake import FakeWeChat


def _orphan(svc: Container, fields: dict[str, object], *, expired: bool) -> int:
    """Claim a delivery as a worker that then died (its lease expired or not)."""
    dead = Claims(svc.db, owner="dead-host:1:x", lease=timedelta(seconds=8))
    row_id = dead.claim(appid=svc.appid, key=dedup_key({k: str(v) for k, v in fields.items()}), openid=str(fields["FromUserName"]),
                        kind="text", fields=fields, now=svc.now() - timedelta(seconds=60 if expired else 0))
    assert row_id is not None
    return row_id


def _message(msg_id: int, text: str) -> dict[str, object]:
    return {"ToUserName": "gh_x", "FromUserName": "o_crash", "CreateTime": 1_800_000_000, "MsgType": "text",
            "Content": text, "MsgId": msg_id}


def test_wechat_retry_takes_over_from_a_dead_worker(any_db: Database, tmp_path: Path, fake: FakeWeChat) -> None:
    handler = Recorder()
    svc = services_with(any_db, tmp_path, handler)
    fields = _message(880001, "问个问题")
    with wechat_client(svc, fake=fake) as wx:
        wx.drain()  # start-up recovery has run (nothing to do yet)
        _orphan(svc, fields, expired=True)  # another worker claimed the message and died
        assert wx.send(fields) == ["收到：问个问题"]  # the retry answers instead of an empty success
        assert wx.send(fields) == ["收到：问个问题"]  # and later retries get the stored reply
    assert handler.calls == ["问个问题"]
    with any_db.session() as s:
        row = s.scalars(select(InboundMessage)).one()
        assert (row.status, row.fields, row.lease_until) == ("done", None, None)  # the message text is not kept


def test_a_live_lease_is_respected(any_db: Database, tmp_path: Path, fake: FakeWeChat) -> None:
    handler = Recorder()
    svc = services_with(any_db, tmp_path, handler, reply_budget_seconds=0.5)
    fields = _message(880002, "还在算")
    _orphan(svc, fields, expired=False)
    with wechat_client(svc, fake=fake) as wx:  # start-up recovery leaves a live lease alone too
        assert wx.send(fields) == []  # its owner is still renewing: no second answer
    assert handler.calls == []


def test_startup_answers_what_the_previous_run_left(any_db: Database, tmp_path: Path, fake: FakeWeChat) -> None:
    handler = Recorder()
    svc = services_with(any_db, tmp_path, handler, wechat_api_base=fake.base_url)
    _orphan(svc, _message(880006, "上次没答完"), expired=True)
    with wechat_client(svc, fake=fake) as wx:
        wx.drain()
        deadline = time.monotonic() + 10
        while not fake.texts("o_crash") and time.monotonic() < deadline:
            time.sleep(0.05)
    assert fake.texts("o_crash") == ["收到：上次没答完"] and handler.calls == ["上次没答完"]


def test_recovery_answers_orphans_no_retry_came_for(any_db: Database, tmp_path: Path, fake: FakeWeChat) -> None:
    handler = Recorder()
    svc = services_with(any_db, tmp_path, handler, wechat_api_base=fake.base_url)
    _orphan(svc, _message(880003, "没人重试"), expired=True)
    _orphan(svc, _message(880004, "刚刚收到"), expired=False)
    pipeline = Pipeline(svc)
    assert pipeline.recover() == 1 and pipeline.recover() == 0
    assert handler.calls == ["没人重试"]
    assert fake.texts("o_crash") == ["收到：没人重试"]  # pushed once (customer-service message)
    with any_db.session() as s:
        answer = s.scalars(select(Outbox).where(Outbox.kind == "answer")).one()
        assert answer.status == "sent"


def test_a_worker_that_lost_its_lease_does_not_answer(any_db: Database, tmp_path: Path, fake: FakeWeChat) -> None:
    """The stalled worker's half-done turn is rolled back: the state changes only once."""
    handler = Recorder()
    svc = services_with(any_db, tmp_path, handler, wechat_api_base=fake.base_url)
    row_id = _orphan(svc, _message(880005, "只算一次"), expired=True)
    assert Pipeline(svc).recover() == 1
    with any_db.session() as s:  # the old owner wakes up and tries to finish: it no longer owns the row
        s.execute(update(InboundMessage).where(InboundMessage.id == row_id).values(finished_at=None))
        stalled = Claims(svc.db, owner="dead-host:1:x", lease=timedelta(seconds=8))
        assert not stalled.owns(s, row_id) and not stalled.finish(s, row_id, status="done")
        conv = s.scalars(select(Conversation).where(Conversation.openid == "o_crash")).one()
        assert conv.state["data"]["seen"] == ["只算一次"]
