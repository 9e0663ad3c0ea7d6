"""Lexical side of retrieval: jieba words + character bigrams, BM25, and homophone typo correction.

Terms are jieba words (search mode, with the domain dictionary ``data/userdict.txt``) plus CJK character
bigrams (prefixed ``#``); bigrams make BM25 robust to word-segmentation differences and to one-character typos.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

USERDICT = Path(__file__).parent / "data" / "userdict.txt"

STOPWORDS_FILE = Path(__file__).parent / "data" / "stopwords.txt"
STOPWORDS = frozenset(
    line.strip() for line in STOPWORDS_FILE.read_text(encoding="utf-8").splitlines() if line.strip() and line[0] != "#"
)
ALIASES_FILE = Path(__file__).parent / "data" / "aliases.txt"
EVERYDAY_FILE = Path(__file__).parent / "data" / "everyday.txt"
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
_TOKEN = re.compile(rf"[{_CJK}]|[A-Za-z]+|\d+(?:\.\d+)?%?")
_CJK_RUN = re.compile(rf"[{_CJK}]+")
VISUAL_CONFUSIONS = ("土士", "己已巳", "未末", "人入", "日曰", "拆折", "候侯", "贷货", "券卷", "拔拨", "戊戌", "竞竟")

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _jieba() -> Any:
    """A private jieba tokenizer with the domain dictionary (lazy; ~1 s the first time)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(USERDICT))
    return tokenizer


def _content(tokens: Iterable[str]) -> list[str]:
    """Drop stopwords, whitespace and punctuation tokens."""
    return [t for t in (tok.strip() for tok in tokens) if t and t not in STOPWORDS and _TOKEN.search(t)]


def _read_pairs(path: Path) -> tuple[tuple[str, str], ...]:
    """(alias, canonical name) pairs of a ``canonical<TAB>alias|alias`` file, longest alias first."""
    pairs: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if "\t" in line and not line.startswith("#"):
            canonical, aliases = line.split("\t", 1)
            pairs += [(alias.strip(), canonical.strip()) for alias in aliases.split("|") if alias.strip()]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


@lru_cache(maxsize=1)
def alias_table() -> tuple[tuple[str, str], ...]:
    """(alias, canonical name) pairs from ``data/aliases.txt``, longest alias first."""
    return _read_pairs(ALIASES_FILE)


@lru_cache(maxsize=1)
def word_table() -> tuple[tuple[str, str], ...]:
    """Aliases plus (everyday word, document word) pairs from ``data/everyday.txt``, longest first: the forms under
    which a question's word counts as present in a text (房子 where the passage says 房产)."""
    return tuple(sorted({*alias_table(), *_read_pairs(EVERYDAY_FILE)}, key=lambda pair: (-len(pair[0]), pair)))


def aliases_in(text: str, table: tuple[tuple[str, str], ...] | None = None) -> list[tuple[str, str]]:
    """(alias, canonical name) of each alias (or everyday word) the text mentions as whole words: 湖工大 in
    湖工大的老师, not 高工 in 提高工作; an alias inside a longer one found first (湖工 in 湖工大) doesn't count."""
    low = text.lower()
    named = [(short, full) for short, full in table or word_table() if short.lower() in low]  # longest first
    if not named:
        return []
    with _lock:
        tokens = _jieba().lcut(low, HMM=False)
    bounds, pos = {0}, 0
    for token in tokens:
        pos += len(token)
        bounds.add(pos)
    found: list[tuple[str, str]] = []
    for short, full in named:
        whole = any(start in bounds and start + len(short) in bounds for start in _starts(short.lower(), low))
        if whole and not any(short in longer for longer, _ in found):
            found.append((short, full))
    return found


def _starts(needle: str, text: str) -> list[int]:
    """Start offsets of the non-overlapping occurrences of ``needle`` in ``text`` (as ``re.finditer`` finds them)."""
    out, at = [], text.find(needle)
    while at >= 0 and needle:
        out.append(at)
        at = text.find(needle, at + len(needle))
    return out


def expand(text: str) -> str:
    """Append the canonical names of aliases found in the text (湖工大 → 湖北工业大学, 高企 → 高新技术企业)."""
    extra = [full for short, full in aliases_in(text, alias_table()) if full not in text]
    return f"{text} {' '.join(dict.fromkeys(extra))}" if extra else text


@lru_cache(maxsize=4096)
def aliases_of(term: str) -> tuple[str, ...]:
    """The term, the canonical (document) words it stands for, and their other forms (营收 → 营业收入, 销售收入,
    营业额…; 房子 → 房产, 场地…; 房产 → 房子, but not 场地); "one X" is also "each X" (一户 → 每户, 单户)."""
    table = word_table()
    canon = [full for short, full in table if short == term] + [term]
    each = [f"{prefix}{term[1]}" for prefix in "每单"] if re.fullmatch(r"一[\u4e00-\u9fff]", term) else []
    return tuple(dict.fromkeys([term] + canon + each + [short for short, full in table if full in canon]
                               + _numeral_forms(term)))


_DIGITS = "一二三四五六七八九十"
_COUNTED = re.compile(r"([两一二三四五六七八九十]|10|[1-9])(个月|年|月|天|日|次|名|人|项|家|周岁|岁)")


def _numeral_forms(term: str) -> list[str]:
    """A small counted number in its other script: 两年 ↔ 2年, 三个月 ↔ 3个月 (documents write either)."""
    counted = _COUNTED.fullmatch(term)
    if not counted:
        return []
    number, unit = counted.groups()
    if number.isdigit():
        forms = [_DIGITS[int(number) - 1]] + (["两"] if number == "2" else [])
        return [f"{form}{unit}" for form in forms]
    return [f"{2 if number == '两' else _DIGITS.index(number) + 1}{unit}"]


@lru_cache(maxsize=1 << 16)
def alias_match(term: str, text: str) -> float:
    """:func:`term_match` of the term or of any of its aliases (memoised: answer extraction asks the same term of
    the same sentence, title and heading many times per question, and of the same documents across questions)."""
    return max(term_match(form, text) for form in aliases_of(term))


def alias_in(term: str, text: str) -> bool:
    """Whether the term or one of its aliases occurs verbatim in the text."""
    return any(form in text for form in aliases_of(term))


def words(text: str) -> list[str]:
    """Index words: jieba search-mode tokens (long words and their parts), lower-cased, no stopwords."""
    with _lock:
        return _content(_jieba().lcut_for_search(text.lower(), HMM=False))


def key_words(text: str) -> list[str]:
    """Non-overlapping content words (jieba precise mode), for coverage and sentence scoring."""
    with _lock:
        return _content(_jieba().lcut(text.lower(), HMM=False))


def word_bounds(text: str) -> list[int]:
    """The offsets where jieba's precise-mode words of ``text`` start or end."""
    with _lock:
        tokens = _jieba().lcut(text, HMM=False)
    bounds, pos = [0], 0
    for token in tokens:
        pos += len(token)
        bounds.append(pos)
    return bounds


def shared_phrase(text: str, other: str, min_chars: int = 3) -> str:
    """The longest run of whole words of ``text`` (at least ``min_chars`` characters) that ``other`` contains."""
    bounds, best = word_bounds(text), ""
    for k, start in enumerate(bounds):
        for end in reversed(bounds[k + 1:]):
            if end - start <= max(len(best), min_chars - 1):
                break
            if text[start:end] in other and _CJK_RUN.fullmatch(text[start:end]):
                best = text[start:end]
                break
    return best


def bigrams(text: str) -> list[str]:
    """Character bigrams of each CJK run (single characters for one-character runs)."""
    out: list[str] = []
    for run in _CJK_RUN.findall(text):
        out += [run[i:i + 2] for i in range(len(run) - 1)] if len(run) > 1 else [run]
    return out


def content_text(text: str) -> str:
    """The text with stopwords blanked out, so bigrams never span a function word."""
    with _lock:
        tokens = _jieba().lcut(text.lower(), HMM=False)
    return "".join(" " if tok in STOPWORDS or not _TOKEN.search(tok) else tok for tok in tokens)


def terms(text: str, *, query: bool = False) -> list[str]:
    """BM25 terms: words plus ``#``-prefixed bigrams (queries take bigrams of their content words only)."""
    source = content_text(text) if query else text
    return words(text) + ["#" + bg for bg in bigrams(source)]


COMMON_WORD_FREQ = 100


def _dictionary() -> dict[str, int]:
    """jieba's word frequencies (general dictionary plus the domain one)."""
    tokenizer = _jieba()
    with _lock:
        tokenizer.check_initialized()
    return tokenizer.FREQ  # type: ignore[no-any-return]


def _word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the multi-character words jieba cuts the text into (dictionary only, no HMM guesses)."""
    bounds = word_bounds(text)
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b - a > 1]


def common_word(word: str) -> bool:
    """Whether jieba's general dictionary knows ``word`` as an everyday word (frequency ≥ ``COMMON_WORD_FREQ``)."""
    return int(_dictionary().get(word) or 0) >= COMMON_WORD_FREQ


_PERIOD = re.compile(r"[一二两三四五六七八九十\d]+个?[年月天日周]")
_RELATIVE = re.compile(r"[上近前后第本]$")  # 上一年度, 近一年: a particular period, not "a year" / "per year"


def _occurs(term: str, text: str) -> bool:
    """Whether the term occurs in the text; a period (一年) not as part of a particular one (上一年度, 近一年)."""
    if not _PERIOD.fullmatch(term):
        return term in text
    return any(not _RELATIVE.search(text[:m.start()]) and text[m.end():m.end() + 1] != "度"
               and not (term[0].isdigit() and text[m.start() - 1:m.start()].isdigit())  # 2年 is not in 2022年
               for m in re.finditer(re.escape(term), text))


def term_match(term: str, text: str) -> float:
    """1 if the term occurs in the text, else the share of its bigrams that do (0 for short terms)."""
    if _occurs(term, text):
        return 1.0
    if _PERIOD.fullmatch(term):
        return 0.0
    grams = [g for g in bigrams(term) if len(g) == 2]
    if len(grams) < 2:
        return 0.0
    share = sum(g in text for g in grams) / len(grams)
    return share if share >= 0.5 else 0.0


class TypoCorrector:
    """Fixes one-character typos (homophones like 扣出→扣除, look-alikes like 院土→院士) against a corpus.

    A character is replaced only when its bigrams are unknown and the replacement makes a bigram that occurs
    inside a corpus word (not merely across a word boundary). A character that forms an everyday word with a
    neighbour (上班, 一般, 一起, 物业) is left alone unless the replacement fixes both its bigrams (经济人→经纪人).
    """

    def __init__(self, corpus_words: Iterable[str], corpus_texts: Iterable[str] = ()) -> None:
        from pypinyin import lazy_pinyin

        self._pinyin = lazy_pinyin
        self.known: set[str] = set()
        corpus_words = list(corpus_words)
        self.trigrams = {run[j:j + 3] for text in [*corpus_words, *corpus_texts] for run in _CJK_RUN.findall(text)
                         for j in range(len(run) - 2)}
        for word in corpus_words:
            self.known.update(b for b in bigrams(word) if len(b) == 2)
        self.protected = tuple(sorted({t for pair in word_table() for t in pair if len(t) >= 2}, key=len, reverse=True))
        self.sounds = WordSounds([*corpus_words, *(t for pair in alias_table() for t in pair)], lazy_pinyin)
        self.chars = {char for bigram in self.known for char in bigram}
        self.by_sound: dict[str, set[str]] = defaultdict(set)
        self.by_fuzzy: dict[str, set[str]] = defaultdict(set)
        for char in self.chars:
            sound = self._pinyin(char)[0]
            self.by_sound[sound].add(char)
            self.by_fuzzy[fuzzy_sound(sound)].add(char)

    def _candidates(self, char: str) -> list[str]:
        """Corpus characters that sound or look like ``char``; then those that sound alike under the usual
        regional confusions (创兴→创新: in/ing); exact ones first."""
        sound = self._pinyin(char)[0]
        found = set(self.by_sound.get(sound, ()))
        for group in VISUAL_CONFUSIONS:
            if char in group:
                found.update(c for c in group if c in self.chars)
        near = set(self.by_fuzzy.get(fuzzy_sound(sound), ())) - found
        return [c for c in [*sorted(found), *sorted(near)] if c != char]

    @staticmethod
    def _word_at(text: str, i: int, words: Sequence[tuple[int, int]]) -> int:
        """The jieba frequency of the most frequent 2–4 character dictionary word at ``i`` (往上, 升成, 可以) that
        agrees with the text's segmentation ``words`` (not 土工 in 院土工作站, where 工 is in 工作站); 0 if none."""
        freq, best = _dictionary(), 0
        for a in range(max(0, i - 3), i + 1):
            for b in range(max(a + 2, i + 1), min(len(text), a + 4) + 1):
                crosses = any(s < b and a < e and not (a <= s and e <= b) and not (s <= a and b <= e) for s, e in words)
                best = max(best, 0 if crosses else int(freq.get(text[a:b]) or 0))
        return best

    def _support(self, text: str, i: int, char: str) -> int:
        """How many three-character windows around ``i`` the corpus has when ``i`` holds ``char`` (扣出→扣除 in
        加计扣除, 中新→中心 in 技术中心)."""
        fixed = text[:i] + char + text[i + 1:]
        return sum(fixed[a:a + 3] in self.trigrams for a in range(max(0, i - 2), min(i, len(fixed) - 3) + 1))

    def _gain(self, text: str, i: int, char: str, words: Sequence[tuple[int, int]] | None = None) -> int:
        """How many known bigrams position ``i`` forms when it holds ``char``; with the text's ``words``, a neighbour
        that is a stopword or belongs to another everyday word (占比要: 要; 交材料: 材 is in 材料) gives none."""
        def counts(j: int) -> bool:
            bigram = text[j] + char if j < i else char + text[j]
            if bigram not in self.known:
                return False
            return words is None or (text[j] not in STOPWORDS and not any(
                a <= j < b and not a <= i < b and common_word(text[a:b]) for a, b in words))

        return (i > 0 and counts(i - 1)) + (i + 1 < len(text) and counts(i + 1))

    def _kept(self, text: str) -> set[int]:
        """Positions inside a word of the alias or everyday tables (营收, 门牌号): words, not typos."""
        kept: set[int] = set()
        for word in self.protected:  # str.find, not one regex per word: 300+ patterns flushed re's cache each time
            start = text.find(word)
            while start >= 0:
                kept.update(range(start, start + len(word)))
                start = text.find(word, start + len(word))
        return kept

    def _best_fix(self, text: str) -> tuple[int, str] | None:
        """The single substitution that makes the most known bigrams out of none (then the best backed by the corpus).

        Text that is itself plausible stays: a character inside a dictionary word (往上, 升成, 打到) changes only
        when the change makes three characters the corpus has; a neighbour that is a stopword or part of another
        word (占比要, 交材料) backs a change only on the same condition."""
        best: tuple[int, str] | None = None
        best_score = (0, 0)
        kept, words = self._kept(text), _word_spans(text)
        for i, char in enumerate(text):
            if not re.match(rf"[{_CJK}]", char) or char in STOPWORDS or i in kept or self._gain(text, i, char) > 0:
                continue
            in_word = self._word_at(text, i, words)
            needed = 2 if in_word >= COMMON_WORD_FREQ else 1 if in_word else 0
            for cand in self._candidates(char):
                support = self._support(text, i, cand)
                if support < needed:
                    continue
                score = (self._gain(text, i, cand, None if support else words), support)
                if score[0] >= 1 and score > best_score:
                    best, best_score = (i, cand), score
        return best

    def correct(self, text: str, max_fixes: int = 3) -> str:
        """Return the text with whole-word homophones fixed, then up to ``max_fixes`` one-character substitutions."""
        text = self.sounds.fix(text)
        for _ in range(max_fixes):
            fix = self._best_fix(text)
            if fix is None:
                break
            i, char = fix
            text = text[:i] + char + text[i + 1:]
        return text


_FUZZY = ((r"^zh", "z"), (r"^ch", "c"), (r"^sh", "s"), (r"^n(?=[^g])", "l"), (r"ing$", "in"), (r"eng$", "en"),
          (r"ang$", "an"))


def fuzzy_sound(syllable: str) -> str:
    """A syllable with the usual regional confusions merged (zh/z, ch/c, sh/s, n/l, in/ing, en/eng, an/ang)."""
    for pattern, repl in _FUZZY:
        syllable = re.sub(pattern, repl, syllable)
    return syllable


class WordSounds:
    """Whole-word pinyin tolerance: a 3+ character string that sounds exactly like a known word but isn't one
    (技术经济人 → 技术经纪人, 胡工大 → 湖工大), and a word typed in pinyin letters (gaoqi → 高企)."""

    MIN_CHARS, MAX_CHARS, MIN_LETTERS = 3, 8, 4

    def __init__(self, vocabulary: Iterable[str], pinyin: Any) -> None:
        self._pinyin = pinyin
        self.words = {w for w in vocabulary if _CJK_RUN.fullmatch(w)}
        by_sound: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for word in self.words:
            by_sound[tuple(pinyin(word))].add(word)
        unique = {sound: next(iter(ws)) for sound, ws in by_sound.items() if len(ws) == 1}
        self.by_sound = {sound: w for sound, w in unique.items() if len(sound) >= self.MIN_CHARS}
        self.by_letters = {"".join(sound): w for sound, w in unique.items() if len("".join(sound)) >= self.MIN_LETTERS}

    def fix(self, text: str) -> str:
        """The text with sound-alike words replaced by the known words they sound like."""
        text = re.sub(rf"[A-Za-z]{{{self.MIN_LETTERS},}}", lambda m: self.by_letters.get(m.group(0).lower(), m.group(0)),
                      text)
        return _CJK_RUN.sub(lambda m: self._fix_run(m.group(0)), text)

    def _fix_run(self, run: str) -> str:
        """Replace the longest sound-alike windows of one CJK run, left to right; a window that cuts a word of the
        run (第一场是 → 宜昌市 would cut 第一) is no sound-alike."""
        sounds = self._pinyin(run)
        inside = {k for a, b in _word_spans(run) for k in range(a + 1, b)}  # offsets that cut a word of the run
        out, i = [], 0
        while i < len(run):
            for size in range(min(self.MAX_CHARS, len(run) - i), self.MIN_CHARS - 1, -1):
                piece = run[i:i + size]
                word = self.by_sound.get(tuple(sounds[i:i + size]))
                if word and piece not in self.words and i not in inside and i + size not in inside \
                        and not any(piece in w for w in self.words if len(w) > size):
                    out.append(word)
                    i += size
                    break
            else:
                out.append(run[i])
                i += 1
        return "".join(out)
