"""Tokenisation (jieba words, CJK character bigrams, thesaurus concepts), a shared vocabulary, sparse BM25
and sparse TF-IDF cosine spaces (BM25 and the vocabulary live in ``knowledge.bm25``)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from knowledge.matching.thesaurus import Thesaurus

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_WORD_OK = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9][\u4e00-\u9fffA-Za-z0-9.+\-]*$")
STOPWORDS = frozenset(
    [
        "我们",
        "你们",
        "他们",
        "现在",
        "想找",
        "希望",
        "一个",
        "一些",
        "这个",
        "那个",
        "这些",
        "就是",
        "还是",
        "但是",
        "而且",
        "因为",
        "所以",
        "如果",
        "可以",
        "能够",
        "没有",
        "不能",
        "什么",
        "怎么",
        "时候",
        "问题",
        "办法",
        "方法",
        "技术",
        "工艺",
        "提高",
        "实现",
        "采用",
        "利用",
        "基于",
        "通过",
        "进行",
        "以及",
        "其中",
        "相关",
        "需要",
        "比较",
        "很多",
        "一直",
        "已经",
        "最好",
        "或者",
        "还有",
        "东西",
        "别的",
        "知道",
        "目前",
        "主要",
        "以上",
        "以下",
        "达到",
        "降低",
        "提升",
        "适用",
        "适用于",
        "用于",
        "具有",
    ]
)
CONCEPT_PREFIX = "§"


@lru_cache(maxsize=2)
def _jieba(user_terms: tuple[str, ...]) -> Any:
    """A private jieba tokenizer with the thesaurus terms added (imported lazily)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    for term in user_terms:
        tok.add_word(term, freq=2000)
    return tok


@dataclass
class Tokenizer:
    """Turns text into lexical tokens; which kinds is configurable (for ablations)."""

    thesaurus: Thesaurus | None = None
    words: bool = True
    bigrams: bool = True
    concepts: bool = True

    def tokens(self, text: str) -> list[str]:
        """All tokens of ``text`` (repeats kept: term frequency matters)."""
        out: list[str] = []
        if self.words:
            out += self.word_tokens(text)
        if self.bigrams:
            out += [run[i : i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)]
        if self.concepts and self.thesaurus is not None:
            out += [f"{CONCEPT_PREFIX}{hit.cid}" for hit in self.thesaurus.concepts(text)]
        return out

    def word_tokens(self, text: str) -> list[str]:
        """jieba words, lower-cased, without stopwords, punctuation and single characters."""
        terms = self.thesaurus.terms if self.thesaurus else ()
        words = (w.strip().lower() for w in _jieba(terms).lcut(text))
        return [w for w in words if len(w) >= 2 and _WORD_OK.match(w) and w not in STOPWORDS]


def tfidf_rows(tf: Any, idf: np.ndarray) -> Any:
    """Row-normalised sublinear TF-IDF vectors (CSR) from a count matrix."""
    from scipy import sparse

    tf = tf.tocsr(copy=True)
    tf.data = (1.0 + np.log(tf.data)) * idf[tf.indices]
    norms = np.sqrt(np.asarray(tf.multiply(tf).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ tf


def smooth_idf(df: np.ndarray, n: int) -> np.ndarray:
    """IDF with smoothing, for TF-IDF cosine spaces."""
    return np.log((n + 1.0) / (df + 0.5)).astype(np.float32) if n else np.zeros_like(df, dtype=np.float32)


def idf_of(df: int, n: int) -> float:
    """Scalar version of ``smooth_idf`` (for ranking reason keywords)."""
    return math.log((n + 1.0) / (df + 0.5)) if n else 0.0
