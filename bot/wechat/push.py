"""The outbox: every push is a row with a unique idempotency key, sent at most once.

This first version knows two channels: the customer-service message API (``custom``) and the in-chat
``inbox`` (held text delivered with the user's next passive reply, e.g. when the account may not
push, errcode 48001). A later version adds channel choice, backoff, quiet hours and the scheduler.

API (keyword-only, ``appid`` first):
- ``enqueue(appid=, openid=, kind=, key=, payload=, channel=None) -> bool``  — True when newly queued.
- ``deliver_text(appid=, openid=, text=, key=, kind="answer") -> str``  — push now; "sent" | "inbox" | "dup".
- ``hold(session, appid=, openid=, text=, key=, kind="more")``  — put text in the user's inbox.
- ``peek_inbox(session, appid, openid) -> list[Outbox]`` / ``mark_delivered(rows)``.
- ``pull_only(appid) -> bool`` / ``set_pull_only(appid, on)``  — per-account "push not permitted" flag.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.clock import utcnow
from bot.store.models import AccountFlag, Outbox
from bot.store.sql import insert_ignore
from bot.wechat.api import WeChatAPIError
from bot.wechat.split import MORE_HINT, take_pages

log = logging.getLogger(__name__)

PULL_ONLY = "pull_only"
NOT_PERMITTED = 48001
CUSTOM_QUOTA = 5  # customer-service messages allowed per user message
HELD_PREFIX = "【您之前的问题，答复如下】\n"


class OutboxService:
    """Queue, push and hold outbound messages for one deployment (``services.db`` + ``services.gateway``)."""

    def __init__(self, services: Any) -> None:
        self.services = services
        self.db = services.db

    def enqueue(self, *, appid: str, openid: str, kind: str, key: str,
                payload: dict[str, Any], channel: str | None = None) -> bool:
        """Queue a push unless ``key`` was queued before; True when this call queued it."""
        with self.db.session() as session:
            return insert_ignore(session, Outbox, appid=appid, openid=openid, kind=kind, idempotency_key=key,
                                 payload=payload, channel=channel, status="pending", attempts=0,
                                 next_attempt_at=utcnow(), created_at=utcnow())

    def _claim(self, key: str) -> Outbox | None:
        """Move a pending row to ``sending`` atomically; None when another caller has it."""
        with self.db.session() as session:
            won = session.execute(
                update(Outbox).where(Outbox.idempotency_key == key, Outbox.status == "pending")
                .values(status="sending", attempts=Outbox.attempts + 1)
            ).rowcount
            return session.scalars(select(Outbox).where(Outbox.idempotency_key == key)).one() if won else None

    def deliver_text(self, *, appid: str, openid: str, text: str, key: str, kind: str = "answer") -> str:
        """Send ``text`` by customer-service messages now, exactly once per ``key``; else hold it."""
        self.enqueue(appid=appid, openid=openid, kind=kind, key=key, payload={"text": text}, channel="custom")
        row = self._claim(key)
        if row is None:
            return "dup"
        if self.pull_only(appid):
            return self._to_inbox(row, text, "pull mode")
        pages, rest = take_pages(text, CUSTOM_QUOTA)
        for index, page in enumerate(pages):
            try:
                self.services.gateway.send_text(openid, page)
            except WeChatAPIError as exc:
                unsent = [p.removesuffix(MORE_HINT) for p in pages[index:]] + [rest]
                return self._push_failed(row, "\n\n".join(u for u in unsent if u), exc)
        return self._finish(row, "sent", "custom", rest=rest)

    def _push_failed(self, row: Outbox, unsent: str, exc: WeChatAPIError) -> str:
        """Remember 48001 per account and keep whatever was not sent for the user's next message."""
        log.warning("push %s to %s failed: %s", row.idempotency_key, row.openid, exc)
        if exc.errcode == NOT_PERMITTED:
            self.set_pull_only(row.appid, True)
        return self._to_inbox(row, unsent, str(exc))

    def _to_inbox(self, row: Outbox, text: str, reason: str) -> str:
        """Turn the row into an inbox item holding ``text``."""
        with self.db.session() as session:
            session.execute(update(Outbox).where(Outbox.id == row.id).values(
                status="inbox", channel="inbox", payload={"text": HELD_PREFIX + text}, last_error=reason))
        return "inbox"

    def _finish(self, row: Outbox, status: str, channel: str, *, rest: str = "") -> str:
        """Mark the row sent; text beyond the quota waits in the inbox for "更多"."""
        with self.db.session() as session:
            session.execute(update(Outbox).where(Outbox.id == row.id).values(
                status=status, channel=channel, sent_at=utcnow()))
            if rest:
                self.hold(session, appid=row.appid, openid=row.openid, text=rest, key=row.idempotency_key + ":more")
        return status

    @staticmethod
    def hold(session: Session, *, appid: str, openid: str, text: str, key: str, kind: str = "more") -> None:
        """Put ``text`` in the user's inbox (delivered with their next reply)."""
        insert_ignore(session, Outbox, appid=appid, openid=openid, kind=kind, idempotency_key=key,
                      payload={"text": text}, channel="inbox", status="inbox", attempts=0,
                      next_attempt_at=utcnow(), created_at=utcnow())

    @staticmethod
    def peek_inbox(session: Session, appid: str, openid: str) -> list[Outbox]:
        """The user's held items, oldest first."""
        query = select(Outbox).where(Outbox.appid == appid, Outbox.openid == openid, Outbox.status == "inbox")
        return list(session.scalars(query.order_by(Outbox.id)))

    @staticmethod
    def mark_delivered(rows: list[Outbox]) -> None:
        """Mark held items as delivered (in the caller's session)."""
        for row in rows:
            row.status, row.sent_at = "sent", utcnow()

    def pull_only(self, appid: str) -> bool:
        """Whether this account was found unable to push (48001): answers wait in the inbox."""
        with self.db.session() as session:
            flag = session.get(AccountFlag, (appid, PULL_ONLY))
            return flag is not None and flag.value == "1"

    def set_pull_only(self, appid: str, on: bool) -> None:
        """Remember (or forget) that the account may only answer passively."""
        with self.db.session() as session:
            insert_ignore(session, AccountFlag, appid=appid, key=PULL_ONLY, value="0", updated_at=utcnow())
            session.execute(update(AccountFlag).where(AccountFlag.appid == appid, AccountFlag.key == PULL_ONLY)
                            .values(value="1" if on else "0", updated_at=utcnow()))
