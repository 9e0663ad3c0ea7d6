"""Questions asked of the sample knowledge base directly (the chat may first route them to events or ask which
service is meant): a deadline the document states relative to the event (最晚啥时候 → 活动开始12小时以前), and
near-scope questions answered before with a nearby fact: an amount that only prices another named fee, an acronym
the document never names, a hospital it never names."""

from __future__ import annotations

from knowledge.kb import KnowledgeBase
from tests.knowledge.test_kb_answers import kb

__all__ = ["kb"]


def test_a_deadline_relative_to_the_event_answers_how_late(kb: KnowledgeBase) -> None:
    answer = kb.ask("健康讲座报了名去不成 最晚啥时候要取消", use_llm=False)
    assert answer.answered and "12小时" in answer.answer, answer.answer


def test_a_price_is_not_answered_with_another_fee(kb: KnowledgeBase) -> None:
    answer = kb.ask("检测平台做一次EMC测试多少钱", use_llm=False)
    assert not answer.answered and answer.answer.startswith("资料里没有写明"), answer.answer


def test_an_acronym_the_document_never_names_is_declined_by_name(kb: KnowledgeBase) -> None:
    answer = kb.ask("检测平台有没有CNAS认可", use_llm=False)
    assert not answer.answered and answer.answer.startswith("资料里没有写明CNAS"), answer.answer


def test_which_hospital_is_declined_when_none_is_named(kb: KnowledgeBase) -> None:
    answer = kb.ask("健康讲座请的是哪个医院的专家", use_llm=False)
    assert not answer.answered and answer.answer.startswith("资料里没有写明具体是哪个医院"), answer.answer
