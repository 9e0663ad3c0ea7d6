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
FEATURES_VERSION = "13"  # bump when features.py or the training changes meaning

_models: dict[tuple[str, str], IntentModel] = {}  # one model per corpus version per process
_lock = threading.Lock()
_vector_jobs: set[tuple[str, str]] = set()
SHIPPED = CORPUS.parent  # knowledge/data/intents: vectors-<embedder tag>.npz built by scripts/ship_intent_vectors.py


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


def _tag(embedder: str) -> str:
    """A short file-name tag for an embedder's name."""
    return hashlib.sha256(embedder.encode()).hexdigest()[:12]


def _vector_path(cache_dir: Path, key: str, embedder: str) -> Path:
    """Cache file of the vector stage for one embedder."""
    return cache_dir / "intents" / f"vectors-{key}-{_tag(embedder)}.pkl"


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
            vectors = corpus_vectors([r.text for r in rows], embedder, encode, encode_many)
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


def shipped_path(embedder: str, folder: Path = SHIPPED) -> Path:
    """The vector table shipped in the repo for ``embedder`` (corpus text → its sentence vector)."""
    return folder / f"vectors-{_tag(embedder)}.npz"


def shipped_vectors(embedder: str, folder: Path = SHIPPED) -> dict[str, np.ndarray]:
    """Vectors of corpus utterances encoded at build time ({} when none were shipped for ``embedder``)."""
    try:
        with np.load(shipped_path(embedder, folder), allow_pickle=False) as table:
            if str(table["embedder"]) != embedder:
                return {}
            return dict(zip((str(t) for t in table["texts"]), table["vectors"], strict=True))
    except (OSError, KeyError, ValueError):
        return {}


def corpus_vectors(texts: list[str], embedder: str, encode: Callable[[str], np.ndarray],
                   encode_many: Callable[[list[str]], np.ndarray] | None = None,
                   folder: Path = SHIPPED) -> np.ndarray:
    """One vector per text: from the shipped table where it holds the text, the rest encoded now (batched
    when ``encode_many`` is given) — a first start encodes only the lines added since the table was built."""
    known = shipped_vectors(embedder, folder)
    missing = list(dict.fromkeys(t for t in texts if t not in known))
    if missing:
        fresh = (np.asarray(encode_many(missing)) if encode_many is not None
                 else np.vstack([np.asarray(encode(t)) for t in missing]))
        known.update(zip(missing, fresh, strict=True))
    return np.vstack([np.asarray(known[t], dtype=np.float64) for t in texts])


def ship_vectors(texts: list[str], embedder: str, encode_many: Callable[[list[str]], np.ndarray],
                 folder: Path = SHIPPED) -> Path:
    """Encode ``texts`` and write the shipped table for ``embedder`` (float16: 1.7 MB for 2,000 lines)."""
    unique = list(dict.fromkeys(texts))
    vectors = np.asarray(encode_many(unique), dtype=np.float16)
    path = shipped_path(embedder, folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, embedder=np.array(embedder), texts=np.array(unique), vectors=vectors)
    return path


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
