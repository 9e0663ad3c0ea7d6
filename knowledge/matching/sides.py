"""Per-side lexical state (records, token ids, BM25), the shared TF-IDF spaces and background statistics."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from knowledge.bm25 import BM25, Vocabulary, count_matrix
from knowledge.matching.lexical import smooth_idf, tfidf_rows
from knowledge.matching.records import MatchRecord, Side
from knowledge.matching.vectors import VectorStore

KINDS = ("surface", "concept")
SAMPLE = 1000
MIN_SD = 1e-3
# Small corpora give unreliable background statistics: the lexical channels are shrunk towards typical
# values (measured on a ~100-record corpus) with the weight of PRIOR_PAIRS pairs.
PRIOR = {"concept": (0.025, 0.08), "lexical": (0.004, 0.011)}
PRIOR_PAIRS = 300


@dataclass
class SideIndex:
    """The records of one side with their token ids, vectors (Chroma) and a lazily built BM25 index."""

    side: Side
    records: dict[str, MatchRecord] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, dict[str, np.ndarray]] = field(default_factory=lambda: {k: {} for k in KINDS})
    store: VectorStore | None = None
    order: list[str] = field(default_factory=list)
    _bm25: BM25 | None = None

    def put(self, rec: MatchRecord, rec_hash: str, surface: np.ndarray, concepts: np.ndarray) -> None:
        """Add or replace one record."""
        self.records[rec.id], self.hashes[rec.id] = rec, rec_hash
        self.tokens["surface"][rec.id], self.tokens["concept"][rec.id] = surface, concepts
        self._bm25 = None

    def remove(self, ids: list[str]) -> None:
        """Drop records."""
        for rid in ids:
            for table in (self.records, self.hashes, *self.tokens.values()):
                table.pop(rid, None)  # type: ignore[attr-defined]
        self._bm25 = None

    def prepare(self, width: int) -> None:
        """Fix the row order and build BM25 over surface + concept tokens."""
        self.order = list(self.records)
        rows = [np.concatenate([self.tokens["surface"][i], self.tokens["concept"][i]]) for i in self.order]
        self._bm25 = BM25(rows, width)

    def bm25_top(self, token_ids: np.ndarray, k: int) -> list[str]:
        """Ids of the ``k`` best BM25 hits with a positive score."""
        if self._bm25 is None or not self.order:
            return []
        scores = self._bm25.scores(token_ids)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        return [self.order[n] for n in top[np.argsort(-scores[top])] if scores[n] > 0]


class TfidfSpaces:
    """Sublinear TF-IDF cosine spaces (surface tokens, thesaurus concepts) with IDF over both sides."""

    def __init__(self, sides: dict[Side, SideIndex], width: int) -> None:
        self.width = width
        self.matrix: dict[tuple[str, Side], Any] = {}
        self.row: dict[Side, dict[str, int]] = {
            s: {i: n for n, i in enumerate(x.order)} for s, x in sides.items()
        }
        self.idfs: dict[str, np.ndarray] = {}
        for kind in KINDS:
            tfs = {s: count_matrix([x.tokens[kind][i] for i in x.order], width) for s, x in sides.items()}
            df = sum(np.bincount(tf.indices, minlength=width) for tf in tfs.values())
            self.idfs[kind] = smooth_idf(
                np.asarray(df, dtype=np.float32), sum(tf.shape[0] for tf in tfs.values())
            )
            for s, tf in tfs.items():
                self.matrix[(kind, s)] = tfidf_rows(tf, self.idfs[kind])

    def vector(self, kind: str, token_ids: np.ndarray) -> Any:
        """A query's normalised TF-IDF row vector."""
        ids = token_ids[token_ids < self.width]
        return tfidf_rows(count_matrix([ids], self.width), self.idfs[kind])

    def similarity(self, kind: str, token_ids: np.ndarray, side: Side, ids: list[str]) -> np.ndarray:
        """Cosine of a query with the given records of ``side``."""
        rows = self.matrix[(kind, side)][[self.row[side][i] for i in ids]]
        return np.asarray((rows @ self.vector(kind, token_ids).T).todense(), dtype=np.float32).ravel()

    def idf(self, token: str, vocab: Vocabulary) -> float:
        """IDF of a token in the concept space (0 if unknown)."""
        col = vocab.ids.get(token)
        return float(self.idfs["concept"][col]) if col is not None and col < self.width else 0.0


def _sample(ids: list[str], rng: np.random.Generator) -> list[str]:
    """At most SAMPLE ids, deterministic for a given generator."""
    return ids if len(ids) <= SAMPLE else [ids[i] for i in rng.choice(len(ids), SAMPLE, replace=False)]


def background_stats(sides: dict[Side, SideIndex], spaces: TfidfSpaces) -> dict[str, tuple[float, float]]:
    """Mean and sd of each similarity over sampled demand × achievement pairs (same-side pairs if one is empty)."""
    rng = np.random.default_rng(0)
    dem, ach = sides["demand"], sides["achievement"]
    left, right = (
        (dem, ach) if len(dem.order) >= 2 and len(ach.order) >= 2 else (ach, ach) if ach.order else (dem, dem)
    )
    li, ri = _sample(left.order, rng), _sample(right.order, rng)
    stats: dict[str, tuple[float, float]] = {}
    for kind, name in (("surface", "lexical"), ("concept", "concept")):
        a = spaces.matrix[(kind, left.side)][[spaces.row[left.side][i] for i in li]]
        b = spaces.matrix[(kind, right.side)][[spaces.row[right.side][i] for i in ri]]
        sims = np.asarray((a @ b.T).todense()) if li and ri else np.zeros(0)
        stats[name] = _shrink(sims, PRIOR[name])
    if left.store is not None and right.store is not None and li and ri:
        stats["semantic"] = _mean_sd(left.store.vectors(li) @ right.store.vectors(ri).T)
    else:
        stats["semantic"] = (0.0, 1.0)
    return stats


def _shrink(values: np.ndarray, prior: tuple[float, float]) -> tuple[float, float]:
    """Mean and sd of ``values`` pulled towards ``prior`` when there are few of them."""
    n, (m0, s0) = values.size, prior
    if not n:
        return prior
    w = n / (n + PRIOR_PAIRS)
    mean = w * float(values.mean()) + (1 - w) * m0
    var = w * float(values.var()) + (1 - w) * s0**2
    return mean, max(var**0.5, MIN_SD)


def _mean_sd(values: np.ndarray) -> tuple[float, float]:
    """Mean and (floored) standard deviation."""
    return float(values.mean()), max(float(values.std()), MIN_SD)
