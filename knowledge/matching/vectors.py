"""Chroma (cosine) collections holding the match vectors, the store of record; plus an in-memory mirror."""

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
    """One Chroma collection of record vectors, mirrored in a numpy matrix for exact rescoring."""

    def __init__(self, client: Any, name: str) -> None:
        self._col = client.get_or_create_collection(
            name, metadata={"hnsw:space": "cosine"}, embedding_function=None
        )
        self.ids: list[str] = []
        self.matrix = np.zeros((0, 0), dtype=np.float32)
        self._row: dict[str, int] = {}

    def load(self) -> dict[str, dict[str, Any]]:
        """Read every stored vector into the mirror; returns each id's metadata."""
        ids: list[str] = []
        vecs: list[Any] = []
        metas: dict[str, dict[str, Any]] = {}
        total = self._col.count()
        for off in range(0, total, BATCH):
            got = self._col.get(limit=BATCH, offset=off, include=["embeddings", "metadatas"])
            ids += got["ids"]
            vecs += list(got["embeddings"])
            metas.update(zip(got["ids"], got["metadatas"], strict=True))
        self._set(ids, np.asarray(vecs, dtype=np.float32) if vecs else np.zeros((0, 0), np.float32))
        return metas

    def _set(self, ids: list[str], matrix: np.ndarray) -> None:
        """Replace the mirror."""
        self.ids, self.matrix = ids, matrix
        self._row = {i: n for n, i in enumerate(ids)}

    def upsert(self, ids: list[str], vecs: np.ndarray, metas: list[dict[str, Any]]) -> None:
        """Store vectors with metadata in Chroma and the mirror."""
        for i in range(0, len(ids), BATCH):
            sl = slice(i, i + BATCH)
            self._col.upsert(ids=ids[sl], embeddings=vecs[sl], metadatas=metas[sl])
        new = set(ids)
        keep = [n for n, i in enumerate(self.ids) if i not in new]
        base = self.matrix[keep] if len(keep) else np.zeros((0, vecs.shape[1]), np.float32)
        self._set([self.ids[n] for n in keep] + list(ids), np.vstack([base, vecs]).astype(np.float32))

    def delete(self, ids: list[str]) -> None:
        """Remove records from Chroma and the mirror."""
        gone = set(ids)
        if gone:
            self._col.delete(ids=list(gone))
        keep = [n for n, i in enumerate(self.ids) if i not in gone]
        self._set([self.ids[n] for n in keep], self.matrix[keep] if keep else np.zeros((0, 0), np.float32))

    def vectors(self, ids: list[str]) -> np.ndarray:
        """Mirror vectors of the given ids, in order."""
        return self.matrix[[self._row[i] for i in ids]]

    def search(self, query: np.ndarray, k: int) -> list[str]:
        """Approximate nearest neighbours of one vector through Chroma's HNSW index."""
        if not self.ids:
            return []
        got = self._col.query(query_embeddings=[query], n_results=min(k, len(self.ids)), include=[])
        return list(got["ids"][0])

    def search_exact(self, query: np.ndarray, k: int) -> list[str]:
        """Exact nearest neighbours from the numpy mirror (brute force)."""
        if not self.ids:
            return []
        sims = self.matrix @ query
        k = min(k, len(sims))
        top = np.argpartition(-sims, k - 1)[:k]
        return [self.ids[n] for n in top[np.argsort(-sims[top])]]
