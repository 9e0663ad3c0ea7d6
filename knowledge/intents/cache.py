"""Train the intent model from the corpus once and cache it under the data directory, keyed by the corpus hash.

The cheap model trains in about a second at first start; the vector stage (one sentence vector per corpus
utterance, tens of seconds with a CPU embedder) trains in a background thread and is used once it is ready.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .corpus import CORPUS, corpus_version, load_corpus
from .model import IntentModel, train, train_vector_stage

if TYPE_CHECKING:
    from knowledge.embeddings import Embedder

log = logging.getLogger(__name__)
FEATURES_VERSION = "9"  # bump when features.py or the training changes meaning

_models: dict[tuple[str, str], IntentModel] = {}  # one model per corpus version per process
_lock = threading.Lock()
_vector_jobs: set[tuple[str, str]] = set()


def _key(corpus: Path) -> str:
    """Cache key: corpus content + feature version."""
    return f"{corpus_version(corpus)}-f{FEATURES_VERSION}"


def _read(path: Path) -> object | None:
    """Unpickle a cache file written by this module; None when absent or unreadable."""
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)  # noqa: S301 - our own cache file in the data directory
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        return None


def _write(path: Path, obj: object) -> None:
    """Write atomically (another process may read the same cache)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def load_model(cache_dir: Path | None, corpus: Path = CORPUS) -> IntentModel:
    """The model for ``corpus``: from memory, from ``cache_dir/intents``, or trained now (and cached there)."""
    key = _key(corpus)
    memo = (str(corpus), key)
    with _lock:
        if memo not in _models:
            path = cache_dir / "intents" / f"model-{key}.pkl" if cache_dir else None
            model = _read(path) if path else None
            if not isinstance(model, IntentModel):
                model = train(load_corpus(corpus), version=key)
                if path:
                    _write(path, model)
            _models[memo] = model
        return _models[memo]


def _vector_path(cache_dir: Path, key: str, embedder: str) -> Path:
    """Cache file of the vector stage for one embedder."""
    tag = hashlib.sha256(embedder.encode()).hexdigest()[:12]
    return cache_dir / "intents" / f"vectors-{key}-{tag}.pkl"


def attach_vector_stage(model: IntentModel, cache_dir: Path | None, embedder: str,
                        encode: Callable[[str], np.ndarray], corpus: Path = CORPUS, *,
                        background: bool = True,
                        encode_many: Callable[[list[str]], np.ndarray] | None = None) -> None:
    """Give ``model`` its sentence-vector stage for ``embedder``: from the cache, else trained (in a thread).

    ``encode_many`` (preferred) encodes the corpus in batches on the training thread; without it every
    utterance goes through ``encode`` one by one."""
    if model.vector_stage is not None and model.vector_stage.embedder == embedder:
        return
    path = _vector_path(cache_dir, model.version, embedder) if cache_dir else None
    cached = _read(path) if path else None
    if cached is not None and getattr(cached, "embedder", None) == embedder:
        model.vector_stage = cached  # type: ignore[assignment]
        return
    job = (str(path), embedder)
    with _lock:
        if job in _vector_jobs:
            return
        _vector_jobs.add(job)

    def run() -> None:
        try:
            rows = load_corpus(corpus)
            if encode_many is not None:
                vectors = np.asarray(encode_many([r.text for r in rows]), dtype=np.float64)
            else:
                vectors = np.vstack([np.asarray(encode(r.text), dtype=np.float64) for r in rows])
            stage = train_vector_stage(model, rows, vectors, embedder)
            if path:
                _write(path, stage)
            model.vector_stage = stage
            log.info("intent vector stage ready (%s, %d utterances)", embedder, len(rows))
        except Exception:  # the cheap model keeps working without it
            log.warning("intent vector stage not trained", exc_info=True)

    if background:
        threading.Thread(target=run, name="kc-intent-vectors", daemon=True).start()
    else:
        run()


def warm(cache_dir: Path | None, embedder: Embedder | None = None, *, background: bool = True,
         progress: Callable[[int, int], None] | None = None) -> IntentModel:
    """Load (or train) the model and its tokenizer now, not inside the first user's reply budget; with an enabled
    ``embedder`` (the knowledge base's) also its vector stage: from the cache, else trained now (``background``:
    in a thread while the process serves with the cheap model; ``progress(done, total)`` while encoding)."""
    model = load_model(cache_dir)
    model.predict("你好")
    if embedder is not None and embedder.enabled:
        batches = getattr(embedder, "encode_query_batches", None)
        encode_many = (lambda texts: batches(texts, progress=progress)) if batches is not None else None
        attach_vector_stage(model, cache_dir, embedder.name, embedder.encode_query, background=background,
                            encode_many=encode_many)
    return model
