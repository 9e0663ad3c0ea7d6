"""Hand-off to a person (转人工): requests a liaison officer answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain import audit
from bot.store.models import HandoffRequest


@dataclass(frozen=True)
class HandoffOpened:
    """A new hand-off request."""

    id: int
    question: str


def open_request(session: Session, *, appid: str, openid: str, question: str, now: datetime) -> HandoffOpened:
    """Record that the user asked for a person, with the question they were stuck on."""
    row = HandoffRequest(appid=appid, openid=openid, question=question, created_at=now)
    session.add(row)
    session.flush()
    audit.record(session, appid=appid, actor=openid, action="handoff.open", entity="handoff",
                 entity_id=str(row.id), now=now, source="chat")
    return HandoffOpened(row.id, question)
