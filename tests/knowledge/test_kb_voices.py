"""Questions in dialect asked of the sample knowledge base directly (the chat layer may first ask which service
is meant): 几多钱 is 多少钱 and 掏钱 asks what the service costs; 打到 respelled 达到 by the typo corrector is still
a question of when money arrives."""

from __future__ import annotations

from knowledge.kb import KnowledgeBase
from tests.knowledge.test_kb_answers import kb

__all__ = ["kb"]


def test_what_it_costs_asked_in_dialect_is_answered_with_free(kb: KnowledgeBase) -> None:
    answer = kb.ask("请特派员来屋里看庄稼，要掏几多钱", use_llm=False)
    assert answer.answered and "免费" in answer.answer and "2万元" not in answer.answer


def test_when_the_loan_reaches_the_account_is_declined_by_name(kb: KnowledgeBase) -> None:
    answer = kb.ask("襄科贷合同签了以后钱几天能打到公司账上", use_llm=False)
    assert not answer.answered and answer.answer.startswith("资料里没有写明发放或到账的时间")
