"""Letter words read as the Chinese they stand for: net slang ("tql", "xswl", "3q") and everyday English words of
the assistant's tasks ("cancel", "lecture"), from ``data/intents/slang.txt``.

The intent model learns characters; a slang abbreviation or an English word it never saw carries no feature.
Written in Chinese, the same message meets the corpus words and the word classes (``lexicon.py``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

SLANG = Path(__file__).resolve().parent.parent / "data" / "intents" / "slang.txt"
_LETTER = re.compile(r"[a-z]")
_WORD = re.compile(r"(?<![a-z0-9])[a-z0-9]*[a-z][a-z0-9]*(?![a-z0-9])")  # a whole letter word (digits allowed)


@lru_cache(maxsize=1)
def glossary() -> dict[str, str]:
    """Letter word → Chinese."""
    out: dict[str, str] = {}
    for raw in SLANG.read_text(encoding="utf-8").splitlines():
        word, sep, chinese = raw.partition("=")
        if sep and not raw.lstrip().startswith("#"):
            out[word.strip().lower()] = chinese.strip()
    return out


def gloss(text: str) -> str:
    """A normalised (lower-case) text with its known letter words followed by their Chinese (the word itself stays:
    the corpus and the word classes may know it too)."""
    if not _LETTER.search(text):  # the common case: nothing written in letters
        return text
    table = glossary()
    return _WORD.sub(lambda m: f"{m.group(0)} {table[m.group(0)]}" if m.group(0) in table else m.group(0), text)
