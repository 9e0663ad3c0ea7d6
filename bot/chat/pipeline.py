"""The inbound pipeline: dedupe → per-user lock → load conversation → dispatch → page → persist → reply.

``Pipeline.handle`` is called by the webhook with an authenticated message and returns the passive
reply text (None means WeChat's ``success``: no message). The handler runs in a worker thread; the
request waits for it until the reply budget is spent. In time, the conversation state, the reply and an
audit row are committed before the reply is returned. Over budget, the request answers ``success`` (or,
on pull-only accounts, a short placeholder) and the worker pushes the finished answer exactly once.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.chat.context import make_context
from bot.chat.incoming import dedup_key, to_incoming
from bot.chat.ordering import KeyedLock, lock_conversation
from bot.domain import audit, users
from bot.store.models import Conversation, InboundMessage
from bot.store.sql import insert_ignore
from bot.wechat import inbox
from bot.wechat.push import Pusher
from bot.wechat.split import take_pages
from handlers.kit.base import ConversationState, Incoming, Reply

log = logging.getLogger(__name__)

APOLOGY = "抱歉，系统刚才出了点问题，没能处理您的消息。请稍后再试一次，或回复“帮助”查看可以做什么。"
PULL_PLACEHOLDER = "您的问题需要多一点时间处理，请稍后发送任意消息（例如“结果”）获取答复。"
FETCH_WORDS = {"更多", "继续", "结果", "获取", "查看结果"}
POLL_SECONDS = 0.05
COMMIT_GRACE_SECONDS = 10.0


@dataclass
class Job:
    """One claimed message being answered; the request and the worker agree who delivers the answer."""

    msg: Incoming
    inbound_id: int
    state: str = "waiting"  # waiting → passive (request returns it) | deferred (worker pushes it)
    reply: str | None = None
    done: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _move(self, to: str) -> bool:
        """Leave ``waiting`` for ``to``; False when the other side moved first."""
        with self._lock:
            if self.state != "waiting":
                return False
            self.state = to
            return True

    def claim_passive(self) -> bool:
        """Worker: the request still waits, so the answer goes back passively."""
        return self._move("passive")

    def abandon(self) -> bool:
        """Request: the budget is spent, the worker must push the answer."""
        return self._move("deferred")


def reply_text(replies: list[Reply]) -> str:
    """Join handler replies into one message (a link goes on its own line)."""
    return "\n\n".join(r.text + (f"\n{r.url}" if r.url else "") for r in replies if r.text or r.url)


class Pipeline:
    """Answers inbound messages for one process; safe to share between request threads."""

    def __init__(self, services: Any) -> None:
        self.services = services
        self.locks = KeyedLock()
        self.outbox = Pusher(services)
        self._workers: set[threading.Thread] = set()
        self._workers_lock = threading.Lock()

    @property
    def budget(self) -> float:
        """Seconds a request may wait for its answer."""
        return float(self.services.settings.reply_budget_seconds)

    def handle(self, fields: dict[str, Any], started: float | None = None) -> str | None:
        """Answer one authenticated message; the passive reply text or None (``success``)."""
        deadline = (started or time.monotonic()) + self.budget
        msg = to_incoming(fields, appid=self.services.appid, received=self.services.now())
        key = dedup_key(fields)
        inbound_id = self._claim(msg, key)
        if inbound_id is None:
            return self._await_first(msg.appid, key, deadline)
        job = Job(msg, inbound_id)
        ticket = self.locks.ticket(f"{msg.appid}:{msg.openid}")
        self._spawn(lambda: self._work(job, ticket), name=f"kc-msg-{inbound_id}")
        return self._await_job(job, deadline)

    def _claim(self, msg: Incoming, key: str) -> int | None:
        """Claim the dedup key in the database; the new row id, or None for a redelivery."""
        with self.services.db.session() as session:
            claimed = insert_ignore(
                session, InboundMessage, appid=msg.appid, dedup_key=key, openid=msg.openid,
                msg_type=(msg.event or msg.kind)[:32], status="processing", replies=[], received_at=self.services.now())
            if not claimed:
                return None
            query = select(InboundMessage.id).where(InboundMessage.appid == msg.appid, InboundMessage.dedup_key == key)
            return session.scalar(query)

    def _await_first(self, appid: str, key: str, deadline: float) -> str | None:
        """A redelivery: wait for the first attempt's stored reply (never run the handler again)."""
        query = select(InboundMessage.status, InboundMessage.replies).where(
            InboundMessage.appid == appid, InboundMessage.dedup_key == key)
        while True:
            with self.services.db.session() as session:
                status, replies = session.execute(query).one()
            if status != "processing":
                return replies[0] if replies else None
            if time.monotonic() >= deadline:
                return None
            time.sleep(POLL_SECONDS)

    def _await_job(self, job: Job, deadline: float) -> str | None:
        """Wait for the worker until the deadline; then hand the answer over to the push path."""
        if job.done.wait(max(0.0, deadline - time.monotonic())):
            return job.reply
        if not job.abandon():
            job.done.wait(COMMIT_GRACE_SECONDS)  # the worker is committing a passive answer
            return job.reply
        placeholder = PULL_PLACEHOLDER if self.outbox.pull_only(job.msg.appid) else None
        with self.services.db.session() as session:
            session.execute(update(InboundMessage).where(InboundMessage.id == job.inbound_id)
                            .values(status="deferred", replies=[placeholder] if placeholder else []))
        return placeholder

    def _spawn(self, target: Any, name: str) -> None:
        """Run ``target`` in a tracked daemon thread."""
        def run() -> None:
            try:
                target()
            finally:
                with self._workers_lock:
                    self._workers.discard(threading.current_thread())

        thread = threading.Thread(target=run, name=name, daemon=True)
        with self._workers_lock:
            self._workers.add(thread)
        thread.start()

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait for running workers (pushes included); True when none is left."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self._workers_lock:
                workers = list(self._workers)
            if not workers:
                return True
            workers[0].join(max(0.0, end - time.monotonic()))
        return False

    def _work(self, job: Job, ticket: Any) -> None:
        """Worker: in the user's turn, answer and deliver; never let an exception reach the user."""
        try:
            with ticket:
                self._answer(job)
        except Exception:
            log.exception("pipeline failed for %s (MsgId %s)", job.msg.openid, job.msg.msg_id or job.inbound_id)
            if job.claim_passive() or job.state == "passive":
                job.reply = APOLOGY
                self._mark_failed(job)
            else:
                self._push_apology(job)
        finally:
            job.done.set()

    def _push_apology(self, job: Job) -> None:
        """Best effort: the request already answered ``success``; tell the user something went wrong."""
        try:
            self.outbox.deliver_text(appid=job.msg.appid, openid=job.msg.openid, text=APOLOGY,
                                     key=f"answer:{job.inbound_id}")
        except Exception:
            log.exception("could not push the apology for inbound %s", job.inbound_id)

    def _mark_failed(self, job: Job) -> None:
        """Best effort: store the apology as the reply so retries get it too."""
        try:
            with self.services.db.session() as session:
                session.execute(update(InboundMessage).where(InboundMessage.id == job.inbound_id)
                                .values(status="failed", replies=[APOLOGY], finished_at=self.services.now()))
        except Exception:
            log.exception("could not mark inbound %s failed", job.inbound_id)

    def _answer(self, job: Job) -> None:
        """Load → dispatch → persist in one locked transaction, then reply passively or push."""
        msg = job.msg
        with self.services.db.sessions() as session:
            conv = lock_conversation(session, msg.appid, msg.openid)
            state = ConversationState.from_json(conv.state)
            held = inbox.peek(session, appid=msg.appid, openid=msg.openid)
            if session.get_bind().dialect.name == "sqlite":
                session.commit()  # no read snapshot or write lock while the handler runs
            text, ok = self._respond(session, msg, state, inbox.as_texts(held))
            if not ok:  # drop the failed handler's writes, keep the user's turn and its apology
                session.rollback()
                conv = lock_conversation(session, msg.appid, msg.openid)
                held = inbox.peek(session, appid=msg.appid, openid=msg.openid)
            passive = job.claim_passive()
            job.reply = self._persist(session, job, conv, state if ok else None, text, passive)
            inbox.mark_delivered(held, now=self.services.now())
            session.commit()
        if passive:
            job.done.set()
        elif text:
            self.outbox.deliver_text(appid=msg.appid, openid=msg.openid, text=text, key=f"answer:{job.inbound_id}")

    def _respond(self, session: Session, msg: Incoming, state: ConversationState,
                 held: list[str]) -> tuple[str, bool]:
        """The full answer text (held items first) and whether the handler succeeded."""
        if held and msg.kind == "text" and msg.text.strip() in FETCH_WORDS:
            return "\n\n".join(held), True
        ctx = make_context(self.services, session, appid=msg.appid)
        try:
            replies = self.services.router.dispatch(ctx, msg, state)
        except Exception:
            log.exception("handler failed for %s (MsgId %s)", msg.openid, msg.msg_id or "-")
            return "\n\n".join([*held, APOLOGY]), False
        return "\n\n".join([*held, reply_text(replies)]).strip(), True

    def _persist(self, session: Session, job: Job, conv: Conversation, state: ConversationState | None,
                 text: str, passive: bool) -> str | None:
        """Save state, the inbound row, the user's last contact and an audit row; the passive page."""
        msg, page = job.msg, None
        if state is not None:
            state.updated_at = self.services.now()
            conv.state, conv.version = state.to_json(), conv.version + 1
        values: dict[str, Any] = {"finished_at": self.services.now(), "status": "deferred"}
        if passive:
            pages, rest = take_pages(text, 1) if text else ([""], "")
            page = pages[0] or None
            if rest:
                inbox.hold(session, appid=msg.appid, openid=msg.openid, text=rest, key=f"more:{job.inbound_id}",
                           now=self.services.now())
            values.update(status="done" if state is not None else "failed", replies=[page] if page else [])
        session.execute(update(InboundMessage).where(InboundMessage.id == job.inbound_id).values(**values))
        now = self.services.now()
        users.touch(session, appid=msg.appid, openid=msg.openid, at=msg.created_at, now=now)
        audit.record(session, appid=msg.appid, actor=msg.openid, action="wechat.inbound", entity="inbound_message",
                     entity_id=str(job.inbound_id), now=now, source="chat", kind=msg.kind, event=msg.event,
                     status=values["status"])
        return page
