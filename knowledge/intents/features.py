"""Features of a message for the cheap intent model: character 1–3-grams, jieba words, a few shape markers,
and the pinyin syllables (homophone typos).

Everything is a string feature; the model turns them into a sparse TF-IDF vector with its own vocabulary.
Normalisation folds full-width forms, digits and record ids so "E04" and "E12" look alike ("D12" keeps its kind).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache
from typing import Any

from .lexicon import lexicon_features
from .sounds import syllables

_ID = re.compile(r"(?<![a-z0-9])([a-z])\d{1,4}(?![0-9])")  # after lower(); "E06帮我撤了": glued to characters too
_ID_KINDS = {"a": "¤£", "d": "¤¥", "e": "¤€"}  # the record's kind (achievement, demand, event) outlives the folding
_PHONE = re.compile(r"1\d{10}|\d{3,4}-\d{7,8}")
_NUMBER = re.compile(r"\d{5,}")  # long numbers only: "88", "666", "3q" are words
_SPACE = re.compile(r"\s+")
_EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF]")
_QUESTION = re.compile(r"[?？]|[吗么嘛呢不没]$|啥|咋|什么|怎么|如何|哪|几|多少|是否|能不能|有没有")
_CJK = re.compile(r"[\u4e00-\u9fff]")
HEAD, TAIL = 400, 100  # a longer message is read by its head and tail, where people say what they want


@lru_cache(maxsize=1)
def _jieba() -> Any:
    """jieba's default tokenizer, quiet."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def words(text: str) -> list[str]:
    """jieba's words of a normalised text."""
    return [w for w in _jieba().lcut(normalize(text)) if w.strip()]


def normalize(text: str) -> str:
    """NFKC, lower case, phones/ids/long numbers folded to placeholders, spaces collapsed."""
    t = unicodedata.normalize("NFKC", text or "").lower().strip()
    t = _PHONE.sub("§", t)
    t = _ID.sub(lambda m: _ID_KINDS.get(m.group(1), "¤"), t)
    t = _NUMBER.sub("0", t)
    return _SPACE.sub(" ", t)


def _length_marker(text: str) -> str:
    """A coarse length bucket (small talk is short, descriptions are long)."""
    n = len(text)
    return "x:len" + ("1" if n <= 2 else "2" if n <= 5 else "3" if n <= 12 else "4" if n <= 30 else "5")


def _clip(text: str) -> str:
    """The head and tail of a long message (the model's cost stays bounded: jieba is linear and slow)."""
    return text if len(text) <= HEAD + TAIL else f"{text[:HEAD]} {text[-TAIL:]}"


def features(text: str) -> list[str]:
    """The feature strings of one message."""
    t = _clip(normalize(text))
    compact = t.replace(" ", "")
    grams = [f"c:{compact[i:i + n]}" for n in (1, 2, 3) for i in range(len(compact) - n + 1)]
    grams += [f"c:^{compact[:2]}", f"c:{compact[-2:]}$"]
    tokens = [f"w:{w}" for w in _jieba().lcut(t) if w.strip()]
    marks = [_length_marker(compact)]
    if _QUESTION.search(compact):
        marks.append("x:question")
    for emoji in _EMOJI.findall(compact):  # 👍 → "thumbs", "up": emoji that were never seen still carry meaning
        marks += ["x:emoji", *(f"e:{w}" for w in unicodedata.name(emoji, "").lower().split() if w != "sign")]
    if not _CJK.search(compact):
        marks.append("x:nocjk")
    extra = [f for name in EXTRAS for f in _EXTRA[name](t)]
    return grams + tokens + marks + extra


def sound_features(text: str) -> list[str]:
    """Pinyin syllables and syllable pairs: homophone typos and pinyin typed in letters meet the right words."""
    syl = syllables(text)
    return [f"p:{s}" for s in syl] + [f"p:{a}_{b}" for a, b in zip(syl, syl[1:], strict=False)]


def edge_features(text: str) -> list[str]:
    """The first and last character alone (of a normalised text): a lead '那…' or a closing '…呢' marks a follow-up,
    whatever it is about."""
    compact = text.replace(" ", "")
    return [f"c:^{compact[:1]}", f"c:{compact[-1:]}$"] if compact else []


_EXTRA = {"sounds": sound_features, "lexicon": lexicon_features, "edges": edge_features}
EXTRAS: tuple[str, ...] = ("sounds", "lexicon", "edges")  # the feature families added to characters and words
