"""Key terms of a text by jieba's TF-IDF (achievement keywords), with a warm-up for process start.

Importing ``jieba.analyse`` reads its IDF table (hundreds of thousands of lines): seconds on a cold or busy
process. Done inside a user's turn it pushed the reply past WeChat's passive-reply budget, so processes that
serve chat call ``warm()`` at start.
"""

from __future__ import annotations

from typing import Any


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


def key_terms(text: str, pool: int) -> list[str]:
    """jieba's ``pool`` best TF-IDF tags of ``text`` (three times as many read), best first, with the parts of a
    domain term the text holds joined back into it ('深度' + '学习' → 深度学习, from the matching thesaurus)."""
    from knowledge.matching.thesaurus import load_thesaurus

    tags = [t for t in extract_tags(text, pool * 3) if len(t) >= 2]
    compounds = [t for t in load_thesaurus().terms if len(t) >= 4 and t in text]
    joined = (next((c for c in compounds if tag in c and c != tag), tag) for tag in tags)
    return list(dict.fromkeys(joined))
