"""The intent layer's per-message shortcuts: the corpus hash follows the file, predictions are remembered per text."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from knowledge.intents import load_corpus
from knowledge.intents.cache import load_model
from knowledge.intents.corpus import corpus_version
from knowledge.intents.model import train

CORPUS = "## greeting\n你好\n您好\n早上好\n## help\n帮助\n怎么用\n有什么功能\n## thanks\n谢谢\n多谢\n感谢\n"


def test_corpus_version_follows_the_file_without_rehashing_an_unchanged_one(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.txt"
    corpus.write_text(CORPUS, encoding="utf-8")
    first = corpus_version(corpus)
    assert corpus_version(corpus) == first
    corpus.write_text(CORPUS + "在吗\n", encoding="utf-8")  # an edited corpus is a new model
    assert corpus_version(corpus) != first
    stat = corpus.stat()
    corpus.write_text(CORPUS.replace("您好", "你好"), encoding="utf-8")  # same size, same mtime: another inode
    os.utime(corpus, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert corpus_version(corpus) != first


def test_an_edited_corpus_trains_a_new_model(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.txt"
    corpus.write_text(CORPUS, encoding="utf-8")
    before = load_model(None, corpus)
    corpus.write_text(CORPUS + "## goodbye\n再见\n拜拜\n", encoding="utf-8")
    after = load_model(None, corpus)
    assert "goodbye" not in before.labels and "goodbye" in after.labels


def test_predictions_are_remembered_per_text_and_never_pickled(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.txt"
    corpus.write_text(CORPUS, encoding="utf-8")
    model = train(load_corpus(corpus))
    greeting = model.predict("你好")
    assert model.predict("你好") is greeting  # the second ask is a dict lookup
    assert model.predict("帮助").intent == "help" and model.predict("你好").intent == "greeting"
    copy = pickle.loads(pickle.dumps(model))
    assert "_predictions" not in copy.__dict__ and copy.predict("你好") == greeting
