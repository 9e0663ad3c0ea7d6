"""The utterance table (tests/support/data/extract_cases.jsonl) scored per field, plus the sample dialogues."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests/support/data/extract_cases.jsonl"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_extract", ROOT / "bench/eval_extract.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tally(bench: ModuleType) -> dict[str, Counter[str]]:
    cases = [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(cases) >= 100
    result: dict[str, Counter[str]] = {f: Counter() for f in bench.FIELDS}
    for case in cases:
        bench.score_case(case, bench.predict(case["text"]), result)
    return result


@pytest.mark.parametrize("field", ["company", "institution", "industry", "need_type", "budget", "region",
                                   "contact_name", "contact_phone", "companions", "party_size", "maturity",
                                   "ip", "corrections", "intent"])
def test_field_f1_at_least_090(tally: dict[str, Counter[str]], field: str) -> None:
    c = tally[field]
    assert c["tp"] > 0, f"no positive example for {field}"
    precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
    recall = c["tp"] / (c["tp"] + c["fn"])
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.9, f"{field}: P={precision:.2f} R={recall:.2f}"


def test_sample_dialogue_slots_recovered(bench: ModuleType) -> None:
    path = ROOT / "samples/dialogues_dev.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        dialogue = json.loads(line)
        record: dict = {}
        for turn in dialogue["turns"]:
            bench._merge(record, turn)
        for key, want in dialogue["expect"].items():
            key = bench.DIALOGUE_MAP.get(key, key)
            if key in bench.FIELDS and key != "intent":
                got = record.get(key, 1 if key == "party_size" else None)
                assert got == want, f"{dialogue['id']} {key}"
