"""Text helpers shared by the extractors: normalisation, numerals, clauses, bundled data."""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache, lru_cache
from importlib import resources
from typing import Any

CN_DIGITS = "零〇一二两三四五六七八九十百千万亿点半壹贰叁肆伍陆柒捌玖拾佰仟"
NUM_RE = rf"(?:\d+(?:\.\d+)?|[{CN_DIGITS}]+)"
CLAUSE_SPLIT = re.compile(r"[,.;!?。，；！？\n]+")
_SPACES = re.compile(r"[ \t\u3000]+")
_SPOKEN_DIGITS = {"零": "0", "〇": "0", "洞": "0", "幺": "1", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5",
                  "六": "6", "七": "7", "八": "8", "九": "9"}
_SPOKEN_RUN = re.compile(r"[零〇洞幺一二三四五六七八九\d](?:[\s-]*[零〇洞幺一二三四五六七八九\d]){6,}")
_GROUPED_RUN = re.compile(r"(?<![零〇洞幺一二三四五六七八九\d])[零〇洞幺一二三四五六七八九]{3,4}(?:[\s,，、-]+[零〇洞幺一二三四五六七八九]{4}){2}"
                          r"(?![零〇洞幺一二三四五六七八九\d])")
_SIMPLE_CN = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "半": 0.5}


_NOT = r"(?<!not )(?<!n't )(?<!n’t )(?<!never )"  # 'I don't agree' is no agreeing ('disagree' is another word)
_ENGLISH = (  # the form's own words said in English read as the Chinese ones ('2 people, me and my colleague 方涛')
    (r"people|persons?", "个人"), (r"colleagues?|co-?workers?", "同事"), (r"me and my", "我和我的"), (r"me and", "我和"),
    (r"tel|phone|mobile", "电话"), (rf"{_NOT}confirm(?:ed)?", "确认"), (rf"{_NOT}agreed?", "同意"),
)
_ENGLISH_RE = tuple((re.compile(rf"(?i)(?<![A-Za-z])(?:{w})(?![A-Za-z])"), zh) for w, zh in _ENGLISH)


def _english_words(text: str) -> str:
    """The form words of a mixed message in Chinese (the rest left as it is)."""
    if not re.search(r"[A-Za-z]{2}", text):
        return text
    for pattern, zh in _ENGLISH_RE:
        text = pattern.sub(zh, text)
    return text


@lru_cache(maxsize=2048)
def normalize(text: str) -> str:
    """NFKC-normalise (full-width digits/letters/punctuation to ASCII), write digits said one by one as digits,
    read the form's English words as Chinese and collapse spaces."""
    text = unicodedata.normalize("NFKC", text or "")
    text = text.replace("。", ".").replace("、", "、").replace("～", "~").replace("—", "-").replace("－", "-")
    return _SPACES.sub(" ", _english_words(spoken_digits(text))).strip()


def spoken_digits(text: str) -> str:
    """Digits said one by one in Chinese ('一三八 零零零九 六零一零', '幺三八…') as Arabic digits; only runs of seven
    or more digits (a phone number), so '三五万' or '一二三四' stay words."""
    def arabic(m: re.Match[str]) -> str:
        run = m.group()
        return "".join(_SPOKEN_DIGITS.get(c, c) for c in run) if re.search(r"[^\d\s-]", run) else run

    def grouped(m: re.Match[str]) -> str:  # '一三八，零零零九，七一二九': a mobile said in groups with pauses
        digits = "".join(_SPOKEN_DIGITS.get(c, c) for c in re.sub(r"[\s,，、-]", "", m.group()))
        return digits if re.fullmatch(r"1[3-9]\d{9}", digits) else m.group()

    return _SPOKEN_RUN.sub(arabic, _GROUPED_RUN.sub(grouped, text))


_DIALECT = (("冇得", "没有"), ("冇有", "没有"), ("莫得", "没有"), ("木有", "没有"), ("冇", "没"), ("俺们", "我们"),
            ("俺", "我"), ("啥子", "什么"), ("晓得", "知道"))
_DIALECT_RE = re.compile("|".join(w for w, _ in _DIALECT) + r"|(?<!怎)么样")


def mandarin(text: str) -> str:
    """Dialect function words in standard Mandarin ('本地冇得人' → '本地没有人', '俺们厂' → '我们厂', '么样搞' → '怎么搞'),
    for text that is stored and read by others (a demand's description, an achievement's summary)."""
    table = dict(_DIALECT)
    return _DIALECT_RE.sub(lambda m: table.get(m.group(), "怎么"), text)


def clauses(text: str) -> list[str]:
    """Split a normalised message into clauses on punctuation."""
    return [c.strip() for c in CLAUSE_SPLIT.split(text) if c.strip()]


def to_number(token: str) -> float | None:
    """Convert an Arabic or Chinese numeral ('两百', '1.5', '八十', '两千五') to a float."""
    token = token.strip()
    if not token:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", token):
        return float(token)
    if token in _SIMPLE_CN:
        return float(_SIMPLE_CN[token])
    import cn2an  # lazy: cn2an pulls in its config at import time

    try:
        return float(cn2an.cn2an(token, "smart"))
    except (ValueError, KeyError, IndexError):
        return None


@cache
def load_json(name: str) -> Any:
    """Load a bundled JSON data file from knowledge/data (cached)."""
    path = resources.files("knowledge").joinpath("data", name)
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def load_lines(name: str) -> tuple[str, ...]:
    """Load a bundled one-item-per-line text file from knowledge/data, skipping comments (cached)."""
    path = resources.files("knowledge").joinpath("data", name)
    lines = (ln.strip() for ln in path.read_text(encoding="utf-8").splitlines())
    return tuple(ln for ln in lines if ln and not ln.startswith("#"))


@lru_cache(maxsize=64)
def terms_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    """Compile an alternation of `terms`, longest first, so the leftmost-longest term wins."""
    alts = "|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True))
    return re.compile(alts, flags=re.IGNORECASE)


def find_terms(text: str, terms: tuple[str, ...]) -> list[tuple[int, str]]:
    """Non-overlapping leftmost-longest matches of `terms` in `text` as (position, matched text)."""
    if not terms:
        return []
    return [(m.start(), m.group()) for m in terms_pattern(terms).finditer(text)]
