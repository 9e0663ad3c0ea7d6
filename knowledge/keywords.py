"""Key terms of a text by jieba's TF-IDF (achievement keywords), with a warm-up for process start.

Importing ``jieba.analyse`` reads its IDF table (hundreds of thousands of lines): seconds on a cold or busy
process. Done inside a user's turn it pushed the reply past WeChat's passive-reply budget, so processes that
serve chat call ``warm()`` at start.
"""

from __future__ import annotations

import re
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

    terms = load_thesaurus().terms
    tags = [t for t in extract_tags(text, pool * 3) if len(t) >= 2 and (t in terms or not fragment(t))]
    compounds = [t for t in terms if len(t) >= 4 and t in text]
    joined = (next((c for c in compounds if tag in c and c != tag), tag) for tag in tags)
    return list(dict.fromkeys(joined))


_FUNCTION_HEAD = set("比在把被给对用从向和与跟及或就都也还又再很太更最是")
_PARTICLE_TAIL = set("上下里中了着过的地得")
_COUNTED = r"[一二两三四五六七八九十几每][层个种项次件台套批条块片根只张道步]"
RARE = 5  # jieba counts: '包上' 3 is a cut across words, '凝胶' 114 is a term


def fragment(tag: str) -> bool:
    """A tag cut across words: '比酸法' of '提取率比酸法高' (a function word at its head, unknown to the dictionary)
    or '包上' of '包上一层' (a rare entry ending in a particle), or a count ('一层', '两种')."""
    freq, pos = dictionary_entry(tag)
    counted = re.fullmatch(_COUNTED, tag) is not None
    verb_then_particle = tag[-1] in _PARTICLE_TAIL and freq <= RARE and pos.startswith("v")  # not '线上', '和面'
    return counted or (tag[0] in _FUNCTION_HEAD and not freq) or verb_then_particle


def dictionary_entry(word: str) -> tuple[int, str]:
    """jieba's count and part-of-speech tag of a dictionary word ((0, '') when unknown)."""
    import jieba
    import jieba.posseg

    jieba.dt.check_initialized()
    return int(jieba.dt.FREQ.get(word) or 0), str(jieba.posseg.dt.word_tag_tab.get(word, ""))


def names_a_thing(text: str) -> bool:
    """Whether ``text`` holds a noun of two or more characters ('果树和茶叶', '雷达'), not only an acknowledgement or a
    hedge ('知道了', '先这样', '明天再说', '嗯嗯')."""
    import jieba.posseg

    return any(len(w.word) >= 2 and w.flag.startswith(("n", "vn", "nz")) for w in jieba.posseg.cut(text))


SPECIFIC = 1000  # jieba counts below this mark a specific word ('伞衣' 11, '订单' 300), above it a common one ('难题' 1148)


def specific_words(text: str) -> int:
    """How many specific words (rare or unknown nouns, terms and Latin codes: '伞衣', 'CNC', '农残') ``text`` holds; a
    clause naming the thing in trouble has some, '遇到个难题' or '找地方测一下' has none."""
    import jieba.posseg

    return sum(1 for w in jieba.posseg.cut(text) if len(w.word) >= 2 and w.flag.startswith(("n", "vn", "eng", "j", "l"))
               and not w.flag.startswith("nr") and dictionary_entry(w.word)[0] < SPECIFIC)
