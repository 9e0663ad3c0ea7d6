"""WeChat's customer-service window, computed once for the sender and the hand-off desk.

A customer-service message may reach a user within 48 hours of their last message, at most 5 per message
they sent (counted as customer-service sends since that message).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.store.models import Outbox, User

CS_WINDOW = timedelta(hours=48)
CS_QUOTA = 5
DAILY_CAP_NOTE = "daily cap reached: deferred to the next morning"  # an outbox row held back by KC_DAILY_PUSH_CAP


@dataclass(frozen=True)
class CsWindow:
    """Whether customer-service messages can reach the user now, how many are left and until when."""

    last_message_at: datetime | None
    closes_at: datetime | None
    remaining: int

    @property
    def open(self) -> bool:
        """Inside 48 hours of the user's last message, with quota left."""
        return self.closes_at is not None and self.remaining > 0


def cs_window(session: Session, *, appid: str, openid: str, now: datetime) -> CsWindow:
    """The user's customer-service window at ``now`` (closed when they never wrote or 48 h have passed)."""
    last = session.scalar(select(User.last_inbound_at).where(User.appid == appid, User.openid == openid))
    if last is None or now - last > CS_WINDOW:
        return CsWindow(last, None, 0)
    used = session.scalar(select(func.count()).select_from(Outbox).where(
        Outbox.appid == appid, Outbox.openid == openid, Outbox.channel == "custom",
        Outbox.status == "sent", Outbox.sent_at >= last)) or 0
    return CsWindow(last, last + CS_WINDOW, max(0, CS_QUOTA - int(used)))
