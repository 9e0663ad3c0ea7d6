"""The lean message path: a turn that needs no engine is answered in the request, in one transaction.

Through the real webhook with a lean router (its handlers block on nothing but the knowledge base and the
matcher): a chat turn is not held up by busy workers, one user's messages keep their order, a turn that reaches
for the knowledge base is answered by a worker with nothing of the lean attempt kept, and retries and failures
are recorded as on the queued path.
"""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import select

from bot.container import Container
from bot.domain import audit
from bot.store.engine import Database
from bot.store.models import AuditLog, ChatLine, Conversation, InboundMessage, WechatNonce
from handlers.kit.base import Context, ConversationState, Incoming, Reply, Router
from tests.chat.test_pipeline import count, wait_for
from tests.support.env import make_settings
from tests.support.wechat_client import wechat_client
from tests.support.wechat_fake import FakeWeChat

LOOKED = "test.looked_before_retrieval"


class Capability:
    """A test capability: '问…' reaches for the knowledge base (writing an audit row first when ``write_first``)
    and waits for ``release``; 'boom' fails; anything else is answered from the conversation alone. Each answer
    counts the user's turns."""

    def __init__(self, *, write_first: bool = False) -> None:
        self.write_first = write_first
        self.calls: list[str] = []
        self.asking, self.release = threading.Event(), threading.Event()
        self._lock = threading.Lock()

    def __call__(self, ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
        if msg.text.startswith("问"):
            if self.write_first:
                audit.record(ctx.session, appid=ctx.appid, actor=msg.openid, action=LOOKED, entity="test",
                             entity_id="1", now=ctx.now)
            assert ctx.knowledge is None  # retrieval: a worker's job (this deployment has no knowledge base)
            self.asking.set()
            assert self.release.wait(10)
        if msg.text == "boom":
            conv.data["n"] = 99
            raise RuntimeError("handler failed")
        with self._lock:
            self.calls.append(msg.text)
        conv.data["n"] = conv.data.get("n", 0) + 1
        return [Reply(f"收到：{msg.text}（第{conv.data['n']}条）")]


def lean_services(tmp_path: Path, handler: Capability, **settings: object) -> Container:
    """Services on a fresh SQLite database whose lean router has only ``handler``; no knowledge base."""
    db = Database(f"sqlite:///{tmp_path / 'kc.sqlite3'}")
    db.migrate()
    router = Router(lean=True)
    router.add("capability", handler)
    return Container(make_settings(tmp_path / "data", **settings), db, router=router, knowledge=None)


def in_thread(fn, *args: object) -> tuple[threading.Thread, list]:  # type: ignore[no-untyped-def]
    """Start ``fn(*args)`` in a thread; (the thread, a list that receives its result)."""
    out: list = []
    thread = threading.Thread(target=lambda: out.append(fn(*args)))
    thread.start()
    return thread, out


def test_a_chat_turn_is_answered_while_every_worker_is_busy_with_a_question(tmp_path: Path, fake: FakeWeChat) -> None:
    handler = Capability()
    svc = lean_services(tmp_path, handler, worker_threads=1, reply_budget_seconds=2.0)
    with wechat_client(svc, fake=fake) as wx:
        asking, asked = in_thread(wx.send_text, "o_a", "问政策")
        assert handler.asking.wait(10)  # the only worker thread is busy with the question
        assert wx.send_text("o_b", "你好") == ["收到：你好（第1条）"]
        handler.release.set()
        asking.join(10)
    assert asked == [["收到：问政策（第1条）"]]
    svc.close()


def test_a_users_chat_turn_waits_behind_the_users_own_question(tmp_path: Path, fake: FakeWeChat) -> None:
    handler = Capability()
    svc = lean_services(tmp_path, handler, reply_budget_seconds=5.0)
    with wechat_client(svc, fake=fake) as wx:
        first, asked = in_thread(wx.send_text, "o_a", "问政策")
        assert handler.asking.wait(10)
        second, greeted = in_thread(wx.send_text, "o_a", "你好")
        wait_for(lambda: wx.http.app.state.pipeline.pool.pending == 2)  # queued behind the question
        assert handler.calls == []
        handler.release.set()
        first.join(10)
        second.join(10)
    assert handler.calls == ["问政策", "你好"]
    assert (asked, greeted) == ([["收到：问政策（第1条）"]], [["收到：你好（第2条）"]])
    svc.close()


def test_a_turn_reaching_for_the_knowledge_base_is_answered_by_a_worker_and_the_lean_attempt_leaves_nothing(
        tmp_path: Path, fake: FakeWeChat) -> None:
    handler = Capability(write_first=True)
    handler.release.set()
    svc = lean_services(tmp_path, handler)
    with wechat_client(svc, fake=fake) as wx:
        assert wx.send_text("o_a", "问政策") == ["收到：问政策（第1条）"]
        assert wx.send_text("o_a", "你好") == ["收到：你好（第2条）"]
    db = svc.db
    assert count(db, AuditLog, AuditLog.action == LOOKED) == 1  # the worker's write; the lean attempt's was dropped
    assert count(db, WechatNonce) == 2
    with db.session() as session:
        rows = session.scalars(select(InboundMessage).order_by(InboundMessage.id)).all()
        assert [(r.status, r.replies, r.fields, r.lease_until) for r in rows] == [
            ("done", ["收到：问政策（第1条）"], None, None), ("done", ["收到：你好（第2条）"], None, None)]
        conv = session.scalars(select(Conversation)).one()
        assert (conv.state["data"]["n"], conv.version) == (2, 2)
    svc.close()


def test_a_retried_chat_turn_gets_the_stored_answer_and_changes_nothing(tmp_path: Path, fake: FakeWeChat) -> None:
    handler = Capability()
    svc = lean_services(tmp_path, handler)
    with wechat_client(svc, fake=fake) as wx:
        fields = wx.message("o_a", "text", msg_id=770001, Content="你好")
        assert wx.send(fields) == ["收到：你好（第1条）"]
        assert wx.send(fields) == ["收到：你好（第1条）"]
    assert count(svc.db, InboundMessage) == 1
    with svc.db.session() as session:
        conv = session.scalars(select(Conversation)).one()
        assert (conv.state["data"]["n"], conv.version) == (1, 1)  # the retry changed nothing
    svc.close()


def test_a_failing_chat_turn_gets_the_apology_and_keeps_the_state(tmp_path: Path, fake: FakeWeChat) -> None:
    from bot.chat.pipeline import APOLOGY

    handler = Capability()
    svc = lean_services(tmp_path, handler)
    with wechat_client(svc, fake=fake) as wx:
        assert wx.send_text("o_a", "你好") == ["收到：你好（第1条）"]
        assert wx.send_text("o_a", "boom") == [APOLOGY]
        assert wx.send_text("o_a", "在吗") == ["收到：在吗（第2条）"]  # the failed turn's state was not kept
    with svc.db.session() as session:
        statuses = session.scalars(select(InboundMessage.status).order_by(InboundMessage.id)).all()
    assert statuses == ["done", "failed", "done"]
    assert count(svc.db, ChatLine) == 6  # the transcript has all three turns, the failed one included
    svc.close()


def test_a_message_is_recorded_by_its_inbound_row_and_transcript_without_an_audit_row(tmp_path: Path,
                                                                                      fake: FakeWeChat) -> None:
    handler = Capability()
    svc = lean_services(tmp_path, handler)
    handler.release.set()
    with wechat_client(svc, fake=fake) as wx:
        assert wx.send_text("o_a", "你好") == ["收到：你好（第1条）"]  # answered in the request
        assert wx.send_text("o_a", "问政策") == ["收到：问政策（第2条）"]  # answered by a worker
    with svc.db.session() as session:
        rows = session.scalars(select(InboundMessage).order_by(InboundMessage.id)).all()
        lines = session.scalars(select(ChatLine).order_by(ChatLine.id)).all()
    assert [(r.openid, r.msg_type, r.status, r.replies) for r in rows] == [
        ("o_a", "text", "done", ["收到：你好（第1条）"]), ("o_a", "text", "done", ["收到：问政策（第2条）"])]
    assert all(r.received_at and r.finished_at for r in rows)
    assert [(line.direction, line.text) for line in lines] == [
        ("in", "你好"), ("out", "收到：你好（第1条）"), ("in", "问政策"), ("out", "收到：问政策（第2条）")]
    assert count(svc.db, AuditLog) == 0  # the inbound row is the message's record: no audit row repeats it
    svc.close()
