"""Chat transcripts: each user message and bot reply, kept so liaisons see where a record came from.

Erased with the rest of the user's data (``bot.domain.privacy``); the hand-off inbox reuses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.store.models import ChatLine
from bot.store.sql import insert_rows, rowcount

USER, BOT, STAFF = "in", "out", "staff"
MAX_TEXT = 4000


@dataclass(frozen=True)
class Line:
    """One transcript line: who spoke (in/out/staff), what and when."""

    direction: str
    text: str
    at: datetime


def record(session: Session, *, appid: str, openid: str, direction: str, text: str, now: datetime) -> None:
    """Append one line to the user's transcript (empty texts are skipped)."""
    record_lines(session, appid=appid, openid=openid, lines=[(direction, text)], now=now)


def record_lines(session: Session, *, appid: str, openid: str, lines: list[tuple[str, str]], now: datetime) -> None:
    """Append (direction, text) lines to the user's transcript in one statement (empty texts are skipped)."""
    insert_rows(session, ChatLine, [dict(appid=appid, openid=openid, direction=direction, text=text[:MAX_TEXT], at=now)
                                    for direction, text in lines if text.strip()])


def recent(session: Session, *, appid: str, openid: str, until: datetime | None = None,
           limit: int = 40) -> list[Line]:
    """The user's last ``limit`` lines (up to ``until`` when given), oldest first."""
    query = select(ChatLine).where(ChatLine.appid == appid, ChatLine.openid == openid)
    if until is not None:
        query = query.where(ChatLine.at <= until)
    rows = session.scalars(query.order_by(ChatLine.at.desc(), ChatLine.id.desc()).limit(limit)).all()
    return [Line(r.direction, r.text, r.at) for r in reversed(rows)]


def erase(session: Session, *, appid: str, openid: str) -> int:
    """Delete the user's whole transcript; returns how many lines went."""
    return rowcount(session.execute(delete(ChatLine).where(ChatLine.appid == appid, ChatLine.openid == openid)))
