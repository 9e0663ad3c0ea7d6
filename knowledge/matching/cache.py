"""A persistent embedding cache: sha256(model, role, text) → vector, in a small SQLite file."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np

from knowledge.embeddings import Embedder


def text_key(model: str, role: str, text: str) -> str:
    """The cache key of one text for one model and role (query / passage)."""
    return hashlib.sha256(f"{model}\x00{role}\x00{text}".encode()).hexdigest()


class EmbeddingCache:
    """Embeds each distinct (model, role, text) once; later calls read the stored vector."""

    def __init__(self, path: str | Path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, dim INTEGER, vec BLOB)")
        self.embedded = 0  # texts actually sent to the model by this instance

    def _lookup(self, keys: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors for the keys that exist."""
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for key, _dim, blob in self._db.execute(
                f"SELECT key, dim, vec FROM emb WHERE key IN ({marks})", chunk
            ):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def embed(self, embedder: Embedder, texts: list[str], role: str) -> np.ndarray:
        """Vectors for ``texts`` (role "query" or "passage"), embedding only the ones not cached yet."""
        keys = [text_key(embedder.name, role, t) for t in texts]
        found = self._lookup(sorted(set(keys)))
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        if missing:
            by_key = dict(zip(keys, texts, strict=True))
            vecs = _encode(embedder, [by_key[k] for k in missing], role)
            rows = [
                (k, int(v.shape[0]), v.astype(np.float32).tobytes())
                for k, v in zip(missing, vecs, strict=True)
            ]
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO emb VALUES (?, ?, ?)", rows)
            found.update({k: np.asarray(v, dtype=np.float32) for k, v in zip(missing, vecs, strict=True)})
            self.embedded += len(missing)
        return np.stack([found[k] for k in keys]) if keys else np.zeros((0, embedder.dim), np.float32)

    def close(self) -> None:
        """Close the database."""
        self._db.close()


def _encode(embedder: Embedder, texts: list[str], role: str) -> np.ndarray:
    """Encode texts as queries or passages."""
    if role == "query":
        return np.stack([embedder.encode_query(t) for t in texts])
    return embedder.encode_documents(texts)
