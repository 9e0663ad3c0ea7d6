"""Nonce binding: a signed nonce belongs to the first message it arrived with.

WeChat's signature covers only token, timestamp and nonce, not the body, so a captured query string could
carry another message while its timestamp is fresh. Each nonce is therefore claimed in ``wechat_nonces``
(unique ``(appid, nonce)``, ``INSERT … ON CONFLICT DO NOTHING``, shared by every worker) together with the
message's dedup key: WeChat's retries of the same message pass, another message under that nonce is 403.
Rows are kept for twice the timestamp window (a request signed up to one window in the future stays
acceptable until one window in the past) and purged at most once per window per process.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.chat.incoming import dedup_key
from bot.container import Container
from bot.store.models import WechatNonce
from bot.store.sql import insert_ignore, rowcount
from bot.wechat.inbound import Envelope, Refused


def claim_nonce(session: Session, *, appid: str, nonce: str, key: str, now: datetime, keep: timedelta) -> bool:
    """Bind ``nonce`` to ``key``; False when it is bound to another message seen within ``keep``."""
    if insert_ignore(session, WechatNonce, appid=appid, nonce=nonce, dedup_key=key, seen_at=now):
        return True
    query = select(WechatNonce).where(WechatNonce.appid == appid, WechatNonce.nonce == nonce).with_for_update()
    row = session.scalars(query).one_or_none()
    if row is None or row.dedup_key == key:
        return True  # purged meanwhile (so long expired), or a retry of the same message
    if row.seen_at >= now - keep:
        return False
    row.dedup_key, row.seen_at = key, now  # an expired binding: the nonce may be used afresh
    return True


def purge_nonces(session: Session, *, before: datetime) -> int:
    """Delete bindings last seen before ``before``; how many went."""
    return rowcount(session.execute(delete(WechatNonce).where(WechatNonce.seen_at < before)))


class ReplayGuard:
    """Refuses a nonce reused for another message; one per app, shared by its request threads."""

    def __init__(self, container: Container) -> None:
        self.container = container
        self._next_purge: datetime | None = None
        self._lock = threading.Lock()

    @property
    def keep(self) -> timedelta:
        """How long a binding is kept: twice the timestamp window."""
        return timedelta(seconds=2 * self.container.settings.wechat_max_skew_seconds)

    def bind(self, session: Session, envelope: Envelope) -> None:
        """Claim the envelope's nonce for its message in the caller's transaction, or raise ``Refused(403)``."""
        ok = claim_nonce(session, appid=self.container.appid, nonce=envelope.nonce,
                         key=dedup_key(envelope.fields), now=self.container.now(), keep=self.keep)
        if not ok:
            raise Refused(403, "nonce reused for another message")

    def purge_due(self) -> bool:
        """Whether a purge is due now: True at most once per half retention period (by the container's clock)
        in this process; the caller then runs ``purge``."""
        now = self.container.now()
        with self._lock:
            if self._next_purge is not None and now < self._next_purge:
                return False
            self._next_purge = now + self.keep / 2
            return True

    def purge(self) -> None:
        """Delete the bindings older than the retention period."""
        with self.container.db.session() as session:
            purge_nonces(session, before=self.container.now() - self.keep)
