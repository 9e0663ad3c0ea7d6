"""Immediate pushes of chat answers by customer-service message, exactly once per key, else held in the inbox.

Scheduled notices go through ``bot.wechat.sender`` (channel choice, quiet hours, retries); this module is
the fast path for an answer that missed the passive-reply deadline. Errcode 48001 (the account may not push)
is remembered per account (``pull_only``): later slow answers wait in the inbox and the user is told to fetch.
"""

from __future__ import annotations

import logging

from sqlalchemy import select, update

from bot.store.models import AccountFlag, Outbox
from bot.store.sql import insert_ignore, queue_outbox
from bot.wechat import inbox
from bot.wechat.api import WeChatAPIError
from bot.wechat.deployment import Deployment
from bot.wechat.sender import claim, claim_lease, settle_uncertain
from bot.wechat.split import MORE_HINT, take_pages

log = logging.getLogger(__name__)

PULL_ONLY = "pull_only"
NOT_PERMITTED = 48001
CUSTOM_QUOTA = 5  # customer-service messages allowed per user message
HELD_PREFIX = "【您之前的问题，答复如下】\n"


class Pusher:
    """Pushes answers for one deployment (its database, clock and WeChat clients)."""

    def __init__(self, deployment: Deployment) -> None:
        self.deployment, self.db = deployment, deployment.db

    def _claim(self, key: str) -> Outbox | None:
        """Claim the pending row of ``key`` for sending (under the sender's lease); None when taken."""
        with self.db.session() as session:
            row_id = session.scalar(select(Outbox.id).where(Outbox.idempotency_key == key))
        if row_id is None:
            return None
        return claim(self.db, row_id, now=self.deployment.now(), lease=claim_lease(self.deployment.settings))

    def deliver_text(self, *, appid: str, openid: str, text: str, key: str, kind: str = "answer") -> str:
        """Send ``text`` by customer-service messages now, exactly once per ``key``.

        Returns "sent", "inbox" (held for the user's next message), "uncertain" or "dup"."""
        with self.db.session() as session:
            queue_outbox(session, appid=appid, openid=openid, kind=kind, key=key, payload={"text": text},
                         now=self.deployment.now(), channel="custom")
        row = self._claim(key)
        if row is None:
            return "dup"
        if self.pull_only(appid):
            return self._to_inbox(row, text, "pull mode")
        pages, rest = take_pages(text, CUSTOM_QUOTA)
        gateway = self.deployment.gateway_for(appid)
        for index, page in enumerate(pages):
            try:
                gateway.send_text(openid, page)
            except WeChatAPIError as exc:
                unsent = [p.removesuffix(MORE_HINT) for p in pages[index:]] + [rest]
                return self._push_failed(row, "\n\n".join(u for u in unsent if u), exc)
        return self._finish(row, rest)

    def _push_failed(self, row: Outbox, unsent: str, exc: WeChatAPIError) -> str:
        """Remember 48001 per account and keep whatever was not sent for the user's next message.

        A send whose outcome is unknown (timeout after the request left) is never repeated nor held:
        the user may already have the answer; the row stays visible as ``uncertain``."""
        log.warning("push of outbox %s failed: %s", row.id, exc)
        if exc.uncertain:
            return settle_uncertain(self.db, row, now=self.deployment.now(), error=str(exc))
        if exc.errcode == NOT_PERMITTED:
            self.set_pull_only(row.appid, True)
        return self._to_inbox(row, unsent, str(exc))

    def _to_inbox(self, row: Outbox, text: str, reason: str) -> str:
        """Turn the row into an inbox item holding ``text``."""
        with self.db.session() as session:
            session.execute(update(Outbox).where(Outbox.id == row.id, Outbox.status == "sending").values(
                status="inbox", channel="inbox", payload={"text": HELD_PREFIX + text}, last_error=reason))
        return "inbox"

    def _finish(self, row: Outbox, rest: str) -> str:
        """Mark the row sent; text beyond the quota waits in the inbox for "更多"."""
        now = self.deployment.now()
        with self.db.session() as session:
            session.execute(update(Outbox).where(Outbox.id == row.id, Outbox.status == "sending").values(
                status="sent", channel="custom", sent_at=now))
            if rest:
                inbox.hold(session, appid=row.appid, openid=row.openid, text=rest,
                           key=row.idempotency_key + ":more", now=now)
        return "sent"

    def pull_only(self, appid: str) -> bool:
        """Whether this account was found unable to push (48001): answers wait in the inbox."""
        with self.db.session() as session:
            flag = session.get(AccountFlag, (appid, PULL_ONLY))
            return flag is not None and flag.value == "1"

    def set_pull_only(self, appid: str, on: bool) -> None:
        """Remember (or forget) that the account may only answer passively."""
        now = self.deployment.now()
        with self.db.session() as session:
            insert_ignore(session, AccountFlag, appid=appid, key=PULL_ONLY, value="0", updated_at=now)
            session.execute(update(AccountFlag).where(AccountFlag.appid == appid, AccountFlag.key == PULL_ONLY)
                            .values(value="1" if on else "0", updated_at=now))
