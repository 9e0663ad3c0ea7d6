"""Incremental index updates give the same scores as building from scratch; matchers follow one journal."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.embeddings import load_embedder
from knowledge.matching import Matcher
from knowledge.matching import sides as sides_module
from knowledge.matching.journal import LocalJournal
from knowledge.matching.metrics import load_jsonl

DATA = Path(__file__).resolve().parents[2] / "samples" / "matching"


def _scores(m: Matcher, demands: list[dict]) -> dict[tuple[str, str], float]:
    """Every listed (demand, achievement) score of the top 10."""
    return {(d["id"], h.id): h.score for d in demands for h in m.match_demand(d, top=10)}


def test_incremental_updates_score_like_a_fresh_build(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sides_module, "MERGE_MIN", 4)  # merge the BM25 tail often
    achievements, demands = load_jsonl(DATA / "achievements.jsonl"), load_jsonl(DATA / "demands.jsonl")
    grown = Matcher(load_embedder("none"), None)
    grown.index_demands(demands)
    for n in range(0, len(achievements), 9):  # arrive a few at a time
        grown.index_achievements(achievements[n : n + 9])
    edited = dict(achievements[0], summary=achievements[0]["summary"] + "另可用于刹车盘热裂纹修复。")
    grown.index_achievements([edited])
    grown.remove("achievement", [achievements[1]["id"]])
    final = [edited, *achievements[2:]]
    fresh = Matcher(load_embedder("none"), None)
    fresh.index_demands(demands)
    fresh.index_achievements(final)
    assert _scores(grown, demands) == pytest.approx(_scores(fresh, demands), abs=1e-9)
    assert achievements[1]["id"] not in {a for _, a in _scores(grown, demands)}


def test_two_matchers_on_one_journal_file_follow_each_other(tmp_path: Path) -> None:
    achievements, demands = load_jsonl(DATA / "achievements.jsonl"), load_jsonl(DATA / "demands.jsonl")
    one = Matcher(load_embedder("none"), tmp_path / "one", journal=LocalJournal(tmp_path / "journal.sqlite"))
    two = Matcher(load_embedder("none"), tmp_path / "two", journal=LocalJournal(tmp_path / "journal.sqlite"))
    one.index_achievements(achievements[:40])
    two.index_demands(demands)  # an index call follows the journal first
    assert len(two.sides["achievement"].records) == 40 and one.sync() == len(demands)
    one.index_achievements(achievements[40:])
    assert two.match_demand(demands[0], top=5) != one.match_demand(demands[0], top=5)  # not followed yet
    two.sync()
    assert _scores(two, demands) == pytest.approx(_scores(one, demands), abs=1e-9)
    one.remove("achievement", [achievements[0]["id"]])
    two.sync()
    assert achievements[0]["id"] not in two.sides["achievement"].records
