"""Start-up time of ``kc`` commands: median wall and CPU seconds over a few runs (a fresh temp data dir).

Usage: .venv/bin/python bench/cli_startup.py [--runs 3]
Targets (issue 17): ``kc --help`` under 1 s, common commands about 3 s. CPU time is printed beside the wall
time because on a busy machine the wall time mostly measures waiting for a core.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = (["--help"], ["demands", "list"], ["events", "list"], ["jobs", "list"], ["outbox", "list"])


def measure(args: list[str], env: dict[str, str], cwd: str) -> tuple[float, float]:
    """Wall and CPU seconds of one ``kc`` run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from bot.cli import main; main()", *args], env=env, cwd=cwd,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    """Print median wall/CPU per command and whether the targets are met."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KC_")}
        env.update(PYTHONPATH=str(ROOT), KC_DATA_DIR=str(Path(tmp) / "data"), KC_EMBEDDING_MODEL="none")
        measure(["jobs", "list"], env, tmp)  # creates and migrates the database once
        print(f"kc start-up, median of {args.runs} runs, load average {os.getloadavg()[0]:.1f}")
        for command in COMMANDS:
            runs = [measure(command, env, tmp) for _ in range(args.runs)]
            wall, cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
            target = 1.0 if command == ["--help"] else 3.0
            mark = "met" if cpu < target else "NOT met"
            print(f"  kc {' '.join(command):14s} wall {wall:5.2f} s   cpu {cpu:5.2f} s   [{mark}: cpu < {target:.0f} s]")


if __name__ == "__main__":
    main()
