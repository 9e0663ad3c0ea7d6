"""Handler time of one very long message (60 KB) at the description step, against a short one in the same run.

Run: .venv/bin/python bench/long_message.py — prints both timings and their ratio (per-message work is bounded:
the form engine reads at most 1000 characters; the webhook itself cuts Content at 8000).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.container import Container  # noqa: E402
from tests.support.dialogue_sim import DirectBot  # noqa: E402
from tests.support.env import make_settings  # noqa: E402


def timed(bot: DirectBot, openid: str, text: str) -> float:
    """Seconds to answer ``text`` at the description question."""
    bot.send(openid, "提需求")
    started = time.perf_counter()
    bot.send(openid, text)
    return time.perf_counter() - started


def main() -> None:
    """Measure and print."""
    services = Container.create(make_settings(Path(tempfile.mkdtemp()) / "data"), knowledge=None)
    bot = DirectBot(services)
    short = "骨架焊完变形大，想找高校帮忙解决"
    timed(bot, "warm", short)
    base = min(timed(bot, f"s{i}", short) for i in range(3))
    big = ("我们做汽车座椅骨架，焊接以后变形大，装配老是对不上，想找高校帮忙解决。" * 1500)[:20000]  # 60 KB UTF-8
    long = min(timed(bot, f"l{i}", big) for i in range(3))
    print(f"short message: {base * 1000:.0f} ms; 60 KB message ({len(big.encode())} bytes): {long * 1000:.0f} ms; "
          f"ratio {long / base:.1f}")
    services.close()


if __name__ == "__main__":
    main()
