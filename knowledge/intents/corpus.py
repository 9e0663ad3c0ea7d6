"""The intent corpus: a sectioned text file (``## intent`` then one utterance per line) with a fixed dev split.

Within each intent the utterances are numbered in file order; every fifth one (``i % 5 == 4``) is the dev
split (20 %), used only to measure and to fit thresholds. Appending examples never moves earlier ones.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "data" / "intents" / "corpus.txt"
DEV_EVERY = 5


@dataclass(frozen=True)
class Utterance:
    """One labelled example."""

    text: str
    intent: str
    split: str  # train | dev


def load_corpus(path: Path = CORPUS) -> list[Utterance]:
    """All utterances of the corpus file, each with its intent and split."""
    rows: list[Utterance] = []
    intent, index = "", 0
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("## "):
            intent, index = line[3:].strip(), 0
            continue
        if not line or line.startswith("#") or not intent:
            continue
        split = "dev" if index % DEV_EVERY == DEV_EVERY - 1 else "train"
        rows.append(Utterance(line, intent, split))
        index += 1
    return rows


_VERSIONS: dict[Path, tuple[tuple[int, int, int], str]] = {}  # path → (its stat signature, content hash)


def corpus_version(path: Path = CORPUS) -> str:
    """A short content hash of the corpus file: the cache key of models trained on it.

    Asked on every classified message: the file is read and hashed again only when its size, mtime or inode
    changed since the last call (one ``stat`` otherwise)."""
    info = path.stat()
    signature = (info.st_mtime_ns, info.st_size, info.st_ino)
    known = _VERSIONS.get(path)
    if known is not None and known[0] == signature:
        return known[1]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    _VERSIONS[path] = (signature, digest)
    return digest
