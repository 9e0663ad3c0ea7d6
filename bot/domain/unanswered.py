"""未答问题: questions the bot declined or answered with low confidence, grouped by similarity.

The chat policy handler records each such question in the message's unit of work; the console lists them
grouped (character-bigram Dice similarity, offline) as the to-do list for improving the knowledge base.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.domain import audit
from bot.store.models import UnansweredQuestion
from bot.store.sql import rowcount

LOW_CONFIDENCE = 0.7  # answered, but the decline model gave it less than this: worth a look
SIMILAR = 0.4  # Dice similarity of character bigrams that puts two questions in one group
MAX_QUESTION = 500
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


@dataclass(frozen=True)
class QuestionGroup:
    """Similar questions: the first one asked stands for the group."""

    title: str
    ids: tuple[int, ...]
    questions: tuple[str, ...]
    declined: int  # how many were declined (the rest were answered with low confidence)
    last_at: datetime

    @property
    def count(self) -> int:
        """How many times it was asked."""
        return len(self.ids)


def record(session: Session, *, appid: str, openid: str, question: str, answered: bool, confidence: float,
           now: datetime) -> bool:
    """Keep a declined or low-confidence question; True when it was kept."""
    text = question.strip()[:MAX_QUESTION]
    if not text or (answered and confidence >= LOW_CONFIDENCE):
        return False
    session.add(UnansweredQuestion(appid=appid, openid=openid, question=text, declined=not answered,
                                   confidence=float(confidence), created_at=now))
    return True


def bigrams(text: str) -> frozenset[str]:
    """Character bigrams of the text without spaces and punctuation (single characters for one-char texts)."""
    clean = _NOISE.sub("", text.lower())
    return frozenset(clean[i:i + 2] for i in range(len(clean) - 1)) or frozenset(clean)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice coefficient of two bigram sets."""
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def group(rows: Sequence[UnansweredQuestion], threshold: float = SIMILAR) -> list[QuestionGroup]:
    """Greedy grouping: each question joins the most similar group (by its first question) above ``threshold``;
    groups are returned biggest first, then most recent."""
    heads: list[frozenset[str]] = []
    members: list[list[UnansweredQuestion]] = []
    for row in sorted(rows, key=lambda r: (r.created_at, r.id)):
        grams = bigrams(row.question)
        scores = [similarity(grams, head) for head in heads]
        best = max(range(len(scores)), key=scores.__getitem__, default=None)
        if best is not None and scores[best] >= threshold:
            members[best].append(row)
        else:
            heads.append(grams)
            members.append([row])
    groups = [QuestionGroup(ms[0].question, tuple(m.id for m in ms), tuple(m.question for m in ms),
                            sum(m.declined for m in ms), max(m.created_at for m in ms)) for ms in members]
    return sorted(groups, key=lambda g: (-g.count, -g.last_at.timestamp()))


def open_groups(session: Session, *, appid: str, limit: int = 2000) -> list[QuestionGroup]:
    """The account's unresolved questions (the newest ``limit``), grouped by similarity."""
    rows = session.scalars(select(UnansweredQuestion).where(
        UnansweredQuestion.appid == appid, UnansweredQuestion.resolved_at.is_(None))
        .order_by(UnansweredQuestion.id.desc()).limit(limit))
    return group(list(rows))


def resolve(session: Session, *, appid: str, ids: Sequence[int], staff: str, now: datetime,
            source: str | None = None) -> int:
    """Mark questions as dealt with (e.g. a document now answers them); returns how many."""
    done = rowcount(session.execute(update(UnansweredQuestion).where(
        UnansweredQuestion.appid == appid, UnansweredQuestion.id.in_(list(ids)),
        UnansweredQuestion.resolved_at.is_(None)).values(resolved_at=now, resolved_by=staff)))
    if done:
        audit.record(session, appid=appid, actor=staff, action="kb.unanswered.resolve", entity="unanswered",
                     entity_id=",".join(map(str, ids))[:64], now=now, source=source, count=done)
    return done
