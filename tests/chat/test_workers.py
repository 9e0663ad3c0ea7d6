"""The bounded worker pool: one key's tasks in order and never together, other keys in parallel, a hard cap."""

from __future__ import annotations

import threading
import time

import pytest

from bot.chat.workers import Full, WorkerPool


def test_one_keys_tasks_run_in_order_and_never_together() -> None:
    pool, order, active, peak = WorkerPool(size=4), [], [0], [0]
    guard = threading.Lock()

    def task(i: int) -> None:
        with guard:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.01)
        with guard:
            order.append(i)
            active[0] -= 1

    for i in range(8):
        pool.submit("u1", lambda i=i: task(i))
    assert pool.drain(10)
    assert order == list(range(8)) and peak[0] == 1


def test_other_keys_are_not_held_up_by_a_slow_one() -> None:
    pool, release, done = WorkerPool(size=2), threading.Event(), threading.Event()
    pool.submit("slow", release.wait)
    pool.submit("slow", done.set)  # queued behind the slow task: it occupies no thread meanwhile
    pool.submit("fast", done.set)
    assert done.wait(5)
    release.set()
    assert pool.drain(5) and pool.pending == 0


def test_a_full_queue_refuses_and_shutdown_finishes_queued_work() -> None:
    pool, release, ran = WorkerPool(size=1, capacity=2), threading.Event(), []
    pool.submit("a", release.wait)
    pool.submit("b", lambda: ran.append("b"))
    with pytest.raises(Full):
        pool.submit("c", lambda: ran.append("c"))
    release.set()
    assert pool.shutdown(5) and ran == ["b"]
    with pytest.raises(Full):
        pool.submit("d", lambda: None)


def test_shutdown_ends_the_threads() -> None:
    pool = WorkerPool(size=3, name="kc-test-pool")
    for key in ("a", "b", "c"):
        pool.submit(key, lambda: time.sleep(0.01))
    assert pool.shutdown(5)
    deadline = time.monotonic() + 5
    while any(t.name.startswith("kc-test-pool") for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not any(t.name.startswith("kc-test-pool") for t in threading.enumerate())
