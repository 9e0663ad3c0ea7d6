"""The in-chat inbox: outbox rows held for the user's next message (no push permitted, quota, "更多")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.store.models import Outbox
from bot.store.sql import queue_outbox

ANSWER_KINDS = ("answer", "more", "handoff_reply", "handoff_closed")  # replies to the user (held as they are, outside the daily cap)

_HELD = select(Outbox).where(Outbox.appid == bindparam("appid"), Outbox.openid == bindparam("openid"),
                             Outbox.status == "inbox").order_by(Outbox.id)


def hold(session: Session, *, appid: str, openid: str, text: str, key: str, now: datetime,
         kind: str = "more") -> None:
    """Put ``text`` in the user's inbox (delivered with their next reply)."""
    queue_outbox(session, appid=appid, openid=openid, kind=kind, key=key, payload={"text": text}, now=now,
                 channel="inbox", status="inbox")


def peek(session: Session, *, appid: str, openid: str) -> list[Outbox]:
    """The user's held items, oldest first."""
    return list(session.scalars(_HELD, {"appid": appid, "openid": openid}))


def mark_delivered(rows: list[Outbox], *, now: datetime) -> None:
    """Mark held items as delivered (in the caller's session)."""
    for row in rows:
        row.status, row.sent_at = "sent", now


def as_texts(held: list[Outbox]) -> list[str]:
    """Held items as texts: answers as they are, notifications under a "您有 N 条新提醒" header."""
    replies = [h.payload.get("text", "") for h in held if h.kind in ANSWER_KINDS]
    notices = [h.payload.get("text", "") for h in held if h.kind not in ANSWER_KINDS]
    if notices:
        replies.append(f"【您有 {len(notices)} 条新提醒】\n" + "\n\n".join(notices))
    return replies
