"""A bounded pool of worker threads with a queue, serial per key (one user's messages run one at a time, in order).

``submit(key, task)`` queues a task; at most ``size`` threads run tasks, each key's tasks run in the order they
were submitted and never two at once, and a key waiting for its turn occupies no thread. When ``capacity``
tasks are already waiting or running, ``submit`` refuses (``Full``) instead of growing without bound.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable

log = logging.getLogger(__name__)

Task = Callable[[], object]


def _held() -> None:
    """The placeholder head task of a key held by a caller's own thread (``WorkerPool.hold``); never run."""


class Full(RuntimeError):
    """The pool's queue is at capacity; the caller should shed the load (WeChat retries)."""


class WorkerPool:
    """``size`` threads over per-key FIFO queues; started lazily, stopped by ``shutdown``."""

    def __init__(self, *, size: int = 8, capacity: int = 512, name: str = "kc-worker") -> None:
        self.size, self.capacity, self.name = size, capacity, name
        self._cond = threading.Condition()
        self._keys: dict[str, deque[Task]] = {}  # pending tasks per key (the head may be running)
        self._ready: deque[str] = deque()  # keys whose head task may run now
        self._pending = 0  # tasks queued or running
        self._threads: list[threading.Thread] = []
        self._closed = False

    def submit(self, key: str, task: Task) -> None:
        """Queue ``task`` behind ``key``'s earlier tasks; raises ``Full`` at capacity."""
        with self._cond:
            if self._closed:
                raise Full("the pool is shutting down")
            if self._pending >= self.capacity:
                raise Full(f"{self._pending} tasks waiting")
            self._pending += 1
            queue = self._keys.get(key)
            if queue is None:
                self._keys[key] = deque([task])
                self._ready.append(key)
                self._cond.notify()
            else:
                queue.append(task)
            self._grow()

    def hold(self, key: str) -> bool:
        """Take ``key``'s turn for the calling thread when nothing of ``key``'s is queued or running; False otherwise.

        While held, tasks submitted for ``key`` wait behind the holder (``release`` lets them run)."""
        with self._cond:
            if self._closed or key in self._keys or self._pending >= self.capacity:
                return False
            self._keys[key] = deque([_held])
            self._pending += 1
            return True

    def release(self, key: str) -> None:
        """Give back a turn taken by ``hold``: ``key``'s tasks submitted meanwhile may run now."""
        with self._cond:
            self._next(key)

    def _next(self, key: str) -> None:
        """Drop ``key``'s head task (it ran); requeue the key when more wait (caller holds the condition)."""
        queue = self._keys[key]
        queue.popleft()
        self._pending -= 1
        if queue:
            self._ready.append(key)
            self._grow()
        else:
            del self._keys[key]
        self._cond.notify_all()

    def _grow(self) -> None:
        """Start another thread while there is ready work and room (caller holds the condition)."""
        alive = sum(t.is_alive() for t in self._threads)
        if alive < self.size and len(self._ready) > 0 and alive < self._pending:
            thread = threading.Thread(target=self._run, name=f"{self.name}-{len(self._threads)}", daemon=True)
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
            thread.start()

    def _run(self) -> None:
        """Worker loop: take a ready key, run its head task, requeue the key if more are waiting."""
        while True:
            with self._cond:
                while not self._ready and not self._closed:
                    self._cond.wait()
                if not self._ready:
                    return
                key = self._ready.popleft()
                task = self._keys[key][0]
            try:
                task()
            except Exception:  # a task handles its own errors; this keeps the thread alive regardless
                log.exception("worker task for %s failed", key)
            with self._cond:
                self._next(key)

    @property
    def pending(self) -> int:
        """Tasks queued or running."""
        with self._cond:
            return self._pending

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until no task is queued or running; True when the pool is idle."""
        end = time.monotonic() + timeout
        with self._cond:
            while self._pending:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def shutdown(self, timeout: float = 30.0) -> bool:
        """Refuse new tasks, finish the queued ones, stop the threads; True when all finished in time."""
        with self._cond:
            self._closed = True
        idle = self.drain(timeout)
        with self._cond:
            self._cond.notify_all()
        return idle
