"""CPU of the policy-question path, split into the message thread's Python work and the query encoder's.

Usage: .venv/bin/python bench/policy_cpu.py [--questions 240] [--rounds 3]

The app is ``bench/webhook_load.py``'s (real app, fresh SQLite, samples seeded, intent model warmed); each round
sends the distinct policy questions of ``webhook_load`` (same users, so some are follow-ups) through the webhook's
request path one at a time in this thread (``profile_chat.poster``: open → answer → render, worker pool inline).
It prints, per question, this thread's CPU (the part that holds the GIL: routing, retrieval, composition, SQL)
and the CPU of the process's other threads (the query encoder), best of ``--rounds``; the query cache is cleared
before each round so every round encodes. Thread CPU time does not count waiting for a core, so the figures hold
on a loaded machine much better than wall-clock ones (cache contention still adds a few per cent).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import profile_chat as pc  # noqa: E402
import webhook_load as wl  # noqa: E402


def main() -> None:
    """Warm up, then time ``--rounds`` rounds of the policy questions."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=240)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from bot.wechat.testing.fakeapi import FakeWeChat

    with tempfile.TemporaryDirectory() as tmp, FakeWeChat() as fake:
        app, services = wl.project_app(Path(tmp) / "kc", None, embedding="auto", api_base=fake.base_url)
        pc.run_inline(app)
        post = pc.poster(app)
        queries = getattr(getattr(services.kb, "embedder", None), "_queries", None)
        qs = wl.questions(args.questions)
        print(f"{len(qs)} policy questions, load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs")
        best: tuple[float, float] | None = None
        for round_ in range(args.rounds):
            if queries is not None:
                queries._cached.cache_clear()  # every round encodes its questions
            bodies = [wl.text_xml(f"o_q{round_}_{i % 40}", q) for i, q in enumerate(qs)]
            thread, process = time.thread_time(), time.process_time()
            for body in bodies:
                post(body)
            thread, process = time.thread_time() - thread, time.process_time() - process
            own, other = thread * 1000 / len(qs), (process - thread) * 1000 / len(qs)
            print(f"  round {round_ + 1}: message thread {own:5.1f} ms, other threads (encoder) {other:5.1f} ms, "
                  f"total {own + other:5.1f} ms CPU per question")
            best = (own, other) if best is None or own + other < sum(best) else best
        if best is not None:
            print(f"best: message thread {best[0]:.1f} ms + encoder {best[1]:.1f} ms = {sum(best):.1f} ms CPU per question")
        services.db.dispose()


if __name__ == "__main__":
    main()
