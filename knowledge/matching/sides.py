"""Per-side lexical state, updated incrementally: records, token ids, document frequencies and BM25.

Nothing here is rebuilt when one record changes. Document frequencies are counters; BM25 keeps raw term
frequencies (a merged main segment plus a small tail of recent records) and applies the current IDF and
average length at query time, so scores are exact after every update; the tail is merged into the main
segment once it holds ``MERGE_SHARE`` of the records (amortised). TF-IDF cosines are computed for the
candidates only, from their token ids and the current IDF. Background statistics (the mean and sd of each
similarity over random demand/achievement pairs) are re-estimated when the corpus size leaves a
``STATS_BAND`` band, from a sample that depends only on the record ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from knowledge.bm25 import count_matrix
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
MERGE_MIN, MERGE_SHARE = 256, 0.1  # the BM25 tail is merged when it exceeds both
STATS_BAND = 0.02  # background statistics are re-estimated when the corpus size moves by more than this
BM25_K1, BM25_B = 1.2, 0.75


class Counts:
    """A growable vector of per-token counts (document frequencies)."""

    def __init__(self) -> None:
        self.values = np.zeros(1024, dtype=np.int64)

    def add(self, token_ids: np.ndarray, sign: int) -> None:
        """Count each distinct token once (``sign`` -1 to uncount)."""
        ids = np.unique(token_ids)
        if len(ids) and ids[-1] >= len(self.values):
            grown = np.zeros(max(2 * len(self.values), int(ids[-1]) + 1), dtype=np.int64)
            grown[: len(self.values)] = self.values
            self.values = grown
        self.values[ids] += sign

    def view(self, width: int) -> np.ndarray:
        """The counts of the first ``width`` tokens."""
        if width > len(self.values):
            self.add(np.asarray([width - 1], dtype=np.int64), 0)
        return self.values[:width]


@dataclass
class SideIndex:
    """The records of one side with their token ids, vectors (Chroma) and an incremental BM25 index."""

    side: Side
    records: dict[str, MatchRecord] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, dict[str, np.ndarray]] = field(default_factory=lambda: {k: {} for k in KINDS})
    df: Counts = field(default_factory=Counts)  # surface and concept token ids are disjoint: one table
    store: VectorStore | None = None
    total_length: int = 0
    _main: Any = None  # CSC raw term frequencies of the merged records
    _main_ids: list[str] = field(default_factory=list)
    _main_lengths: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    _dead: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    _slot: dict[str, int] = field(default_factory=dict)
    _tail: dict[str, None] = field(default_factory=dict)
    _tail_matrix: Any = None

    def put(self, rec: MatchRecord, rec_hash: str, surface: np.ndarray, concepts: np.ndarray) -> None:
        """Add or replace one record (its old tokens are uncounted first)."""
        if rec.id in self.records:
            self._drop(rec.id)
        self._set(rec, rec_hash, surface, concepts)
        self.df.add(np.concatenate([surface, concepts]), 1)
        self._tail[rec.id] = None
        self._tail_matrix = None

    def put_many(self, items: list[tuple[MatchRecord, str, np.ndarray, np.ndarray]], width: int) -> None:
        """Add or replace many records at once, then recount and merge (a bulk load, e.g. a restart)."""
        for rec, rec_hash, surface, concepts in items:
            if rec.id in self.records:
                self.total_length -= len(self.tokens["surface"][rec.id]) + len(self.tokens["concept"][rec.id])
            self._set(rec, rec_hash, surface, concepts)
        self.merge(width)
        self.df = Counts()
        self.df.values = np.bincount(self._main.tocsr().indices, minlength=max(width, 1)).astype(np.int64)

    def _set(self, rec: MatchRecord, rec_hash: str, surface: np.ndarray, concepts: np.ndarray) -> None:
        """Store one record's fields and tokens."""
        self.records[rec.id], self.hashes[rec.id] = rec, rec_hash
        self.tokens["surface"][rec.id], self.tokens["concept"][rec.id] = surface, concepts
        self.total_length += len(surface) + len(concepts)

    def remove(self, ids: list[str]) -> None:
        """Drop records."""
        for rid in ids:
            if rid in self.records:
                self._drop(rid)

    def _drop(self, rid: str) -> None:
        """Uncount one record and forget it."""
        surface, concepts = self.tokens["surface"].pop(rid), self.tokens["concept"].pop(rid)
        self.df.add(np.concatenate([surface, concepts]), -1)
        self.total_length -= len(surface) + len(concepts)
        del self.records[rid], self.hashes[rid]
        if rid in self._tail:
            del self._tail[rid]
            self._tail_matrix = None
        elif rid in self._slot:
            self._dead[self._slot.pop(rid)] = True

    def _row(self, rid: str) -> np.ndarray:
        """All BM25 tokens of one record."""
        return np.concatenate([self.tokens["surface"][rid], self.tokens["concept"][rid]])

    def merge(self, width: int) -> None:
        """Rebuild the main segment from every record (amortised: only when the tail has grown large)."""
        self._main_ids = list(self.records)
        rows = [self._row(i) for i in self._main_ids]
        self._main = count_matrix(rows, width).tocsc()
        self._main_lengths = np.asarray([len(r) for r in rows], dtype=np.float32)
        self._dead = np.zeros(len(rows), bool)
        self._slot = {i: n for n, i in enumerate(self._main_ids)}
        self._tail, self._tail_matrix = {}, None

    def maybe_merge(self, width: int) -> bool:
        """Merge when the tail holds more than MERGE_MIN records and MERGE_SHARE of the index."""
        if len(self._tail) > max(MERGE_MIN, MERGE_SHARE * len(self.records)):
            self.merge(width)
            return True
        return False

    def bm25_top(self, token_ids: np.ndarray, k: int, width: int) -> list[str]:
        """Ids of the ``k`` best BM25 hits with a positive score (current IDF and average length)."""
        n = len(self.records)
        if not n or k <= 0:
            return []
        df = self.df.view(width).astype(np.float32)
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        avg = max(self.total_length / n, 1.0)
        cols = np.unique(token_ids[token_ids < width])
        ids: list[str] = []
        scores: list[np.ndarray] = []
        if self._main is not None and self._main_ids:
            main = _bm25(self._main, cols, idf, self._main_lengths, avg)
            main[self._dead] = 0.0
            ids, scores = list(self._main_ids), [main]
        if self._tail:
            tail_ids = list(self._tail)
            if self._tail_matrix is None or self._tail_matrix.shape[1] < width:
                self._tail_matrix = count_matrix([self._row(i) for i in tail_ids], width).tocsc()
            lengths = np.asarray([len(self._row(i)) for i in tail_ids], dtype=np.float32)
            ids, scores = ids + tail_ids, [*scores, _bm25(self._tail_matrix, cols, idf, lengths, avg)]
        total = np.concatenate(scores)
        k = min(k, len(total))
        top = np.argpartition(-total, k - 1)[:k]
        return [ids[i] for i in top[np.argsort(-total[top], kind="stable")] if total[i] > 0]


def _bm25(tf: Any, cols: np.ndarray, idf: np.ndarray, lengths: np.ndarray, avg: float) -> np.ndarray:
    """BM25 scores of every row of a raw term-frequency matrix for the query columns ``cols``."""
    cols = cols[cols < tf.shape[1]]
    if not len(cols):
        return np.zeros(tf.shape[0], dtype=np.float32)
    sub = tf[:, cols].tocoo()
    norm = BM25_K1 * (1 - BM25_B + BM25_B * lengths[sub.row] / avg)
    weights = idf[cols[sub.col]] * sub.data * (BM25_K1 + 1) / (sub.data + norm)
    return np.bincount(sub.row, weights=weights, minlength=tf.shape[0]).astype(np.float32)


class Lexicon:
    """TF-IDF cosines over both sides: IDF from the live document frequencies, rows built on demand."""

    def __init__(self, sides: dict[Side, SideIndex], width: int) -> None:
        self.sides, self.width = sides, width
        n = sum(len(x.records) for x in sides.values())
        df = np.zeros(width, dtype=np.float32)
        for index in sides.values():
            df += index.df.view(width)
        idf = smooth_idf(df, n)
        self.idfs = {kind: idf for kind in KINDS}  # surface and concept ids are disjoint: one IDF table

    def rows(self, kind: str, side: Side, ids: list[str]) -> Any:
        """Normalised TF-IDF rows of the given records."""
        table = self.sides[side].tokens[kind]
        return tfidf_rows(count_matrix([table[i] for i in ids], self.width), self.idfs[kind])

    def vector(self, kind: str, token_ids: np.ndarray) -> Any:
        """A query's normalised TF-IDF row vector."""
        ids = token_ids[token_ids < self.width]
        return tfidf_rows(count_matrix([ids], self.width), self.idfs[kind])

    def similarity(self, kind: str, token_ids: np.ndarray, side: Side, ids: list[str]) -> np.ndarray:
        """Cosine of a query with the given records of ``side``."""
        if not ids:
            return np.zeros(0, dtype=np.float32)
        rows = self.rows(kind, side, ids)
        return np.asarray((rows @ self.vector(kind, token_ids).T).todense(), dtype=np.float32).ravel()

    def idf(self, token: str, vocab_ids: dict[str, int]) -> float:
        """IDF of a token in the concept space (0 if unknown)."""
        col = vocab_ids.get(token)
        return float(self.idfs["concept"][col]) if col is not None and col < self.width else 0.0


def _sample(ids: list[str], rng: np.random.Generator) -> list[str]:
    """At most SAMPLE of the ids in sorted order, chosen by a seeded generator (same ids → same sample)."""
    ids = sorted(ids)
    return ids if len(ids) <= SAMPLE else [ids[i] for i in sorted(rng.choice(len(ids), SAMPLE, replace=False))]


def background_stats(sides: dict[Side, SideIndex], lexicon: Lexicon) -> dict[str, tuple[float, float]]:
    """Mean and sd of each similarity over sampled demand × achievement pairs (same-side pairs if one is empty)."""
    rng = np.random.default_rng(0)
    dem, ach = sides["demand"], sides["achievement"]
    left, right = (
        (dem, ach) if len(dem.records) >= 2 and len(ach.records) >= 2
        else (ach, ach) if ach.records else (dem, dem)
    )
    li, ri = _sample(list(left.records), rng), _sample(list(right.records), rng)
    stats: dict[str, tuple[float, float]] = {}
    for kind, name in (("surface", "lexical"), ("concept", "concept")):
        if li and ri:
            a, b = lexicon.rows(kind, left.side, li), lexicon.rows(kind, right.side, ri)
            sims = np.asarray((a @ b.T).todense())
        else:
            sims = np.zeros(0)
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
