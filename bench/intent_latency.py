"""Latency of the cheap intent path (features + linear model), per message, against a trivial regex floor.

  .venv/bin/python bench/intent_latency.py [--rounds 5]

Messages: the dev split of our corpus (short small talk to long descriptions). The floor is one compiled
regex search per message in the same run, so the ratio is comparable across machines and load.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.intents import load_corpus, load_model  # noqa: E402

FLOOR = re.compile(r"(你好|谢谢|报名|需求|成果|政策|人工)")


def per_message(fn, texts: list[str], rounds: int) -> list[float]:  # type: ignore[no-untyped-def]
    """Seconds per message for each round (best of warm runs reported by the caller)."""
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        for text in texts:
            fn(text)
        out.append((time.perf_counter() - start) / len(texts))
    return out


def main() -> None:
    """Print the cheap path's latency and its ratio to the regex floor."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    texts = [u.text for u in load_corpus() if u.split == "dev"]
    start = time.perf_counter()
    model = load_model(None)
    print(f"train from corpus (cold, incl. jieba + scikit-learn import): {time.perf_counter() - start:.2f} s")
    model.predict("预热")
    cheap = per_message(model.probabilities, texts, args.rounds)  # not ``predict``: its memo answers repeats for free
    floor = per_message(FLOOR.search, texts, args.rounds)
    med_cheap, med_floor = statistics.median(cheap), statistics.median(floor)
    print(f"messages: {len(texts)} × {args.rounds} rounds (mean length {statistics.mean(map(len, texts)):.1f} chars)")
    print(f"cheap intent path: median {med_cheap * 1e3:.3f} ms/message, best {min(cheap) * 1e3:.3f} ms")
    print(f"regex floor:       median {med_floor * 1e6:.2f} µs/message")
    print(f"ratio cheap/floor: {med_cheap / med_floor:.0f}×   target: cheap ≤ 1 ms/message → "
          f"{'met' if med_cheap <= 1e-3 else 'NOT met'}")


if __name__ == "__main__":
    main()
