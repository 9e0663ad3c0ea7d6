"""What a message sounds like: toneless pinyin syllables of its Chinese characters and of pinyin typed in letters.

People type by sound: "wo yao bao ming" for 我要报名, 蟹蟹 for 谢谢, 抱名 for 报名. Giving the intent model the
syllables as features lets such messages meet the corpus utterances that are spelt right. Heteronyms take
their first reading (the same choice for the corpus and for the message, which is all that matters here).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

_LETTERS = re.compile(r"[a-z]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_RUN = re.compile(r"[a-z]+|[\u4e00-\u9fff]")
MAX_SYLLABLE = 6  # "zhuang", "shuang"


def _toneless(reading: str) -> str:
    """A pinyin reading without tone marks, ü written v (as typed on a keyboard)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", reading) if not unicodedata.combining(c))
    return plain.replace("ü", "v").replace("u\u0308", "v")


@lru_cache(maxsize=1)
def _table() -> tuple[dict[int, str], frozenset[str]]:
    """Code point → first toneless reading, and the syllables that pinyin typed in letters is split into."""
    from pypinyin.pinyin_dict import pinyin_dict

    readings = {cp: _toneless(v.split(",", 1)[0]) for cp, v in pinyin_dict.items()}
    syllables = frozenset(s for s in readings.values() if s.isascii() and re.search(r"[aeiouv]", s))
    return readings, syllables


@lru_cache(maxsize=8192)
def split_letters(word: str) -> tuple[str, ...]:
    """A letters-only word split into pinyin syllables (fewest syllables), or () when it is not pinyin."""
    _, syllables = _table()
    best: list[tuple[str, ...] | None] = [()] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - MAX_SYLLABLE), end):
            head = best[start]
            if head is not None and word[start:end] in syllables:
                candidate = (*head, word[start:end])
                if best[end] is None or len(candidate) < len(best[end] or ()):
                    best[end] = candidate
    return best[-1] or ()


def syllables(text: str) -> list[str]:
    """The syllables of a normalised (lower-case) text, in order: characters read, letters split."""
    readings, _ = _table()
    out: list[str] = []
    for piece in _RUN.findall(text):
        if _CJK.match(piece):
            if (reading := readings.get(ord(piece))) is not None:
                out.append(reading)
        else:
            out.extend(split_letters(piece))
    return out


_PINYIN_RUN = re.compile(r"[a-z]+(?:[ '\-]+[a-z]+)*")
WORD_SYLLABLES = (2, 4)  # words of two to four characters are looked up by sound


def sound_table(words: Iterable[str]) -> dict[tuple[str, ...], str]:
    """Syllables → the most frequent Chinese word that sounds so (two to four characters, from ``words``)."""
    counts = Counter(w for w in words if WORD_SYLLABLES[0] <= len(w) <= WORD_SYLLABLES[1] and _CJK.fullmatch(w[0])
                     and all(_CJK.match(c) for c in w))
    table: dict[tuple[str, ...], str] = {}
    for word, _ in counts.most_common():
        table.setdefault(tuple(syllables(word)), word)
    return table


def transliterate(text: str, table: dict[tuple[str, ...], str]) -> str:
    """Pinyin typed in letters rewritten with the known words it sounds like ('wo yao deng ji cheng guo' →
    'wo yao 登记成果'); letters that are not pinyin, or no known word, stay as they are."""
    if not table or not _LETTERS.search(text):
        return text
    return _PINYIN_RUN.sub(lambda m: _words_of(m.group(0), table), text)


def _words_of(run: str, table: dict[tuple[str, ...], str]) -> str:
    """One run of letters with its known words put in: the reading that leaves the fewest syllables unmatched,
    then uses the fewest words ('ni shi ji qi ren ma' → 'ni shi 机器人 ma', not 'ni 市级 qi ren ma')."""
    pieces = [split_letters(w) for w in re.split(r"[ '\-]+", run)]
    if not all(pieces):
        return run
    syl = [s for piece in pieces for s in piece]
    best: list[tuple[int, int, tuple[str, ...]]] = [(0, 0, ())]  # (unmatched, words, pieces) for each prefix
    for end in range(1, len(syl) + 1):
        left, n_words, done = best[end - 1]
        options = [(left + 1, n_words, (*done, f" {syl[end - 1]} "))]
        for n in range(WORD_SYLLABLES[0], min(WORD_SYLLABLES[1], end) + 1):
            word = table.get(tuple(syl[end - n:end]))
            if word is not None:
                left, n_words, done = best[end - n]
                options.append((left, n_words + 1, (*done, word)))
        best.append(min(options, key=lambda o: (o[0], o[1])))
    return " ".join("".join(best[-1][2]).split())
