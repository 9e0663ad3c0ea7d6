"""Place names: which city a question or a document is about.

A small gazetteer of Hubei's cities (with a few well-known districts/counties that imply their city) and of
China's large cities. Documents get the city they mention most; questions get every city they name.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

PROVINCE = "湖北"

# canonical city -> extra aliases (the canonical name itself always matches, with or without 市/州)
HUBEI_CITIES: dict[str, tuple[str, ...]] = {
    "襄阳": ("襄州", "樊城", "襄城", "枣阳", "宜城", "老河口", "南漳", "谷城", "保康", "东津"),
    "十堰": ("郧阳", "丹江口", "竹山", "竹溪", "房县", "郧西", "茅箭", "张湾"),
    "随州": ("曾都", "广水", "随县"),
    "神农架": ("神农架林区",),
    "武汉": ("东湖高新", "光谷", "江汉区", "武昌", "汉口", "汉阳", "洪山"),
    "宜昌": ("夷陵", "枝江", "当阳"),
    "荆州": ("沙市", "监利", "洪湖", "松滋"),
    "荆门": ("钟祥", "京山", "沙洋"),
    "黄石": ("大冶",),
    "孝感": ("汉川", "应城", "安陆"),
    "黄冈": ("麻城", "武穴"),
    "咸宁": ("赤壁", "嘉鱼"),
    "鄂州": (),
    "恩施": ("利川",),
    "仙桃": (),
    "潜江": (),
    "天门": (),
}
OTHER_CITIES: tuple[str, ...] = (
    "北京", "上海", "天津", "重庆", "深圳", "广州", "杭州", "南京", "苏州", "成都", "西安", "长沙",
    "郑州", "合肥", "南昌", "济南", "青岛", "厦门", "福州", "昆明", "贵阳", "南宁", "海口", "沈阳",
    "大连", "长春", "哈尔滨", "石家庄", "太原", "兰州", "西宁", "银川", "乌鲁木齐", "呼和浩特", "拉萨",
    "宁波", "无锡", "东莞", "佛山", "珠海", "温州", "南阳", "信阳", "岳阳", "九江",
)
PROVINCE_NAMES: tuple[str, ...] = ("湖北省", "全省", "省科协", "省科技厅")


def _alias_table() -> list[tuple[str, str]]:
    """(alias, canonical) pairs, longest alias first so 神农架林区 wins over 神农架."""
    pairs = [(city, city) for city in HUBEI_CITIES] + [(city, city) for city in OTHER_CITIES]
    pairs += [(alias, city) for city, aliases in HUBEI_CITIES.items() for alias in aliases]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


_ALIASES = _alias_table()
_PATTERN = re.compile("|".join(re.escape(alias) for alias, _ in _ALIASES))
_CANONICAL = dict(_ALIASES)


def city_mentions(text: str) -> Counter[str]:
    """Count the canonical cities mentioned in a text."""
    return Counter(_CANONICAL[match.group(0)] for match in _PATTERN.finditer(text))


def cities_in(text: str) -> list[str]:
    """Canonical cities named in a text, in order of first mention (a Hubei city typed in pinyin, shiyan, too)."""
    named = [_CANONICAL[m.group(0)] for m in _PATTERN.finditer(text)]
    spelled = [_spelled().get(w.lower(), "") for w in _LATIN.findall(text)] if _LATIN.search(text) else []
    return list(dict.fromkeys([*named, *filter(None, spelled)]))


_LATIN = re.compile(r"(?<![A-Za-z])[A-Za-z]{4,}(?![A-Za-z])")


@lru_cache(maxsize=1)
def _spelled() -> dict[str, str]:
    """Hubei's cities by their toneless pinyin (shiyan → 十堰, xiangyang → 襄阳)."""
    from pypinyin import lazy_pinyin

    return {"".join(lazy_pinyin(city)): city for city in HUBEI_CITIES}


def districts_in(text: str) -> list[str]:
    """The districts/counties (a city's aliases, not a city itself) a text names, bare: 襄州, 枝江."""
    return list(dict.fromkeys(m.group(0) for m in _PATTERN.finditer(text) if _CANONICAL[m.group(0)] != m.group(0)))


def document_city(title: str, body: str) -> str:
    """The city a document is about: the title's city, else the most-mentioned one, else the province or ''."""
    in_title = cities_in(title)
    if in_title:
        return in_title[0]
    counts = city_mentions(body)
    if counts:
        return counts.most_common(1)[0][0]
    return PROVINCE if any(name in title + body for name in PROVINCE_NAMES) else ""


def in_province(city: str) -> bool:
    """Whether a canonical city lies in the deployment's province."""
    return city in HUBEI_CITIES


def strip_places(text: str) -> str:
    """Remove place names (and a following 市/区/县) so they don't count as topical words."""
    return re.sub(f"(?:{_PATTERN.pattern})(?:市|区|县|州|林区)?", " ", text)
