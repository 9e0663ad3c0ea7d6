"""Profile chat turns (or policy questions) through the real app's webhook path with cProfile, in one thread.

Usage: .venv/bin/python bench/profile_chat.py [--turns 400] [--questions 0] [--top 40] [--sort cumulative]
       .venv/bin/python bench/profile_chat.py --cpu 5 [--turns 1000]

The app is ``bench/webhook_load.py``'s (real app, fresh SQLite, samples seeded); the worker pool runs each task
inline so cProfile sees the whole message path: signature → parse → claim → pipeline → handlers → SQL → render.

``--cpu ROUNDS`` profiles nothing: it drives ``--turns`` chat turns through the real ASGI app (worker pool as
configured) at concurrency 1 and 16, ``ROUNDS`` times each, and prints the process CPU time per request of every
round and the minimum (client and server both run in this process, as in ``webhook_load.py``).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import webhook_load as wl  # noqa: E402


def run_inline(app: Any) -> None:
    """Make the app's worker pool run each task in the submitting thread."""
    pool = app.state.pipeline.pool

    def submit(_key: str, task: Any) -> None:
        """Run ``task`` now."""
        task()

    pool.submit = submit


def poster(app: Any) -> Any:
    """A function that sends one body through the webhook's request path (open → answer → render) in this thread.

    It is ``/wechat``'s path in its blocking form (``Pipeline.handle`` instead of awaiting the ticket)."""
    from bot.web.wechat import _render
    from bot.wechat.inbound import open_request

    state = app.state
    settings = state.services.settings

    def post(body: bytes) -> Any:
        """Open, answer and render one signed request."""
        started = time.monotonic()
        envelope = open_request(settings, wl.signed_query(), body, now=time.time())
        text = state.pipeline.handle(envelope.fields, started,
                                     before_claim=lambda session: state.replay.bind(session, envelope))
        return _render(state.pipeline, envelope, text)

    return post


def cpu_rounds(app: Any, turns: list[bytes], rounds: int) -> None:
    """Print the process CPU ms per chat turn through the ASGI app at concurrency 1 and 16, ``rounds`` times."""
    wl.drive(app, turns[:200], 16)  # warm-up
    for concurrency in (1, 16):
        per = []
        for _ in range(rounds):
            bodies = [wl.text_xml(f"o_chat_{i % 50}", wl.CHAT_TURNS[i % len(wl.CHAT_TURNS)]) for i in range(len(turns))]
            _, texts, wall, cpu = wl.timed_drive(app, bodies, concurrency)
            assert all("<Content>" in t for t in texts), "a chat turn got no passive reply"
            per.append(cpu * 1000 / len(bodies))
            print(f"concurrency {concurrency:2d}: {per[-1]:.3f} ms CPU/turn, {len(bodies) / wall:.0f} req/s", flush=True)
        print(f"concurrency {concurrency:2d}: min {min(per):.3f} ms CPU/turn over {rounds} rounds")


def main() -> None:
    """Warm up, then profile ``--turns`` chat turns (and ``--questions`` policy questions)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=400)
    parser.add_argument("--questions", type=int, default=0)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--cpu", type=int, default=0, help="rounds of unprofiled CPU timing through the ASGI app")
    args = parser.parse_args()
    from bot.wechat.testing.fakeapi import FakeWeChat

    with tempfile.TemporaryDirectory() as tmp, FakeWeChat() as fake:
        app, services = wl.project_app(Path(tmp) / "kc", None, embedding="auto", api_base=fake.base_url)
        if args.cpu:
            cpu_rounds(app, [wl.text_xml("o", "帮助")] * args.turns, args.cpu)
            services.db.dispose()
            return
        run_inline(app)
        post = poster(app)
        turns = [wl.text_xml(f"o_chat_{i % 50}", wl.CHAT_TURNS[i % len(wl.CHAT_TURNS)]) for i in range(args.turns)]
        bodies = turns if not args.questions else [wl.text_xml(f"o_q_{i}", q) for i, q in
                                                      enumerate(wl.questions(args.questions))]
        for i in range(100):  # warm-up with messages of their own (profiling the same MsgIds again would time retries)
            post(wl.text_xml(f"o_chat_{i % 50}", wl.CHAT_TURNS[i % len(wl.CHAT_TURNS)]))
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        for body in bodies:
            post(body)
        profile.disable()
        wall = time.perf_counter() - started
        print(f"{len(bodies)} requests, {wall / len(bodies) * 1000:.2f} ms each (profiled)")
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)
        services.db.dispose()


if __name__ == "__main__":
    main()
