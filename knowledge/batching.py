"""Micro-batching of query encodings: concurrent callers share one batched forward pass.

Each message worker that needs a query vector hands its text to the encoder threads (one per core) and waits.
While they run forward passes, new texts queue up; the next free encoder takes all of them at once (up to
``max_batch``). So a lone query is encoded at once (no waiting for company), and under load the model runs
on as many threads as there are cores, with batches, instead of one call per message worker fighting over them.

A failed batch is retried text by text, so an error reaches only the caller whose text caused it.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from functools import lru_cache
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

R = TypeVar("R")
MAX_BATCH = 32
CACHE_SIZE = 1024


class MicroBatcher(Generic[R]):
    """Runs ``encode_many`` on ``threads`` daemon threads, each over the texts that queued up while it was busy."""

    def __init__(self, encode_many: Callable[[list[str]], Sequence[R]], *, threads: int = 1,
                 max_batch: int = MAX_BATCH, on_start: Callable[[], None] | None = None,
                 name: str = "kc-embed") -> None:
        self._encode_many, self._max_batch, self._on_start, self._name = encode_many, max_batch, on_start, name
        self._count = max(1, threads)
        self._queue: queue.SimpleQueue[tuple[str, Future[R]]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._pid = 0
        self.batches = self.texts = 0  # forward passes run and texts encoded (for benches and tests)
        self.busy = 0.0  # seconds spent in ``encode_many``, all threads

    def submit(self, text: str) -> Future[R]:
        """Queue ``text``; the future holds its encoding (or the error encoding it raised)."""
        future: Future[R] = Future()
        self._ensure_threads()
        self._queue.put((text, future))
        return future

    def __call__(self, text: str) -> R:
        """Encode one text (blocks until its batch has run)."""
        return self.submit(text).result()

    def _ensure_threads(self) -> None:
        """Start the encoder threads on first use (again in a forked child, which has none; and after a crash)."""
        if self._pid == os.getpid() and len(self._threads) == self._count and all(t.is_alive() for t in self._threads):
            return
        with self._lock:
            if self._pid != os.getpid():
                self._queue, self._threads = queue.SimpleQueue(), []  # a child must not wait on its parent's queue
                self._pid = os.getpid()
            self._threads = [t for t in self._threads if t.is_alive()]
            while len(self._threads) < self._count:
                thread = threading.Thread(target=self._loop, name=f"{self._name}-{len(self._threads)}", daemon=True)
                thread.start()
                self._threads.append(thread)

    def _loop(self) -> None:
        """Take the first waiting text, add whatever else is queued, encode them together; forever."""
        if self._on_start is not None:
            try:
                self._on_start()
            except Exception:
                log.warning("encoder thread set-up failed (encoding goes on with defaults)", exc_info=True)
        while True:
            batch = [self._queue.get()]
            while len(batch) < self._max_batch:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                self._run(batch)
            except BaseException as exc:  # the thread is going down: nobody in this batch may wait forever
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                raise

    def _run(self, batch: list[tuple[str, Future[R]]]) -> None:
        """Encode one batch (identical texts once) and hand every caller its own result."""
        waiting: dict[str, list[Future[R]]] = {}
        for text, future in batch:
            if future.set_running_or_notify_cancel():
                waiting.setdefault(text, []).append(future)
        if not waiting:
            return
        texts = list(waiting)
        try:
            results = self._encode(texts)
        except Exception as exc:  # handed to the waiting callers, never lost
            if len(texts) == 1:
                _fail(waiting[texts[0]], exc)
                return
            for text in texts:  # which text failed? each on its own, so only its callers see the error
                self._one(text, waiting[text])
            return
        for text, result in zip(texts, results, strict=True):
            for future in waiting[text]:
                future.set_result(result)

    def _one(self, text: str, futures: list[Future[R]]) -> None:
        """Encode one text of a failed batch on its own; its callers get its result or its error."""
        try:
            result = self._encode([text])[0]
        except Exception as exc:
            _fail(futures, exc)
            return
        for future in futures:
            future.set_result(result)

    def _encode(self, texts: list[str]) -> Sequence[R]:
        """One forward pass; the backend must return one result per text."""
        started = time.perf_counter()
        try:
            results = self._encode_many(texts)
        finally:
            with self._lock:
                self.batches, self.texts = self.batches + 1, self.texts + len(texts)
                self.busy += time.perf_counter() - started
        if len(results) != len(texts):
            raise RuntimeError(f"encoder returned {len(results)} results for {len(texts)} texts")
        return results


def _fail(futures: list[Future[R]], exc: BaseException) -> None:
    """Hand ``exc`` to every future."""
    for future in futures:
        future.set_exception(exc)


def normalise(text: str) -> str:
    """The text as encoded and cached: surrounding and repeated whitespace collapsed."""
    return " ".join(text.split())


class QueryEncoder(Generic[R]):
    """Query encodings through a :class:`MicroBatcher`, with a small LRU cache on the normalised text."""

    def __init__(self, encode_many: Callable[[list[str]], Sequence[R]], *, threads: int = 1,
                 cache_size: int = CACHE_SIZE, on_start: Callable[[], None] | None = None) -> None:
        self.batcher: MicroBatcher[R] = MicroBatcher(encode_many, threads=threads, on_start=on_start)
        self._cached = lru_cache(maxsize=cache_size)(self.batcher)

    def __call__(self, text: str) -> R:
        """The encoding of ``text`` (cached; errors are not cached)."""
        return self._cached(normalise(text))
