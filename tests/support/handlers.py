"""Direct handler tests: an in-memory database, a fake knowledge base, one unit of work per message."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.chat.context import make_context
from bot.clock import Clock
from bot.container import Container
from bot.store.engine import Database
from handlers.kit.base import ConversationState, Handler, Incoming, Router
from knowledge.answer import Answer, Source
from tests.support.env import make_settings

NOW = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)  # 10:00 in Xiangyang


@dataclass
class FakeKnowledge:
    """A knowledge base that answers from a dict of question → text (else declines) and records questions."""

    answers: dict[str, str] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    def ask(self, question: str, *, home_city: str | None = None, **_: Any) -> Answer:
        """The canned answer for ``question``, or a decline."""
        self.asked.append(question)
        text = self.answers.get(question)
        if text is None:
            return Answer(False, "抱歉，资料里没有找到。")
        return Answer(True, text, [Source("doc", "标题", "小节", 1.0)], 0.9, ("doc", 1))

    def ask_followup(self, question: str, context: str, **kwargs: Any) -> Answer:
        """A follow-up is answered like a question of its own (the fake has no documents to keep to)."""
        return self.ask(question, **kwargs)

    def ask_in_context(self, question: str, context: str, **kwargs: Any) -> tuple[Answer, bool]:
        """Asked alone: the fake has no documents to weigh a context against."""
        return self.ask(question, **kwargs), False

    def more(self, doc: str, start: int) -> Answer:
        """The continuation of ``doc``."""
        return Answer(True, f"{doc} 的后续内容（第 {start} 段起）")


def memory_container(tmp_path: Any, *, knowledge: Any = None, now: datetime = NOW, **settings: Any) -> Container:
    """A container over a migrated in-memory SQLite database with a frozen clock."""
    db = Database("sqlite://")
    db.migrate()
    return Container(make_settings(tmp_path / "data", **settings), db, clock=Clock(now), knowledge=knowledge)


class Chat:
    """Feeds text to a handler (or a router) the way the pipeline does: one committed session per message."""

    def __init__(self, container: Container, handler: Handler | Router, openid: str = "u1") -> None:
        self.container, self.handler, self.openid = container, handler, openid
        self.conv = ConversationState()

    def send(self, text: str) -> list[str] | None:
        """One message; the reply texts, or None when the handler passed."""
        msg = Incoming(appid=self.container.appid, openid=self.openid, kind="text", text=text,
                       created_at=self.container.now())
        with self.container.db.session() as session:
            ctx = make_context(self.container, session, appid=msg.appid)
            if isinstance(self.handler, Router):
                replies = self.handler.dispatch(ctx, msg, self.conv)
            else:
                replies = self.handler(ctx, msg, self.conv)
        return None if replies is None else [r.text for r in replies]
