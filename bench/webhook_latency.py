"""Webhook latency: p50/p99 of passive replies through the real app (signing, XML, dedup, dispatch, persist).

Usage: .venv/bin/python bench/webhook_latency.py [--n 300] [--database-url URL]
Runs in-process (fastapi TestClient) on a fresh SQLite database (or a scratch database URL: rows are written)
with the menu/help capability, so the figures are the gateway's own overhead, not a knowledge-base answer.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.container import Container  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.web.app import create_app  # noqa: E402
from bot.wechat.testing.simulator import simulate  # noqa: E402


def percentile(values: list[float], pct: float) -> float:
    """The ``pct`` percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * len(ordered) + 0.5)) - 1)]


def run(mode: str, n: int, services: Container) -> list[float]:
    """Send ``n`` help messages from a few users in ``mode``; latencies in milliseconds."""
    timings = []
    with simulate(services, app_factory=create_app, mode=mode) as sim:
        sim.send_text("o_warm", "帮助")
        for i in range(n):
            started = time.perf_counter()
            reply = sim.send_text(f"o_bench_{i % 20}", "帮助")
            timings.append((time.perf_counter() - started) * 1000)
            assert reply, "no passive reply"
    return timings


def main() -> None:
    """Print p50/p99/mean per mode."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp), database_url=args.database_url,  # type: ignore[call-arg]
                            scheduler=False, seed_samples=False)
        services = Container.create(settings)
        print(f"webhook latency, {args.n} messages per mode, {services.db.engine.dialect.name}")
        for mode in ("plain", "aes"):
            ms = run(mode, args.n, services)
            print(f"  {mode:5s}  p50 {percentile(ms, 50):6.1f} ms   p99 {percentile(ms, 99):6.1f} ms   "
                  f"mean {statistics.fmean(ms):6.1f} ms")
        services.close()


if __name__ == "__main__":
    main()
