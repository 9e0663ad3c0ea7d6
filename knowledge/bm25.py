"""Okapi BM25 over a sparse matrix (one sparse product scores the whole corpus) and its token vocabulary.

Shared by policy retrieval (``knowledge.retrieval``) and matching (``knowledge.matching``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Vocabulary:
    """Token ↔ integer id, shared by both sides so their vectors live in one space."""

    ids: dict[str, int] = field(default_factory=dict)

    def encode(self, tokens: Sequence[str], grow: bool = True) -> np.ndarray:
        """Token ids (unknown tokens are added, or dropped when ``grow`` is False)."""
        if grow:
            return np.fromiter((self.ids.setdefault(t, len(self.ids)) for t in tokens), dtype=np.int32)
        return np.fromiter((self.ids[t] for t in tokens if t in self.ids), dtype=np.int32)

    def __len__(self) -> int:
        return len(self.ids)


def count_matrix(rows: Sequence[np.ndarray], width: int) -> Any:
    """A CSR term-frequency matrix from token-id arrays."""
    from scipy import sparse

    indptr = np.cumsum([0] + [len(r) for r in rows])
    cols = np.concatenate(rows) if rows else np.zeros(0, np.int32)
    data = np.ones(len(cols), dtype=np.float32)
    tf = sparse.csr_matrix((data, cols, indptr), shape=(len(rows), width))
    tf.sum_duplicates()
    return tf


class BM25:
    """Okapi BM25 over a sparse matrix: one sparse product scores the whole corpus."""

    def __init__(self, rows: Sequence[np.ndarray], width: int, k1: float = 1.2, b: float = 0.75) -> None:
        from scipy import sparse

        tf = count_matrix(rows, width).tocoo()
        n = max(len(rows), 1)
        lengths = np.asarray([len(r) for r in rows], dtype=np.float32)
        df = np.bincount(tf.col, minlength=width).astype(np.float32)
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        avg = max(float(lengths.mean()) if len(lengths) else 1.0, 1.0)
        norm = k1 * (1 - b + b * lengths / avg)
        weights = tf.data * (k1 + 1) / (tf.data + norm[tf.row]) * idf[tf.col]
        self._matrix = sparse.csc_matrix((weights, (tf.row, tf.col)), shape=tf.shape, dtype=np.float32)
        self._idf = idf

    def idf(self, token_id: int) -> float:
        """The smoothed inverse document frequency of one token id."""
        return float(self._idf[token_id])

    def scores(self, token_ids: np.ndarray) -> np.ndarray:
        """BM25 score of every document for a query (query term repeats ignored)."""
        cols = np.unique(token_ids[token_ids < self._matrix.shape[1]])
        if not len(cols):
            return np.zeros(self._matrix.shape[0], dtype=np.float32)
        return np.asarray(self._matrix[:, cols].sum(axis=1), dtype=np.float32).ravel()


def bm25_over_terms(docs: Sequence[Sequence[str]]) -> tuple[BM25, Vocabulary]:
    """A BM25 index over string-token documents, with the vocabulary that encodes queries for it."""
    vocab = Vocabulary()
    rows = [vocab.encode(doc) for doc in docs]
    return BM25(rows, len(vocab)), vocab
