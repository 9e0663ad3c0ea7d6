"""The inbound pipeline: dedupe → per-user lock → load conversation → dispatch → page → persist → reply.

The webhook queues an authenticated message with ``Pipeline.begin`` and awaits its ticket on the event loop
(``Pipeline.handle`` is the blocking form); the answer is the passive reply text (None means WeChat's
``success``: no message). One task on the process's bounded worker pool (``bot.chat.workers``: one user's
messages in order, one at a time) binds the nonce, claims the delivery and answers it; the request waits for
it until the reply budget is spent. In time, the conversation state, the reply (on the message's inbound row,
its record) and the transcript are committed before the reply is returned. Over budget, the request answers ``success`` (or,
on pull-only accounts, a short placeholder) and the worker pushes the finished answer exactly once: the
answer is queued in the outbox in the same transaction as the state, then sent.

Crash safety (``bot.chat.claims``): the worker owns the delivery's row under a lease it renews; if it
dies, WeChat's retry of the MsgId (or ``recover``, run by the scheduler and at start-up) takes the row
over and answers it, and the dead worker's half-done turn left nothing behind (it never committed).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.chat.claims import OPEN, Claim, Claims, new_owner_id
from bot.chat.context import make_context
from bot.chat.incoming import dedup_key, to_incoming
from bot.chat.ordering import Turn, lock_conversation
from bot.chat.workers import Full, WorkerPool
from bot.container import Container
from bot.domain import privacy, transcript, users
from bot.store.engine import end_sqlite_transaction, is_sqlite
from bot.store.models import Conversation, Outbox
from bot.store.sql import queue_outbox, update_where
from bot.wechat import inbox
from bot.wechat.inbound import Refused
from bot.wechat.push import Pusher
from bot.wechat.split import take_pages
from handlers.kit.base import ConversationState, Incoming, NeedsWorker, Reply

log = logging.getLogger(__name__)

APOLOGY = "抱歉，系统刚才出了点问题，没能处理您的消息。请稍后再试一次，或回复“帮助”查看可以做什么。"
PULL_PLACEHOLDER = "您的问题需要多一点时间处理，请稍后发送任意消息（例如“结果”）获取答复。"
FETCH_WORDS = {"更多", "继续", "结果", "获取", "查看结果"}
POLL_SECONDS = 0.05
COMMIT_GRACE_SECONDS = 10.0
LEASE = timedelta(seconds=8)  # a worker renews every LEASE/4; past it a retry or the recovery job takes over


@dataclass
class Job:
    """One message being answered; the request and the worker agree who delivers the answer.

    A job starts unclaimed (``inbound_id`` 0) when the request queues it; the worker claims the delivery in
    the user's turn and binds the row id here."""

    msg: Incoming
    inbound_id: int = 0
    state: str = "waiting"  # waiting → passive (request returns it) | deferred (worker pushes it)
    reply: str | None = None
    lost: bool = False  # another worker took the delivery over: this one must not answer
    _finished: bool = False
    _event: threading.Event | None = None  # made for the first waiter (a turn answered in the request has none)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _listeners: list[Callable[[], object]] = field(default_factory=list)

    @property
    def done(self) -> threading.Event:
        """Set once the job is done (``finish``): wait on it."""
        with self._lock:
            if self._event is None:
                self._event = threading.Event()
                if self._finished:
                    self._event.set()
            return self._event

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

    def bind(self, inbound_id: int) -> bool:
        """Worker: the delivery is claimed as ``inbound_id``; True when the request had already left."""
        with self._lock:
            self.inbound_id = inbound_id
            return self.state == "deferred"

    def finish(self) -> None:
        """Mark the job done (idempotent) and tell whoever waits for it."""
        with self._lock:
            if self._finished:
                return
            self._finished = True
            if self._event is not None:
                self._event.set()
            listeners, self._listeners = self._listeners, []
        for listener in listeners:
            _notify(listener)

    def when_done(self, listener: Callable[[], object]) -> None:
        """Call ``listener`` (from the worker's thread) once the job is done; now if it already is."""
        with self._lock:
            if not self._finished:
                self._listeners.append(listener)
                return
        _notify(listener)


def _notify(listener: Callable[[], object]) -> None:
    """Call one completion listener; its failure (e.g. a closed event loop) never reaches the worker."""
    try:
        listener()
    except Exception:
        log.exception("could not notify a waiting request")


@dataclass
class Ticket:
    """A queued message as the request sees it: its job, and what the worker found when it claimed it."""

    job: Job
    key: str
    deadline: float
    before_claim: Callable[[Session], None] | None = None
    error: Exception | None = None  # the claim failed (a refused nonce is ``Refused``)
    redelivery: bool = False  # the dedup key was claimed before: answer as a retry


def _user_key(msg: Incoming) -> str:
    """The worker-pool key that keeps one user's messages in order."""
    return f"{msg.appid}:{msg.openid}"


def reply_text(replies: list[Reply]) -> str:
    """Join handler replies into one message (a link goes on its own line)."""
    return "\n\n".join(r.text + (f"\n{r.url}" if r.url else "") for r in replies if r.text or r.url)


class Pipeline:
    """Answers inbound messages for one process; safe to share between request threads."""

    def __init__(self, container: Container, *, owner: str | None = None, lease: timedelta = LEASE) -> None:
        self.container = container
        self.claims = Claims(container.db, owner=owner or new_owner_id(), lease=lease)
        self.pool = WorkerPool(size=container.settings.worker_threads, capacity=container.settings.worker_queue)
        self.outbox = Pusher(container)
        self._inflight: set[int] = set()
        self._workers_lock = threading.Lock()
        self._keeper: threading.Thread | None = None
        self._recovery: threading.Thread | None = None
        self._inline: bool | None = None

    @property
    def budget(self) -> float:
        """Seconds a request may wait for its answer."""
        return float(self.container.settings.reply_budget_seconds)

    def handle(self, fields: dict[str, Any], started: float | None = None, *,
               before_claim: Callable[[Session], None] | None = None) -> str | None:
        """Answer one authenticated message; the passive reply text or None (``success``).

        ``before_claim(session)`` runs in the claim's transaction (the webhook binds the nonce there); what it
        raises refuses the message with nothing claimed."""
        if self.inline and (job := self.answer_now(fields, before_claim=before_claim)) is not None:
            return job.reply
        return self.settle(self.begin(fields, started, before_claim=before_claim))

    @property
    def inline(self) -> bool:
        """Whether turns needing no engine are answered in the request (``answer_now``): the router's handlers
        are lean and the database is SQLite (on PostgreSQL another worker's row lock could stall the caller)."""
        if self._inline is None:
            self._inline = self.container.router.lean and is_sqlite(self.container.db.engine)
        return self._inline

    def answer_now(self, fields: dict[str, Any], *,
                   before_claim: Callable[[Session], None] | None = None) -> Job | None:
        """Answer a message in the calling thread when its turn needs no engine; the job (its ``reply``), or None.

        Claim, answer and persist commit together, once: a crash before the commit leaves nothing, and WeChat's
        retry does it all again. None means nothing of the attempt was kept and the message goes the queued way
        (``begin``): the user has a message queued or running, another thread holds SQLite's write slot (a turn in
        the request never waits for one), it is a redelivery, the handler reached for the knowledge base or the
        matcher, or the attempt failed. Raises ``Refused`` from ``before_claim``."""
        msg = to_incoming(fields, appid=self.container.appid, received=self.container.now())
        user, slot = _user_key(msg), self.container.db.write_lock
        if not self.pool.hold(user):
            return None
        try:
            if slot is not None and not slot.try_take():  # another thread is writing: never wait for it here
                return None
            try:
                return self._lean_job(msg, fields, before_claim)
            finally:
                if slot is not None:
                    slot.give()
        finally:
            self.pool.release(user)

    def _lean_job(self, msg: Incoming, fields: dict[str, Any],
                  before_claim: Callable[[Session], None] | None) -> Job | None:
        """``answer_now`` once the user's turn and the write slot are held: the committed job, or None."""
        try:
            with self.container.db.turn_session() as session:
                job = Job(msg)
                if not self._lean_turn(session, job, fields, before_claim):
                    session.rollback()
                    return None
                session.commit()
                job.finish()
                return job
        except Refused:
            raise
        except Exception:
            log.exception("lean turn failed (MsgId %s): answering it on a worker", msg.msg_id or "-")
            return None

    def _lean_turn(self, session: Session, job: Job, fields: dict[str, Any],
                   before_claim: Callable[[Session], None] | None) -> bool:
        """Answer ``job`` and record it in the session's one transaction (uncommitted); False: give it up.

        The delivery's row is written once, finished, after the handler ran: nobody needs to see a claim that
        commits together with its answer (the user's turn is held, so no other thread answers this user)."""
        turn, held = self._lean_open(session, job, before_claim)
        state = ConversationState.from_json(turn.state, copy=False)  # decoded for this turn alone
        try:
            text, ok = self._respond(session, job.msg, state, inbox.as_texts(held), lean=True)
        except NeedsWorker:
            return False
        if not ok:  # drop the failed handler's writes, bind the nonce again and keep the apology
            session.rollback()
            turn, held = self._lean_open(session, job, before_claim)
        job.claim_passive()
        if not self._persist(session, job, turn, state if ok else None, text, True, record_key=dedup_key(fields)):
            return False  # a redelivery: the queued way answers it with the stored reply
        inbox.mark_delivered(held, now=self.container.now())
        return True

    def _lean_open(self, session: Session, job: Job,
                   before_claim: Callable[[Session], None] | None) -> tuple[Turn, list[Outbox]]:
        """Bind the nonce (``before_claim``) and open the user's turn in the session's transaction."""
        if before_claim is not None:
            before_claim(session)
        return self._open_turn(session, job, commit_new=False)

    def begin(self, fields: dict[str, Any], started: float | None = None, *,
              before_claim: Callable[[Session], None] | None = None) -> Ticket:
        """Queue one message on the worker pool, in its user's turn; raises ``Full`` (nothing claimed) at capacity.

        The worker claims the delivery and answers it in one task: a request waits for one hand-off, not two."""
        deadline = (started or time.monotonic()) + self.budget
        msg = to_incoming(fields, appid=self.container.appid, received=self.container.now())
        ticket = Ticket(Job(msg), dedup_key(fields), deadline, before_claim)
        self.pool.submit(_user_key(msg), lambda: self._claim_and_work(ticket, fields))
        return ticket

    def remaining(self, ticket: Ticket) -> float:
        """Seconds left of the ticket's reply budget."""
        return max(0.0, ticket.deadline - time.monotonic())

    def settle(self, ticket: Ticket) -> str | None:
        """Wait for the ticket until its deadline (blocking); the passive reply, or hand the answer to the push path."""
        job = ticket.job
        if job.done.wait(self.remaining(ticket)):
            return self.outcome(ticket)
        if not job.abandon():
            job.done.wait(COMMIT_GRACE_SECONDS)  # the worker is committing a passive answer
            return self.outcome(ticket)
        placeholder = self._placeholder(job)
        if job.inbound_id:  # claimed: record the hand-over (otherwise the worker does when it claims)
            self._mark_deferred(job, placeholder)
        return placeholder

    def outcome(self, ticket: Ticket) -> str | None:
        """A finished ticket's reply; raises what the claim raised; a redelivery waits for the first attempt."""
        if ticket.error is not None:
            raise ticket.error
        if ticket.redelivery:
            return self._await_first(ticket.job.msg.appid, ticket.key, ticket.deadline)
        return ticket.job.reply

    def _claim_and_work(self, ticket: Ticket, fields: dict[str, Any]) -> None:
        """Worker: claim the delivery (nonce bound in the same transaction), then answer it in this turn.

        Both run on one session (the claim commits first, on its own, so a retry sees it while the turn runs)."""
        job = ticket.job
        with self.container.db.turn_session() as session:
            inbound_id = self._claim(ticket, fields, session)
            if inbound_id is None:
                job.finish()
                return
            if job.bind(inbound_id):  # the request left while the message was queued: the answer is pushed
                self._mark_deferred(job, self._placeholder(job))
            self._work(job, session)

    def _claim(self, ticket: Ticket, fields: dict[str, Any], session: Session) -> int | None:
        """Claim the ticket's delivery; its row id, or None (a redelivery, or the error kept on the ticket)."""
        job, msg = ticket.job, ticket.job.msg
        try:
            inbound_id = self.claims.claim(appid=msg.appid, key=ticket.key, openid=msg.openid,
                                           kind=msg.event or msg.kind, fields=fields, now=self.container.now(),
                                           before=ticket.before_claim, session=session)
        except Exception as exc:  # the request reports it; logged here only when the request has left
            if job.state == "deferred" and not isinstance(exc, Refused):
                log.exception("could not claim MsgId %s", msg.msg_id or "-")
            ticket.error = exc
            return None
        ticket.redelivery = inbound_id is None
        return inbound_id

    def _placeholder(self, job: Job) -> str | None:
        """What the request answers when it leaves before the answer: a short placeholder on pull-only accounts."""
        return PULL_PLACEHOLDER if self.outbox.pull_only(job.msg.appid) else None

    def _mark_deferred(self, job: Job, placeholder: str | None) -> None:
        """Record that the request left: a retry answers the placeholder (or ``success``) at once."""
        self.claims.set_status(job.inbound_id, status="deferred", replies=[placeholder] if placeholder else [])

    def _run(self, job: Job, deadline: float) -> str | None:
        """Answer a taken-over ``job`` on the worker pool (in the user's turn), waiting for it until ``deadline``."""
        try:
            self.pool.submit(_user_key(job.msg), lambda: self._work(job))
        except Full:  # shed the load: the lease lapses now, so WeChat's retry takes the delivery over
            self.claims.set_status(job.inbound_id, lease_until=self.container.now())
            raise
        return self.settle(Ticket(job, "", deadline))

    def _await_first(self, appid: str, key: str, deadline: float) -> str | None:
        """A redelivery: the first attempt's stored reply; take the delivery over if its worker died."""
        while True:
            claim = self.claims.look(appid=appid, key=key)
            if claim.status not in OPEN or claim.finished or (claim.status == "deferred" and not self._lapsed(claim)):
                return claim.replies[0] if claim.replies else None
            if self._lapsed(claim) and (fields := self.claims.take_over(claim.id, now=self.container.now())):
                log.warning("took over inbound %s from a worker that stopped answering", claim.id)
                msg = to_incoming(fields, appid=appid, received=self.container.now())
                return self._run(Job(msg, claim.id), deadline)
            if time.monotonic() >= deadline:
                return None
            time.sleep(POLL_SECONDS)

    def _lapsed(self, claim: Claim) -> bool:
        """Whether the claim's owner stopped renewing its lease."""
        return claim.lease_until is not None and claim.lease_until < self.container.now()

    def recover(self, limit: int = 50) -> int:
        """Answer deliveries whose worker died (lease expired, no retry came); returns how many were taken."""
        jobs = []
        for row_id in self.claims.expired(now=self.container.now(), limit=limit):
            fields = self.claims.take_over(row_id, now=self.container.now())
            if not fields:
                continue
            job = Job(to_incoming(fields, appid=self.container.appid, received=self.container.now()), row_id)
            job.abandon()  # nobody waits: the answer is pushed
            self.pool.submit(_user_key(job.msg), lambda job=job: self._work(job))  # type: ignore[misc]
            jobs.append(job)
        for job in jobs:
            job.done.wait()
        return len(jobs)

    def recover_in_background(self) -> None:
        """Run ``recover`` in a thread that ``drain`` waits for: at start-up."""
        self._recovery = threading.Thread(target=self.recover, name="kc-recover", daemon=True)
        self._recovery.start()

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait for running and queued answers (pushes included); True when none is left."""
        end = time.monotonic() + timeout
        if self._recovery is not None:
            self._recovery.join(timeout)
        return self.pool.drain(max(0.0, end - time.monotonic()))

    def close(self, timeout: float = 30.0) -> bool:
        """Shut down gracefully: refuse new work, deliver what is queued or running; True when all finished."""
        if self._recovery is not None:
            self._recovery.join(timeout)
        return self.pool.shutdown(timeout)

    def _track(self, inbound_id: int, on: bool) -> None:
        """Add or drop a delivery from the leases this worker renews (the keeper runs while any is open)."""
        with self._workers_lock:
            (self._inflight.add if on else self._inflight.discard)(inbound_id)
            if on and (self._keeper is None or not self._keeper.is_alive()):
                self._keeper = threading.Thread(target=self._keep_leases, name="kc-lease-keeper", daemon=True)
                self._keeper.start()

    def _keep_leases(self) -> None:
        """Renew the leases of open deliveries every quarter lease, until none is open."""
        while True:
            time.sleep(self.claims.lease.total_seconds() / 4)
            with self._workers_lock:
                ids = sorted(self._inflight)
                if not ids:
                    self._keeper = None
                    return
            try:
                self.claims.renew(ids, now=self.container.now())
            except Exception:  # a database hiccup: try again next round
                log.exception("could not renew inbound leases")

    def _work(self, job: Job, session: Session | None = None) -> None:
        """Worker: in the user's turn, answer and deliver (on ``session`` when given, with no transaction open);
        never let an exception reach the user."""
        self._track(job.inbound_id, True)
        try:
            self._answer(job, session)
        except Exception:
            log.exception("pipeline failed for inbound %s (MsgId %s)", job.inbound_id, job.msg.msg_id or "-")
            if job.claim_passive() or job.state == "passive":
                job.reply = APOLOGY
                self._mark_failed(job)
            else:
                self._push_apology(job)
        finally:
            self._track(job.inbound_id, False)
            job.finish()

    def _push_apology(self, job: Job) -> None:
        """Best effort: the request already answered ``success``; tell the user something went wrong."""
        try:
            self._mark_failed(job)
            self.outbox.deliver_text(appid=job.msg.appid, openid=job.msg.openid, text=APOLOGY,
                                     key=f"answer:{job.inbound_id}")
        except Exception:
            log.exception("could not push the apology for inbound %s", job.inbound_id)

    def _mark_failed(self, job: Job) -> None:
        """Best effort: store the apology as the reply so retries get it too."""
        try:
            self.claims.set_status(job.inbound_id, status="failed", replies=[APOLOGY],
                                   finished_at=self.container.now(), fields=None, lease_until=None)
        except Exception:
            log.exception("could not mark inbound %s failed", job.inbound_id)

    def _answer(self, job: Job, given: Session | None = None) -> None:
        """Load → dispatch → persist in one locked transaction, then reply passively or push."""
        msg = job.msg
        with nullcontext(given) if given is not None else self.container.db.turn_session() as session:
            turn, held = self._open_turn(session, job)
            if turn.owner != self.claims.owner:
                job.lost = True  # another worker took over while this one waited: it answers
                return
            state = ConversationState.from_json(turn.state, copy=False)  # decoded for this turn alone
            end_sqlite_transaction(session)  # no write lock while the handler runs (a new user's row was written)
            text, ok = self._respond(session, msg, state, inbox.as_texts(held))
            if not ok:  # drop the failed handler's writes, keep the user's turn and its apology
                session.rollback()
                turn, held = self._open_turn(session, job)
            passive = job.claim_passive()
            if not self._persist(session, job, turn, state if ok else None, text, passive):
                session.rollback()
                job.lost = True
                return
            inbox.mark_delivered(held, now=self.container.now())
            session.commit()
        if passive:
            job.finish()
        elif text:
            self.outbox.deliver_text(appid=msg.appid, openid=msg.openid, text=text, key=f"answer:{job.inbound_id}")

    def _finish(self, session: Session, job: Job, values: dict[str, Any], record_key: str | None) -> bool:
        """The delivery's final write: finish this worker's claim, or (``record_key``) record the lean turn's row."""
        if record_key is None:
            return self.claims.finish(session, job.inbound_id, **values)
        msg, openid = job.msg, job.msg.openid
        if privacy.is_forgotten(session, appid=msg.appid, openid=openid):  # as the erasure left the user's rows
            openid = privacy.pseudonym(openid, appid=msg.appid, key=self.container.settings.pseudonym_key)
            record_key = record_key.replace(msg.openid, openid)
        row_id = self.claims.record(session, appid=msg.appid, key=record_key, openid=openid,
                                    kind=msg.event or msg.kind, **values)
        job.inbound_id = row_id or 0
        return row_id is not None

    def _open_turn(self, session: Session, job: Job, *, commit_new: bool = True) -> tuple[Turn, list[Outbox]]:
        """Lock the user's conversation and read the turn: the delivery's owner and the held items (if any)."""
        msg = job.msg
        turn = lock_conversation(session, msg.appid, msg.openid, self.container.now(), inbound_id=job.inbound_id,
                                 commit_new=commit_new)
        return turn, (inbox.peek(session, appid=msg.appid, openid=msg.openid) if turn.has_held else [])

    def _respond(self, session: Session, msg: Incoming, state: ConversationState,
                 held: list[str], *, lean: bool = False) -> tuple[str, bool]:
        """The full answer text (held items first) and whether the handler succeeded.

        ``lean``: raises ``NeedsWorker`` when the handler reached for an engine (even if it caught the signal)."""
        if held and msg.kind == "text" and msg.text.strip() in FETCH_WORDS:
            return "\n\n".join(held), True
        ctx = make_context(self.container, session, appid=msg.appid, lean=lean)
        try:
            replies = self.container.router.dispatch(ctx, msg, state)
            if ctx.reached:
                raise NeedsWorker
        except Exception:
            log.exception("handler failed (MsgId %s)", msg.msg_id or "-")
            return "\n\n".join([*held, APOLOGY]), False
        return "\n\n".join([*held, reply_text(replies)]).strip(), True

    def _persist(self, session: Session, job: Job, turn: Turn, state: ConversationState | None,
                 text: str, passive: bool, *, record_key: str | None = None) -> bool:
        """Save state, the inbound row, the user's last contact, the transcript and (pushed) the queued answer.

        The inbound row is the message's record (who, kind, status, reply, when); no audit row repeats it.

        Sets ``job.reply`` to the passive page; False when another worker owns the delivery now. With
        ``record_key`` (a lean turn, never claimed) the delivery's row is written now, finished, under that dedup
        key: False when the key was claimed meanwhile (a redelivery)."""
        msg, now = job.msg, self.container.now()
        if state is not None:
            state.updated_at = now
            update_where(session, Conversation, {"id": turn.conversation_id}, state=state.to_json(), version=turn.version + 1,
                         updated_at=now)
        values: dict[str, Any] = {"finished_at": now, "status": "deferred"}
        rest = ""
        if passive:
            pages, rest = take_pages(text, 1) if text else ([""], "")
            job.reply = pages[0] or None
            values.update(status="done" if state is not None else "failed", replies=[job.reply] if job.reply else [])
        if not self._finish(session, job, values, record_key):
            return False
        if rest:
            inbox.hold(session, appid=msg.appid, openid=msg.openid, text=rest, key=f"more:{job.inbound_id}", now=now)
        elif text and not passive:  # queued with the state: if this worker dies before sending, the outbox sender delivers it
            queue_outbox(session, appid=msg.appid, openid=msg.openid, kind="answer", key=f"answer:{job.inbound_id}",
                         payload={"text": text}, now=now, channel="custom")
        users.touch(session, appid=msg.appid, openid=msg.openid, at=msg.created_at, now=now)
        if not privacy.is_forgotten(session, appid=msg.appid, openid=msg.openid):  # not when this turn erased the user
            transcript.record_lines(session, appid=msg.appid, openid=msg.openid, now=now,  # liaisons read it
                                    lines=[(transcript.USER, msg.text), (transcript.BOT, text)])
        return True
