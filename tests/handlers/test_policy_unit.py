"""Policy Q&A and hand-off handlers, called directly (in-memory database, fake knowledge base)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.store.models import AuditLog, HandoffRequest
from handlers import policy
from handlers.registry import build_router
from tests.support.handlers import Chat, FakeKnowledge, memory_container


def test_question_is_answered_from_the_knowledge_base_and_more_continues(tmp_path: Path) -> None:
    kb = FakeKnowledge({"加计扣除怎么算": "按实际发生额的100%加计扣除。"})
    chat = Chat(memory_container(tmp_path, knowledge=kb), policy.handle_question)
    assert chat.send("加计扣除怎么算") == ["按实际发生额的100%加计扣除。"]
    assert kb.asked == ["加计扣除怎么算"]
    assert Chat(chat.container, policy.handle_more).send("加计扣除怎么算") is None  # not "more" words
    more = Chat(chat.container, policy.handle_more)
    more.conv = chat.conv
    assert more.send("详细一点") == ["doc 的后续内容（第 1 段起）"]


def test_without_a_knowledge_base_the_user_is_told_and_offered_a_person(tmp_path: Path) -> None:
    chat = Chat(memory_container(tmp_path, knowledge=None), policy.handle_question)
    (reply,) = chat.send("高新技术企业认定要什么条件") or []
    assert "转人工" in reply and "暂时不可用" in reply


def test_handoff_records_the_last_question_in_the_same_unit_of_work(tmp_path: Path) -> None:
    container = memory_container(tmp_path, knowledge=FakeKnowledge())
    chat = Chat(container, build_router())
    chat.send("研发费用加计扣除比例是多少")
    (reply,) = chat.send("转人工") or []
    assert "联络员" in reply and "研发费用加计扣除比例是多少" in reply
    with container.db.session() as session:
        (request,) = session.scalars(select(HandoffRequest)).all()
        actions = session.scalars(select(AuditLog.action)).all()
    assert (request.openid, request.question, request.status) == ("u1", "研发费用加计扣除比例是多少", "open")
    assert "handoff.open" in actions
