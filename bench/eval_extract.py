"""Evaluate knowledge.extract on tests/support/data/extract_cases.jsonl and the sample dialogues.

Prints per-field precision / recall / F1 (every unlisted field of a case is expected absent, so false
positives on hard negatives count), then a turn-by-turn check of samples/dialogues_dev.jsonl.
Run: .venv/bin/python bench/eval_extract.py [--cases PATH] [--dialogues PATH] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from knowledge.extract import (
    extract_all,
    is_affirmative,
    is_cancel,
    is_negative,
    is_restart,
    is_skip,
)

ROOT = Path(__file__).resolve().parents[2]
FIELDS = ("company", "institution", "industry", "need_type", "budget", "region", "contact_name", "contact_phone",
          "companions", "party_size", "maturity", "ip", "corrections", "intent")
SET_FIELDS = ("companions", "corrections")


def intent(text: str) -> str:
    """First matching intent in engine priority order."""
    checks = (("restart", is_restart), ("cancel", is_cancel), ("skip", is_skip),
              ("affirmative", is_affirmative), ("negative", is_negative))
    return next((name for name, check in checks if check(text)), "none")


def predict(text: str) -> dict[str, Any]:
    """extract_all flattened to comparable values (plain strings, sorted lists)."""
    raw = extract_all(text)
    out: dict[str, Any] = {k: raw[k] for k in FIELDS if k in raw}
    if "budget" in out:
        out["budget"] = out["budget"].normalized
    if "region" in out:  # a place only seen inside an organisation name is a hint, not a statement
        out["region"] = None if out["region"].in_org_name else out["region"].name
    if raw.get("industry_source") == "org_name":
        out["industry"] = None
    if raw.get("industry_unsure"):  # the classifier's answer; the dialogue asks instead of guessing it
        out["industry"] = raw["industry_unsure"]
    out["corrections"] = sorted(raw.get("corrections", ()))
    out["intent"] = intent(text)
    return out


def _items(field: str, value: Any) -> set[Any]:
    if value in (None, [], ""):
        return set()
    return set(value) if field in SET_FIELDS else {value}


def score_case(case: dict[str, Any], pred: dict[str, Any], tally: dict[str, Counter[str]]) -> list[str]:
    """Add TP/FP/FN of one case to `tally`; return mismatch descriptions."""
    errors = []
    expect = {**{"intent": "none"}, **case["expect"]} if "intent" in case["expect"] else dict(case["expect"])
    for field in FIELDS:
        if field in case.get("ignore", ()) or (field == "intent" and "intent" not in case["expect"]):
            continue
        gold, got = _items(field, expect.get(field)), _items(field, pred.get(field))
        if field == "intent":
            gold, got = gold - {"none"}, got - {"none"}
        tally[field]["tp"] += len(gold & got)
        tally[field]["fp"] += len(got - gold)
        tally[field]["fn"] += len(gold - got)
        if gold != got:
            errors.append(f"{field}: expected {sorted(gold)} got {sorted(got)}")
    return errors


def report(tally: dict[str, Counter[str]]) -> float:
    """Print the per-field table; return the lowest F1."""
    print(f"{'field':<14}{'support':>8}{'P':>8}{'R':>8}{'F1':>8}")
    worst = 1.0
    for field in FIELDS:
        c = tally[field]
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        worst = min(worst, f1)
        print(f"{field:<14}{c['tp'] + c['fn']:>8}{p:>8.3f}{r:>8.3f}{f1:>8.3f}")
    return worst


def run_cases(path: Path, verbose: bool) -> float:
    """Evaluate the utterance table."""
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    tally: dict[str, Counter[str]] = {f: Counter() for f in FIELDS}
    started = time.perf_counter()
    for case in cases:
        errors = score_case(case, predict(case["text"]), tally)
        if errors and verbose:
            print(f"- {case['text']}\n    " + "\n    ".join(errors))
    per_msg = (time.perf_counter() - started) / len(cases) * 1000
    print(f"\n{len(cases)} utterances, {per_msg:.2f} ms per message (extract_all + intents)")
    return report(tally)


DIALOGUE_MAP = {"name": "contact_name", "phone": "contact_phone", "field": "industry"}


def _merge(record: dict[str, Any], text: str) -> None:
    """Minimal engine policy: fill empty slots, overwrite on correction or explicit industry."""
    pred, raw = predict(text), extract_all(text)
    corrected = set(raw.get("corrections", ()))
    for key, value in pred.items():
        if key in ("corrections", "intent") or value in (None, [], ""):
            continue
        explicit = key == "industry" and raw.get("industry_source") == "explicit"
        latest = key in ("party_size", "companions")
        if value is not None and (record.get(key) is None or key in corrected or explicit or latest):
            record[key] = value


def run_dialogues(path: Path) -> None:
    """Fold each sample dialogue's turns and compare the slots with the expected record."""
    ok = total = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        dialogue = json.loads(line)
        record: dict[str, Any] = {}
        for turn in dialogue["turns"]:
            _merge(record, turn)
        for key, want in dialogue["expect"].items():
            key = DIALOGUE_MAP.get(key, key)
            if key in FIELDS and key not in ("intent",):
                total += 1
                got = record.get(key, 1 if key == "party_size" else None)
                ok += got == want
                if got != want:
                    print(f"  {dialogue['id']} {key}: expected {want!r} got {got!r}")
    print(f"sample dialogues: {ok}/{total} expected slot values recovered by a fill-empty/correction merge")


def main() -> None:
    """CLI entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=Path, default=ROOT / "tests/support/data/extract_cases.jsonl")
    parser.add_argument("--dialogues", type=Path, default=ROOT / "samples/dialogues_dev.jsonl")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    worst = run_cases(args.cases, args.verbose)
    print(f"lowest per-field F1: {worst:.3f}\n")
    if args.dialogues.exists():
        run_dialogues(args.dialogues)


if __name__ == "__main__":
    main()
