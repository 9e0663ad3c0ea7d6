"""Chroma-backed chunk store (cosine space, telemetry off, never Chroma's own downloading embedder).

Embedded ``PersistentClient`` under ``<data_dir>/chroma`` by default, ``HttpClient`` when a URL is given.
Vectors are always computed by our :class:`~knowledge.embeddings.Embedder` and passed explicitly; in lexical-only
mode (backend ``none``) chunks are stored with a constant one-dimensional vector so Chroma still holds the text.
One collection per embedding model, since vectors of different models don't mix.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import numpy as np

from knowledge.embeddings import Embedder, chroma_embedding_function
from knowledge.ingest import Chunk

_BATCH = 256


def collection_name(prefix: str, embedder: Embedder) -> str:
    """A valid Chroma collection name for this embedding model."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", embedder.name).strip("-._")[:48] or "default"
    return f"{prefix}_{slug}"


class ChunkStore:
    """Policy chunks with their vectors in one Chroma collection."""

    def __init__(self, client: Any, embedder: Embedder, prefix: str = "kb") -> None:
        self.embedder = embedder
        self._client = client
        self.name = collection_name(prefix, embedder)
        function = chroma_embedding_function(embedder) if embedder.enabled else None
        self._collection = client.get_or_create_collection(
            self.name, embedding_function=function, configuration={"hnsw": {"space": "cosine"}},
            metadata={"kc_revision": uuid.uuid4().hex, "kc_embedder": embedder.name},
        )

    def _vectors(self, chunks: list[Chunk]) -> list[list[float]]:
        """Document vectors for chunks (a constant vector in lexical-only mode)."""
        if not self.embedder.enabled:
            return [[1.0] for _ in chunks]
        return self.embedder.encode_documents([c.index_text for c in chunks]).tolist()

    def replace_document(self, doc: str, chunks: list[Chunk]) -> None:
        """Replace all chunks of ``doc`` with ``chunks`` (a new version is in use again if it had been retired)."""
        self._collection.delete(where={"doc": doc})
        for start in range(0, len(chunks), _BATCH):
            batch = chunks[start:start + _BATCH]
            self._collection.add(ids=[c.id for c in batch], documents=[c.text for c in batch],
                                 metadatas=[c.metadata() for c in batch], embeddings=self._vectors(batch))
        self._bump(self.retired() - {doc})

    def remove_document(self, doc: str) -> int:
        """Delete a document's chunks; return how many there were."""
        found = self._has(doc)
        if found:
            self._collection.delete(where={"doc": doc})
            self._bump(self.retired() - {doc})
        return found

    def _has(self, doc: str) -> int:
        """How many chunks ``doc`` has."""
        return len(self._collection.get(where={"doc": doc}, include=[])["ids"])

    def retired(self) -> set[str]:
        """Documents taken out of use (kept, listed, never answered from): a superseded or expired policy."""
        current = self._client.get_collection(self.name)
        return set(json.loads(str((current.metadata or {}).get("kc_retired", "[]"))))

    def set_retired(self, doc: str, retired: bool) -> bool:
        """Take ``doc`` out of use or back into use; False if there is no such document."""
        if not self._has(doc):
            return False
        docs = self.retired()
        self._bump(docs | {doc} if retired else docs - {doc})
        return True

    def _bump(self, retired: set[str] | None = None) -> None:
        """Record a new revision (and the retired documents) so other processes' caches notice the change."""
        docs = self.retired() if retired is None else retired
        self._collection.modify(metadata={"kc_revision": uuid.uuid4().hex, "kc_embedder": self.embedder.name,
                                          "kc_retired": json.dumps(sorted(docs), ensure_ascii=False)})

    def revision(self) -> str:
        """The collection's current revision stamp."""
        current = self._client.get_collection(self.name)
        return str((current.metadata or {}).get("kc_revision", ""))

    def count(self) -> int:
        """How many chunks the store holds."""
        return int(self._collection.count())

    def all_chunks(self) -> list[Chunk]:
        """Every stored chunk, ordered by document and position."""
        return self.snapshot(vectors=False)[0]

    def snapshot(self, vectors: bool = True) -> tuple[list[Chunk], np.ndarray | None]:
        """Every stored chunk (ordered by document and position) and, when ``vectors`` and the embedder makes them,
        their L2-normalised vectors (one row per chunk, same order) for :meth:`nearest`."""
        dense = vectors and self.embedder.enabled
        got = self._collection.get(include=["documents", "metadatas", *(["embeddings"] if dense else [])])
        chunks = [_chunk(text, meta) for text, meta in zip(got["documents"], got["metadatas"], strict=True)]
        order = sorted(range(len(chunks)), key=lambda i: (chunks[i].doc, chunks[i].ordinal))
        if not dense or not chunks:
            return [chunks[i] for i in order], None
        matrix = np.asarray(got["embeddings"], dtype=np.float32).reshape(len(chunks), -1)[order]
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return [chunks[i] for i in order], matrix / np.where(norms > 0, norms, 1.0)

    def query(self, vector: list[float], k: int, cities: list[str] | None = None) -> list[tuple[str, float]]:
        """Nearest chunk ids with cosine similarity, optionally limited to documents of ``cities``.

        Chroma (1.x) returns what it has when asked for more than the collection holds, so no count first."""
        if not self.embedder.enabled:
            return []
        where = {"city": {"$in": cities}} if cities else None
        got = self._collection.query(query_embeddings=[vector], n_results=k, where=where, include=["distances"])
        return [(cid, 1.0 - float(dist)) for cid, dist in zip(got["ids"][0], got["distances"][0], strict=True)]


def _chunk(text: str, meta: dict[str, Any]) -> Chunk:
    """Rebuild a chunk from Chroma's document and metadata."""
    return Chunk(doc=str(meta["doc"]), title=str(meta.get("title", "")), section=str(meta.get("section", "")),
                 text=text, ordinal=int(meta.get("ordinal", 0)), city=str(meta.get("city", "")))
