"""Chroma (cosine) collections holding the match vectors for nearest-neighbour search, plus an in-memory
mirror (a growable matrix updated in place) for exact rescoring. The vectors' store of record is the index
journal; Chroma is brought in line with it when another process's records are applied."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

BATCH = 2000


def collection_name(side: str, model: str) -> str:
    """A Chroma-safe collection name per side and embedding model (dimensions differ per model)."""
    slug = re.sub(r"[^a-zA-Z0-9]+", "-", model).strip("-")[:40] or "model"
    return f"match-{side}-{slug}"


class VectorStore:
    """One Chroma collection of record vectors, mirrored in a numpy matrix (rows reused, never rebuilt)."""

    def __init__(self, client: Any, name: str, dim: int) -> None:
        self._col = client.get_or_create_collection(
            name, metadata={"hnsw:space": "cosine"}, embedding_function=None
        )
        self.ids: list[str] = []
        self._matrix = np.zeros((64, dim), dtype=np.float32)
        self._row: dict[str, int] = {}

    @property
    def matrix(self) -> np.ndarray:
        """The mirror's live rows (row n is ``ids[n]``)."""
        return self._matrix[: len(self.ids)]

    def upsert(self, ids: list[str], vecs: np.ndarray) -> None:
        """Store vectors in Chroma and the mirror."""
        for i in range(0, len(ids), BATCH):
            self._col.upsert(ids=ids[i : i + BATCH], embeddings=vecs[i : i + BATCH])
        self.mirror(ids, vecs)

    def mirror(self, ids: list[str], vecs: np.ndarray) -> None:
        """Put vectors in the mirror only (Chroma already holds them)."""
        need = len(self.ids) + sum(1 for i in ids if i not in self._row)
        if need > len(self._matrix) or vecs.shape[1] != self._matrix.shape[1]:
            grown = np.zeros((max(need, 2 * len(self._matrix)), vecs.shape[1]), dtype=np.float32)
            if vecs.shape[1] == self._matrix.shape[1]:
                grown[: len(self.ids)] = self.matrix
            self._matrix = grown
        for rid, vec in zip(ids, vecs, strict=True):
            row = self._row.get(rid)
            if row is None:
                row = self._row[rid] = len(self.ids)
                self.ids.append(rid)
            self._matrix[row] = vec

    def missing(self, ids: list[str]) -> list[str]:
        """The ids Chroma does not hold (e.g. indexed by a process with another Chroma directory)."""
        present: set[str] = set()
        for i in range(0, len(ids), BATCH):
            present.update(self._col.get(ids=ids[i : i + BATCH], include=[])["ids"])
        return [i for i in ids if i not in present]

    def count(self) -> int:
        """How many vectors Chroma holds."""
        return int(self._col.count())

    def delete(self, ids: list[str]) -> None:
        """Remove records from Chroma and the mirror (the last row moves into each hole)."""
        gone = [i for i in dict.fromkeys(ids) if i in self._row]
        if gone:
            self._col.delete(ids=gone)
        for rid in gone:
            row, last = self._row.pop(rid), len(self.ids) - 1
            if row != last:
                moved = self.ids[last]
                self._matrix[row], self.ids[row], self._row[moved] = self._matrix[last], moved, row
            self.ids.pop()

    def row(self, rid: str) -> int | None:
        """The record's row in ``matrix()`` (None when it has no vector)."""
        return self._row.get(rid)

    def vectors(self, ids: list[str]) -> np.ndarray:
        """Mirror vectors of the given ids, in order."""
        return self._matrix[[self._row[i] for i in ids]]

    def search(self, query: np.ndarray, k: int) -> list[str]:
        """Approximate nearest neighbours of one vector through Chroma's HNSW index."""
        if not self.ids:
            return []
        got = self._col.query(query_embeddings=[query], n_results=min(k, len(self.ids)), include=[])
        return [i for i in got["ids"][0] if i in self._row]

    def search_exact(self, query: np.ndarray, k: int) -> list[str]:
        """Exact nearest neighbours from the numpy mirror (brute force)."""
        if not self.ids:
            return []
        sims = self.matrix @ query
        k = min(k, len(sims))
        top = np.argpartition(-sims, k - 1)[:k]
        return [self.ids[n] for n in top[np.argsort(-sims[top])]]
