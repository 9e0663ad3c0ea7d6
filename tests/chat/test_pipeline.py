"""The pipeline through the real app: dedup under concurrency, per-user order, the budget, pull mode, paging."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.chat.pipeline import APOLOGY, PULL_PLACEHOLDER, Pipeline
from bot.container import Container
from bot.store.engine import Database
from bot.store.models import AccountFlag, ChatLine, Conversation, InboundMessage, Outbox, User
from bot.wechat.split import MORE_HINT, utf8_len
from handlers.kit.base import Context, ConversationState, Incoming, Reply, Router
from tests.support.env import make_settings
from tests.support.wechat_client import WeChatTestClient, wechat_client
from tests.support.wechat_fake import FakeWeChat


class Recorder:
    """A test capability: echoes text after an optional delay and records overlapping runs."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay, self.calls, self.active, self.max_active = delay, [], 0, 0
        self._lock = threading.Lock()

    def __call__(self, ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
        with self._lock:
            self.calls.append(msg.text)
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        try:
            time.sleep(self.delay)
            if msg.text == "boom":
                raise RuntimeError("secret internal detail")
            if msg.text.startswith("long:"):  # 'long:N:sentence' → the sentence N times (a long reply to a short message)
                count, _, sentence = msg.text[5:].partition(":")
                return [Reply(sentence * int(count))]
            conv.data["seen"] = [*conv.data.get("seen", []), msg.text]
            return [Reply(f"收到：{msg.text}")]
        finally:
            with self._lock:
                self.active -= 1


def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    """Poll until ``condition`` holds (an ordering point between threads, not a timing check)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.01)


def services_with(db: Database, tmp_path: Path, handler: Recorder, **settings: object) -> Container:
    """Services over ``db`` whose router has only ``handler``."""
    router = Router()
    router.add("recorder", handler)
    return Container(make_settings(tmp_path / "data", **settings), db, router=router)




def count(db: Database, model: type, *where: object) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def concurrently(fn, args_list: list[tuple]) -> list:  # type: ignore[no-untyped-def]
    """Run ``fn`` on each args tuple in its own thread, started together; results in order."""
    results: list = [None] * len(args_list)
    barrier = threading.Barrier(len(args_list))

    def run(i: int) -> None:
        barrier.wait()
        results[i] = fn(*args_list[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(args_list))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_same_msgid_three_concurrent_deliveries_run_once(any_db: Database, tmp_path: Path, fake: FakeWeChat) -> None:
    handler = Recorder(delay=0.4)
    svc = services_with(any_db, tmp_path, handler)
    with wechat_client(svc, fake=fake) as wx:
        replies = concurrently(lambda o, t: wx.send_text(o, t, msg_id=777001), [("o_dup", "你好呀")] * 3)
    assert replies == [["收到：你好呀"]] * 3
    assert handler.calls == ["你好呀"]
    assert count(any_db, InboundMessage) == 1 and count(any_db, ChatLine) == 2  # one pipeline run: one turn's lines


def test_one_msgid_from_two_users_gets_each_their_own_answer(any_db: Database, tmp_path: Path,
                                                              fake: FakeWeChat) -> None:
    handler = Recorder()
    svc = services_with(any_db, tmp_path, handler)
    with wechat_client(svc, fake=fake) as wx:
        first = wx.send_text("o_first", "我的问题", msg_id=777002)
        second = wx.send_text("o_second", "另一个人的问题", msg_id=777002)
        retry = wx.send_text("o_first", "我的问题", msg_id=777002)
    assert (first, second, retry) == (["收到：我的问题"], ["收到：另一个人的问题"], ["收到：我的问题"])
    assert handler.calls == ["我的问题", "另一个人的问题"]


def test_events_dedup_on_sender_time_event_and_key(any_db: Database, tmp_path: Path, fake: FakeWeChat) -> None:
    handler = Recorder()
    svc = services_with(any_db, tmp_path, handler)
    event = {"ToUserName": "gh", "FromUserName": "o_evt", "CreateTime": 1700000000, "MsgType": "event",
             "Event": "CLICK", "EventKey": "KC_X"}
    with wechat_client(svc, fake=fake) as wx:
        for _ in range(3):
            wx.send(event)
        wx.send({**event, "EventKey": "KC_Y"})
    assert count(any_db, InboundMessage) == 2


def test_one_user_never_runs_concurrently_and_order_is_kept(any_db: Database, tmp_path: Path, fake: FakeWeChat) -> None:
    handler = Recorder(delay=0.15)
    svc = services_with(any_db, tmp_path, handler, reply_budget_seconds=5.0)
    with wechat_client(svc, fake=fake) as wx:
        replies = concurrently(wx.send_text, [("o_same", "a"), ("o_other", "b"), ("o_same", "c")])
    assert replies == [["收到：a"], ["收到：b"], ["收到：c"]]
    with any_db.session() as session:
        conv = session.scalars(select(Conversation).where(Conversation.openid == "o_same")).one()
    assert sorted(conv.state["data"]["seen"]) == ["a", "c"] and conv.version == 2
    assert handler.max_active <= 2  # two users in parallel at most, one message per user


@pytest.mark.postgres
def test_two_workers_serialise_one_user_through_the_row_lock(pg_url: str, tmp_path: Path, fake: FakeWeChat) -> None:
    """Two pipelines (as two processes would be) on one PostgreSQL: the conversations row lock serialises."""
    from tests.support.env import truncate_all

    db = Database(pg_url)
    truncate_all(db)
    handler = Recorder(delay=0.3)
    svc = services_with(db, tmp_path, handler, reply_budget_seconds=5.0)
    workers = [Pipeline(svc), Pipeline(svc)]  # separate in-process locks

    def deliver(worker: Pipeline, text: str, msg_id: int) -> str | None:
        fields = {"ToUserName": "gh", "FromUserName": "o_pg", "CreateTime": "1700000000", "MsgType": "text",
                  "Content": text, "MsgId": str(msg_id)}
        return worker.handle(fields)

    try:
        results = concurrently(deliver, [(workers[0], "x", 501), (workers[1], "y", 502)])
    finally:
        db.dispose()
    assert sorted(results) == ["收到：x", "收到：y"]
    assert handler.max_active == 1


def test_slow_answer_gets_success_then_exactly_one_push(any_db: Database, tmp_path: Path, fake: FakeWeChat) -> None:
    handler = Recorder(delay=3.0)
    svc = services_with(any_db, tmp_path, handler, reply_budget_seconds=0.3)
    with wechat_client(svc, fake=fake) as wx:
        started = time.monotonic()
        send = lambda o, t: wx.send_text(o, t, msg_id=880001)  # noqa: E731
        replies = concurrently(send, [("o_slow", "慢问题")] * 2)  # a WeChat retry included
        elapsed = time.monotonic() - started
        wx.drain()
        assert replies == [[], []] and elapsed < 3.0  # both requests left before the answer was ready
        assert wx.pushes("o_slow") == ["收到：慢问题"]
        assert handler.calls == ["慢问题"]
        assert wx.send_text("o_slow", "慢问题", msg_id=880001) == []  # a late retry: still "success"
    assert count(any_db, Outbox, Outbox.status == "sent") == 1


def test_message_queued_behind_a_slow_one_past_the_budget_is_pushed_in_order(
        any_db: Database, tmp_path: Path, fake: FakeWeChat) -> None:
    """The second message is still waiting for the user's turn (not yet claimed) when its budget runs out."""
    handler = Recorder(delay=0.6)
    svc = services_with(any_db, tmp_path, handler, reply_budget_seconds=0.2)
    with wechat_client(svc, fake=fake) as wx:
        first = threading.Thread(target=wx.send_text, args=("o_queue", "第一个"), kwargs={"msg_id": 660001})
        first.start()
        wait_for(lambda: handler.calls == ["第一个"])  # the first holds the user's turn
        assert wx.send_text("o_queue", "第二个", msg_id=660002) == []
        first.join(10)
        wx.drain()
        assert wx.pushes("o_queue") == ["收到：第一个", "收到：第二个"]
        assert wx.send_text("o_queue", "第二个", msg_id=660002) == []  # WeChat's retry: answered already, by push
    assert handler.calls == ["第一个", "第二个"]
    with any_db.session() as session:
        assert sorted(session.scalars(select(InboundMessage.status))) == ["deferred", "deferred"]


def test_account_without_push_permission_switches_to_pull(any_db: Database, tmp_path: Path, fake: FakeWeChat) -> None:
    handler = Recorder(delay=2.0)  # slow turns well past the budget; the quick last turn well inside it, even under load
    svc = services_with(any_db, tmp_path, handler, reply_budget_seconds=1.0)
    fake.fail("custom", 48001)
    with wechat_client(svc, fake=fake) as wx:
        assert wx.send_text("o_pull", "第一个问题") == []
        wx.drain()
        assert count(any_db, AccountFlag, AccountFlag.key == "pull_only", AccountFlag.value == "1") == 1
        assert wx.send_text("o_pull", "结果")[0].endswith("收到：第一个问题")  # fetch word: held answer only
        # the account is now known to be pull-only: slow answers say how to fetch them, no push is tried
        assert wx.send_text("o_pull", "第二个问题") == [PULL_PLACEHOLDER]
        wx.drain()
        handler.delay = 0.0
        reply = wx.send_text("o_pull", "第三个问题")[0]
    assert "收到：第二个问题" in reply and reply.index("第二个问题") < reply.index("收到：第三个问题")
    assert len(fake.of("custom")) == 1


def test_long_reply_is_paged_with_more(any_db: Database, tmp_path: Path, fake: FakeWeChat) -> None:
    svc = services_with(any_db, tmp_path, Recorder())
    sentence = "这是一段关于科技成果转化政策的较长说明，用来测试分页是否按句子切分。"
    with wechat_client(svc, fake=fake) as wx:
        first = wx.send_text("o_long", f"long:120:{sentence}")[0]
        pages = [first]
        while pages[-1].endswith(MORE_HINT):
            pages.append(wx.send_text("o_long", "更多")[0])
    assert len(pages) >= 3 and all(utf8_len(p) <= 2048 for p in pages)
    body = "".join(p.removesuffix(MORE_HINT) for p in pages)
    assert body == sentence * 120
    assert all(p.removesuffix(MORE_HINT).endswith("。") for p in pages)


def test_handler_exception_gives_apology_and_logs_msgid(
    any_db: Database, tmp_path: Path, fake: FakeWeChat, caplog: pytest.LogCaptureFixture
) -> None:
    svc = services_with(any_db, tmp_path, Recorder())
    with caplog.at_level(logging.ERROR), wechat_client(svc, fake=fake) as wx:
        assert wx.send_text("o_err", "boom", msg_id=990001) == [APOLOGY]
        assert wx.send_text("o_err", "boom", msg_id=990001) == [APOLOGY]  # the retry gets the same
        assert wx.send_text("o_err", "好的") == ["收到：好的"]
    assert "990001" in caplog.text and "secret internal detail" in caplog.text
    assert "secret" not in APOLOGY
    with any_db.session() as session:
        statuses = sorted(session.scalars(select(InboundMessage.status)))
        assert statuses == ["done", "failed"]
        assert session.scalars(select(User.last_inbound_at).where(User.openid == "o_err")).one() is not None


def test_webhook_failure_never_leaks(services: Container, fake: FakeWeChat, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("db exploded")

    with wechat_client(services, fake=fake) as wx:
        monkeypatch.setattr(wx.http.app.state.pipeline.claims, "claim", broken)
        monkeypatch.setattr(wx.http.app.state.pipeline.claims, "record", broken)  # a lean turn's one write
        assert wx.send_text("o_x", "帮助") == [APOLOGY]


def test_client_modes_roundtrip(services: Container, fake: FakeWeChat) -> None:
    for mode in ("plain", "compat", "aes"):
        with wechat_client(services, mode=mode, fake=fake) as wx:
            assert isinstance(wx, WeChatTestClient)
            assert "问政策" in wx.send_text(f"o_{mode}", "帮助")[0]
