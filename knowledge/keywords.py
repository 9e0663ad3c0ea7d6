"""Key terms of a text by jieba's TF-IDF (achievement keywords), with a warm-up for process start.

Importing ``jieba.analyse`` reads its IDF table (hundreds of thousands of lines): seconds on a cold or busy
process. Done inside a user's turn it pushed the reply past WeChat's passive-reply budget, so processes that
serve chat call ``warm()`` at start.
"""

from __future__ import annotations

import re
from typing import Any

_COUNTED = re.compile(r"^[\d一二两三四五六七八九十百千万几多]+[个家项种台套次年月天人倍批成]?$|^[一二两三四五六七八九十几][个家项种台套次批成]")
_USE_WORDS = frozenset({"试用", "使用", "推广", "合作", "试验", "验证", "成功", "效果", "可以", "能够", "相关", "通过", "实际"})


def _analyse() -> Any:
    """jieba's keyword extractor module (its IDF table is read on first import)."""
    import jieba.analyse

    return jieba.analyse


def warm() -> None:
    """Read jieba's dictionary and IDF table now, not in the first summary of an achievement."""
    _analyse().extract_tags("预热 关键词", topK=1)


def extract_tags(text: str, top: int) -> list[str]:
    """The ``top`` terms of ``text`` by TF-IDF, best first."""
    return list(_analyse().extract_tags(text, topK=top))


def key_terms(text: str, top: int) -> list[str]:
    """The ``top`` key terms of ``text``: jieba's TF-IDF tags, parts of a domain term the text holds joined back
    into it ('深度' + '学习' → 深度学习, from the matching thesaurus), counts ('两家') and words about a result's
    use ('试用') left out."""
    from knowledge.matching.thesaurus import load_thesaurus

    tags = [t for t in extract_tags(text, top * 3) if len(t) >= 2]
    compounds = [t for t in load_thesaurus().terms if len(t) >= 4 and t in text]
    out: list[str] = []
    for tag in tags:
        whole = next((c for c in compounds if tag in c and c != tag), None)
        out.append(whole or tag)
    kept = (t for t in dict.fromkeys(out) if not _COUNTED.search(t) and t not in _USE_WORDS)
    return list(kept)[:top]
