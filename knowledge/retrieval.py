"""Hybrid retrieval: dense (Chroma) + BM25 (jieba words and character bigrams), fused, optionally reranked."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

import numpy as np

from knowledge.bm25 import BM25, Vocabulary, bm25_over_terms
from knowledge.ingest import Chunk
from knowledge.lexical import TypoCorrector, alias_match, terms, words
from knowledge.store import ChunkStore

log = logging.getLogger(__name__)

Mode = Literal["hybrid", "lexical", "dense"]
Fusion = Literal["rrf", "weighted"]
RRF_K = 60
DENSE_WEIGHT = 0.5
CANDIDATES = 20


@dataclass
class Hit:
    """A retrieved chunk with its fused score and the evidence of each retriever."""

    chunk: Chunk
    score: float = 0.0
    lexical: float = 0.0
    dense: float | None = None
    lexical_rank: int | None = None
    dense_rank: int | None = None


DENSE_IN_PROCESS = 20_000  # chunks: up to this many, dense search runs over the snapshot's vectors (≤ 30 MB)


@dataclass
class LexicalIndex:
    """An in-memory snapshot of the store's chunks: BM25 over terms plus a typo corrector, and the chunks' vectors
    when the store gave them (dense search is then one matrix product here instead of a Chroma query)."""

    chunks: list[Chunk]
    vectors: np.ndarray | None = None  # chunks × dim, L2-normalised, in ``chunks`` order
    bm25: BM25 = field(init=False)
    vocab: Vocabulary = field(init=False)
    corrector: TypoCorrector = field(init=False)

    def __post_init__(self) -> None:
        self.bm25, self.vocab = bm25_over_terms([terms(c.index_text) for c in self.chunks])
        corpus_words = {w for c in self.chunks for w in words(c.index_text) if len(w) >= 2}
        self.corrector = TypoCorrector(sorted(corpus_words), [c.index_text for c in self.chunks])
        self.by_id = {c.id: i for i, c in enumerate(self.chunks)}
        texts: dict[str, list[str]] = {}
        for chunk in self.chunks:
            texts.setdefault(chunk.doc, []).append(chunk.index_text)
        self.doc_texts = {doc: "\n".join(parts) for doc, parts in texts.items()}
        self.doc_titles = {c.doc: c.title for c in self.chunks}
        self.doc_cities = {c.doc: c.city for c in self.chunks}
        self._idf: dict[str, float] = {}
        self._masks: dict[tuple[str, ...], np.ndarray] = {}

    def contains(self, text: str) -> bool:
        """Whether any document contains ``text`` verbatim."""
        return any(text in doc for doc in self.doc_texts.values())

    def doc_idf(self, term: str) -> float:
        """Document-level IDF of a term or its aliases (partial bigram matches count fractionally; unseen terms
        score highest)."""
        if term not in self._idf:
            df = sum(alias_match(term, text) for text in self.doc_texts.values())
            n = len(self.doc_texts)
            self._idf[term] = math.log(1 + (n - df + 0.5) / (df + 0.5))
        return self._idf[term]

    def search(self, query_terms: Sequence[str], cities: list[str] | None, k: int) -> list[tuple[int, float]]:
        """Top-k (chunk index, BM25 score) among chunks of ``cities`` (all when None), score > 0."""
        scores = self.bm25.scores(self.vocab.encode(query_terms, grow=False)).tolist()
        allowed = [i for i, c in enumerate(self.chunks) if cities is None or c.city in cities]
        ranked = sorted((i for i in allowed if scores[i] > 0), key=lambda i: -scores[i])
        return [(i, scores[i]) for i in ranked[:k]]

    def nearest(self, vector: Sequence[float] | np.ndarray, cities: list[str] | None, k: int) -> list[tuple[str, float]]:
        """The ``k`` chunks most similar to a query vector (id, cosine), among chunks of ``cities`` (all when None):
        exact, what the store's ``query`` answers (which searches an approximate index)."""
        if self.vectors is None:
            raise ValueError("this snapshot holds no vectors")
        query = np.asarray(vector, dtype=np.float32).ravel()
        sims = self.vectors @ (query / (float(np.linalg.norm(query)) or 1.0))
        if cities is not None:
            sims = np.where(self._in(tuple(cities)), sims, -np.inf)
        top = np.argsort(-sims, kind="stable")[:k]
        return [(self.chunks[i].id, float(sims[i])) for i in top if sims[i] > -np.inf]

    def _in(self, cities: tuple[str, ...]) -> np.ndarray:
        """Mask of the chunks of ``cities`` (memoised: a handful of scopes recur)."""
        mask = self._masks.get(cities)
        if mask is None:
            mask = self._masks[cities] = np.array([c.city in cities for c in self.chunks], dtype=bool)
        return mask

    def titles_by_city(self, doc: str) -> tuple[list[str], list[str]]:
        """The titles of the documents of cities other than ``doc``'s, and of the other documents of its city."""
        city = self.doc_cities.get(doc)
        others = [(self.doc_cities[other], title) for other, title in self.doc_titles.items() if other != doc]
        return [t for c, t in others if c != city], [t for c, t in others if c == city]

    def doc_chunks(self, doc: str) -> list[Chunk]:
        """All chunks of a document, in order."""
        return [c for c in self.chunks if c.doc == doc]


@lru_cache(maxsize=2)
def load_reranker(model: str) -> Any:
    """A sentence-transformers CrossEncoder from a local directory or the HF cache (never downloaded)."""
    from sentence_transformers import CrossEncoder

    return CrossEncoder(model, device="cpu", local_files_only=True)


class Retriever:
    """Runs dense and lexical search over one store and fuses the two rankings."""

    def __init__(self, store: ChunkStore, index: LexicalIndex, *, fusion: Fusion = "rrf",
                 reranker: str | None = None) -> None:
        self.store, self.index, self.fusion, self.reranker = store, index, fusion, reranker

    def search(self, question: str, cities: list[str] | None, *, k: int = 5, mode: Mode = "hybrid",
               vector: Sequence[float] | None = None) -> list[Hit]:
        """Fused hits for a (typo-corrected) question, restricted to documents of ``cities``.

        ``vector``: the question's query vector when the caller already computed it (not encoded again)."""
        hits: dict[int, Hit] = {}
        if mode != "dense":
            for rank, (i, score) in enumerate(self.index.search(terms(question, query=True), cities, CANDIDATES)):
                hits[i] = Hit(self.index.chunks[i], lexical=score, lexical_rank=rank)
        if mode != "lexical" and self.store.embedder.enabled:
            dense = np.asarray(vector if vector is not None else self.store.embedder.encode_query(question),
                               dtype=np.float32)
            nearest = (self.index.nearest(dense, cities, CANDIDATES) if self.index.vectors is not None
                       else self.store.query(dense.tolist(), CANDIDATES, cities))
            for rank, (cid, sim) in enumerate(nearest):
                found = self.index.by_id.get(cid)
                if found is not None:
                    hit = hits.setdefault(found, Hit(self.index.chunks[found]))
                    hit.dense, hit.dense_rank = sim, rank
        ranked = self._fuse(list(hits.values()))
        return self._rerank(question, ranked)[:k] if self.reranker else ranked[:k]

    def _fuse(self, hits: list[Hit]) -> list[Hit]:
        """Score hits by reciprocal-rank or weighted min-max fusion; best first."""
        top_lex = max((h.lexical for h in hits), default=0.0) or 1.0
        dense = [h.dense for h in hits if h.dense is not None]
        low, high = (min(dense), max(dense)) if dense else (0.0, 1.0)
        for hit in hits:
            if self.fusion == "rrf":
                hit.score = sum(1.0 / (RRF_K + r) for r in (hit.lexical_rank, hit.dense_rank) if r is not None)
            else:
                dense_norm = ((hit.dense or low) - low) / ((high - low) or 1.0) if dense else 0.0
                weight = DENSE_WEIGHT if dense and top_lex > 0 else (1.0 if dense else 0.0)
                hit.score = weight * dense_norm + (1 - weight) * hit.lexical / top_lex
        return sorted(hits, key=lambda h: -h.score)

    def _rerank(self, question: str, hits: list[Hit]) -> list[Hit]:
        """Reorder the top candidates with the configured cross-encoder."""
        head = hits[:CANDIDATES]
        scores = load_reranker(str(self.reranker)).predict([(question, h.chunk.index_text) for h in head])
        for hit, score in zip(head, scores, strict=True):
            hit.score = float(score)
        return sorted(head, key=lambda h: -h.score)
