"""Find events from a user's words: fuzzy title fragments and list filters ("社区的", "谷城的", "下周的").

Pure functions over ``Event`` rows; no database access and no clock reads. Scoring is IDF-weighted
character unigram + bigram overlap against the event's fields, so unseen phrasings ("颈椎那个",
"教用AED的那个") still land on the event that shares their rare characters.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from bot.clock import LOCAL_TZ
from bot.store.models import Event

FIELD_WEIGHTS = (("title", 3.0), ("region", 2.0), ("category", 1.5), ("speaker", 1.0),
                 ("location", 1.0), ("description", 1.0))
BIGRAM_WEIGHT = 2.0
# Function words and sign-up chatter that say nothing about which event is meant.
FILLERS = re.compile(
    r"那个|这个|那场|这场|哪个|我们|我要|我想|想?报个?名|想要|想报|参加|还能报|能报|可以报|一下|是不是|就是|"
    r"有冇得|冇得|没得|么子|啥子|么事|什么样|方面|相关|关于|之类|一类|这类|"  # dialect question words, 'X方面的讲座'
    r"请问|帮我|给我|活动|讲座|培训|课堂|一起|能不能|可不可以|可以|想学|学学|报一下|报上|有没有|有啥|下礼拜|下周|"
    r"科普活动|科普|最近|近期|近来|这段时间|有什么|有哪些|什么|哪些|小同志|同志|闺女|师傅|您好|你好|附近|这周|本周|这个月|下个月|"
    r"一个|一场|的|吗|呢|吧|啊|呀|嘛|了|没|报"  # a lone '报' ('我要报这个') is the sign-up, not '填报' in a title
)
TOKEN = re.compile(r"[A-Za-z0-9]+|[\u4e00-\u9fff]")
MIN_SCORE = 0.2
RELATIVE_CUTOFF = 0.7
UNKNOWN_WEIGHT = 0.25


@dataclass(frozen=True)
class EventMatch:
    """An event and how well the user's words match it (0..1)."""

    event: Event
    score: float


def _units(text: str) -> set[str]:
    """Unigrams (CJK characters, ASCII words) and CJK bigrams of each filler-free segment."""
    units: set[str] = set()
    for segment in FILLERS.split(text.lower()):
        tokens = TOKEN.findall(segment)
        units.update(tokens)
        units.update(a + b for a, b in zip(tokens, tokens[1:], strict=False) if len(a) == len(b) == 1)
    return units


def _field_units(event: Event) -> dict[str, set[str]]:
    """The units of each searchable field of an event."""
    return {name: _units(str(getattr(event, name) or "")) for name, _ in FIELD_WEIGHTS}


def explicit_id(text: str, events: Sequence[Event]) -> Event | None:
    """The event whose id the text names as a standalone token (``报名E04``, ``e4`` is not ``E04``)."""
    upper = text.upper()
    for event in events:
        if re.search(rf"(?<![A-Z0-9]){re.escape(event.id.upper())}(?![0-9])", upper):
            return event
    return None


def rank_events(text: str, events: Sequence[Event]) -> list[EventMatch]:
    """Events ranked by fuzzy match, keeping those near the best one and above a floor."""
    named = explicit_id(text, events)
    if named is not None:
        return [EventMatch(named, 1.0)]
    query = _units(text)
    if not query or not events:
        return []
    fields = [_field_units(e) for e in events]
    df = Counter(u for f in fields for u in set().union(*f.values()) if u in query)
    idf = {u: math.log(1 + len(events) / (df[u] + 1)) * (BIGRAM_WEIGHT if len(u) == 2 else 1.0) for u in query}
    # Words no event contains (chatter, typos) count only lightly against every event alike.
    best_possible = sum(v * (1.0 if df[u] else UNKNOWN_WEIGHT) for u, v in idf.items()) * FIELD_WEIGHTS[0][1]
    scored = [EventMatch(e, _score(query, f, idf) / best_possible) for e, f in zip(events, fields, strict=True)]
    scored.sort(key=lambda m: (-m.score, m.event.start, m.event.id))
    top = scored[0].score if scored else 0.0
    return [m for m in scored if m.score >= max(MIN_SCORE, top * RELATIVE_CUTOFF)]


def _score(query: set[str], fields: dict[str, set[str]], idf: dict[str, float]) -> float:
    """Sum over query units of idf × the weight of the best field containing the unit."""
    total = 0.0
    for unit in query:
        weight = max((w for name, w in FIELD_WEIGHTS if unit in fields[name]), default=0.0)
        total += idf[unit] * weight
    return total


# --- list filters -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListFilter:
    """Filters understood in a list request: the user's region/category words and a date range with its
    period code (``bot.texts.events.filter_text`` says them back)."""

    region: str | None = None
    category: str | None = None
    date_range: tuple[datetime, datetime] | None = None
    period: str | None = None
    audience: str | None = None  # a key of AUDIENCES: who the events should suit ('带孩子去的')

    @property
    def empty(self) -> bool:
        """Whether no filter was recognised."""
        return not (self.region or self.category or self.date_range or self.audience)


# Who an event suits, said by the user ('能带孩子去的', '适合老人的') → words of an event that is meant for them.
AUDIENCES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "children": (re.compile(r"孩子|小孩|娃|儿童|学生|小朋友|孙子|孙女|外孙|青少年|中小学|小学|初中|幼儿园"),
                 re.compile(r"青少年|学生|儿童|孩子|小孩|家长|中小学|入园|幼儿|暑假")),
    "elderly": (re.compile(r"老人|老年|爸妈|父母|我妈|我爸|老伴|老头|老太|长辈|上了年纪|岁数大|退休"),
                re.compile(r"中老年|老年|老人|退休")),
}


def audience_in(text: str) -> str | None:
    """The audience a list request names ('有啥活动可以带孩子去的' → children), or None."""
    return next((key for key, (said, _) in AUDIENCES.items() if said.search(text)), None)


def suits(event: Event, audience: str) -> bool:
    """Whether the event's title, category or description says it is meant for ``audience``."""
    meant = AUDIENCES[audience][1]
    return bool(meant.search(f"{event.title} {event.category} {event.description or ''}"))


def region_keys(region: str) -> list[str]:
    """Short names users say for a region: ``襄阳市谷城县`` → ``谷城县``, ``谷城``."""
    local = re.sub(r"^.{2,3}?[市州](?=.)", "", region)
    short = re.sub(r"(新区|开发区|林区|自治县|县|区|市|镇|乡)$", "", local)
    return [k for k in dict.fromkeys((local, short)) if len(k) >= 2]


def category_keys(category: str) -> list[str]:
    """Short names of a category: ``健康科普进社区`` → ``社区``, ``技术培训`` → ``培训``, ``科技服务活动`` → ``科技服务``."""
    core = re.sub(r"活动$", "", category)
    tail = re.split(r"进", core)[-1]
    keys = [core, tail] if tail != core else [core, core[-2:]]
    return [k for k in dict.fromkeys(keys) if len(k) >= 2]


def _find_key(text: str, values: Sequence[str], keys_of: Callable[[str], list[str]]) -> str | None:
    """The key of the first value whose short name occurs in ``text`` (longest keys first)."""
    pairs = sorted(((k, v) for v in values for k in keys_of(v)), key=lambda p: -len(p[0]))
    return next((k for k, _ in pairs if k in text), None)


def date_range_in(text: str, now: datetime) -> tuple[tuple[datetime, datetime], str] | None:
    """A local date range named in ``text`` (今天/明天/后天/这周/下周/周末/这个月/下个月/N月) and its period code
    (``today``, ``next_week``, ``month:5`` …; ``bot.texts.events.period_text`` says it back)."""
    day = now.astimezone(LOCAL_TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    monday = day - timedelta(days=day.weekday())
    rules = [
        (r"今天|今日", day, day + timedelta(days=1), "today"),
        (r"明天|明日", day + timedelta(days=1), day + timedelta(days=2), "tomorrow"),
        (r"后天", day + timedelta(days=2), day + timedelta(days=3), "day_after_tomorrow"),
        (r"下下周|下下个?(星期|礼拜)", monday + timedelta(days=14), monday + timedelta(days=21), "week_after_next"),
        (r"下周末", monday + timedelta(days=12), monday + timedelta(days=14), "next_weekend"),
        (r"下周|下个?(星期|礼拜)", monday + timedelta(days=7), monday + timedelta(days=14), "next_week"),
        (r"周末", monday + timedelta(days=5), monday + timedelta(days=7), "this_weekend"),
        (r"(这|本)(周|个?星期|个?礼拜)", day, monday + timedelta(days=7), "this_week"),
        (r"下个?月", *_month(day, 1), "next_month"),
        (r"(这|本)个?月", day, _month(day, 1)[0], "this_month"),
    ]
    for pattern, start, end, period in rules:
        if re.search(pattern, text):
            return (start, end), period
    return _named_month(text, day)


def _month(day: datetime, offset: int) -> tuple[datetime, datetime]:
    """[first day, first day of the next month) of the month ``offset`` months after ``day``."""
    index = day.year * 12 + day.month - 1 + offset
    first = day.replace(year=index // 12, month=index % 12 + 1, day=1)
    nxt = index + 1
    return first, first.replace(year=nxt // 12, month=nxt % 12 + 1)


def _named_month(text: str, day: datetime) -> tuple[tuple[datetime, datetime], str] | None:
    """``5月`` / ``五月份`` → that month (this year, or next year if it has passed), period ``month:5``."""
    found = re.search(r"(1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])月", text)
    if not found:
        return None
    raw = found.group(1)
    digits = "一二三四五六七八九"
    month = int(raw) if raw.isdigit() else (10 + (digits.index(raw[1]) + 1 if len(raw) > 1 else 0)
                                            if raw.startswith("十") else digits.index(raw) + 1)
    offset = (month - day.month) % 12
    return _month(day, offset), f"month:{month}"


def parse_list_filter(text: str, *, now: datetime, regions: Sequence[str], categories: Sequence[str]) -> ListFilter:
    """Recognise region, category and date filters in a list request, using the known regions/categories."""
    region = _find_key(text, regions, region_keys)
    category = _find_key(text, categories, category_keys)
    dated = date_range_in(text, now)
    return ListFilter(region, category, dated[0] if dated else None, dated[1] if dated else None, audience_in(text))


# --- naming one event by its topic, date and place ----------------------------------------------

CN_NUM = {c: i for i, c in enumerate("零一二三四五六七八九十", start=0)}
_DAY = re.compile(r"(1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])\s*月\s*(?:份)?\s*(?:(3[01]|[12]\d|[1-9]|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])\s*[号日])?")
_WEEKDAY = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天])")
_DAYPART = (("上午", 5, 12), ("早上", 5, 12), ("中午", 11, 14), ("下午", 12, 18), ("晚上", 17, 24), ("傍晚", 16, 20))
GENERIC_PLACE = re.compile(r"襄阳市|示例|虚构|活动室|会议室|报告厅|培训室|二楼|三楼|一楼|服务中心|中心|[市区县镇村路号楼厅室座]$")
MIN_CHUNK = 3
GENERIC_TITLE = re.compile(r"实验室|技术|需求|企业|成果|材料|研发|费用|管理|使用|安全|常见|服务|平台|科技|专家|防控|保护|"
                           r"健康|知识|实务|与|和|的")  # a title piece made only of these names no event


def _cn_int(raw: str) -> int:
    """'12', '十二', '二十', '二十五', '五' → the number."""
    if raw.isdigit():
        return int(raw)
    if "十" not in raw:
        return CN_NUM[raw]
    tens, _, ones = raw.partition("十")
    return (CN_NUM[tens] if tens else 1) * 10 + (CN_NUM[ones] if ones else 0)


def _local(event: Event) -> datetime:
    """The event's start in local time."""
    return event.start.astimezone(LOCAL_TZ)


def dated(text: str, events: Sequence[Event]) -> set[str] | None:
    """Ids of the events on the date the text names ('五月十二号', '6月25号', '七月份', '周六上午'); None when the
    text names no date (a date no event has gives an empty set)."""
    hits: set[str] | None = None
    if m := _DAY.search(text):
        month, day = _cn_int(m.group(1)), _cn_int(m.group(2)) if m.group(2) else None
        hits = {e.id for e in events if _local(e).month == month and (day is None or _local(e).day == day)}
    if m := _WEEKDAY.search(text):
        weekday = "一二三四五六日".index("日" if m.group(1) == "天" else m.group(1))
        on_day = {e.id for e in events if _local(e).weekday() == weekday}
        hits = on_day if hits is None else hits & on_day
    for word, start, end in _DAYPART:
        if word in text and hits is not None:  # a part of the day only narrows a date that was named
            hits = {i for i in hits if start <= _local(next(e for e in events if e.id == i)).hour < end}
    return hits


def _chunks(value: str, text: str, least: int = MIN_CHUNK) -> set[str]:
    """Substrings of ``value`` (``least`` characters or more) that occur in ``text``."""
    out: set[str] = set()
    top = min(len(value), 10)
    for i in range(len(value) - least + 1):
        for size in range(least, min(top, len(value) - i) + 1):
            piece = value[i:i + size]
            if piece not in text:
                break  # every longer piece from ``i`` contains this one
            out.add(piece)
    return out


def _dull_title(chunk: str) -> bool:
    """A title piece made only of generic words ('实验室') names no event."""
    return len(GENERIC_TITLE.sub("", chunk)) < 2


_VILLAGE = re.compile(r"[\u4e00-\u9fff]{2}[村镇]$")


SHORT_SAY = 24  # a message this short that names a venue or date is about an event; a longer one may only share words


def _dull_topic(events: Sequence[Event], chunk: str) -> bool:
    """A two-character title piece that names no topic: generic, or a place name ('襄阳' in a title)."""
    return _dull_title(chunk) or any(chunk in e.region or chunk in e.location for e in events)


def _dull_place(chunk: str) -> bool:
    """A piece of an address that many places have ('服务中心', '报告厅'); a village or town by its name ('石花村')
    is none."""
    return bool(GENERIC_PLACE.search(chunk)) and not (_VILLAGE.search(chunk) and not GENERIC_PLACE.search(chunk[:-1]))


def _distinctive(text: str, events: Sequence[Event], value_of: Callable[[Event], str],
                 dull: Callable[[str], bool] | None = None, least: int = MIN_CHUNK) -> set[str]:
    """Ids of the events whose field shares with the text a chunk no other event's field has ('石花村', '农药安全')."""
    chunks = {e.id: {c for c in _chunks(value_of(e), text, least) if not (dull and dull(c)) and not FILLERS.fullmatch(c)}
              for e in events}
    return {i for i, own in chunks.items() if any(all(c not in value_of(e) for e in events if e.id != i) for c in own)}


def venue_named(text: str, events: Sequence[Event]) -> set[str]:
    """Ids of the events whose venue the text names by a distinctive piece of the location ('石花村')."""
    return _distinctive(text, events, lambda e: e.location, _dull_place)


def placed(text: str, events: Sequence[Event]) -> set[str]:
    """Ids of the events whose place the text names: a distinctive piece of the location, or the region."""
    regions = {e.id for e in events if any(k in text for k in region_keys(e.region))}
    return venue_named(text, events) or regions


def event_cues(text: str, events: Sequence[Event]) -> dict[str, set[str]]:
    """What in the text points at which events: ``title`` (a distinctive piece of the title), ``date`` and the
    place, as ``venue`` when a piece of the location names it, else ``place`` (the region); beside a date or a
    venue, a two-character piece only one title has is a ``topic`` ('职工之家那个颈椎腰椎的': 腰椎). A cue the text
    does not give is left out."""
    venue = venue_named(text, events)
    cues = {"title": _distinctive(text, events, lambda e: e.title, _dull_title), "venue" if venue else "place":
            venue or placed(text, events)}
    if (on := dated(text, events)) is not None:
        cues["date"] = on
    if not cues["title"]:
        cues.update(_category_topic(text, events))
    if not cues["title"] and "topic" not in cues and (cues.get("venue") or cues.get("date")) and len(text) <= SHORT_SAY:
        cues["topic"] = _distinctive(text, events, lambda e: e.title, partial(_dull_topic, events), least=2)  # '颈椎腰椎'
    return {k: v for k, v in cues.items() if v or k == "date"}


def _category_topic(text: str, events: Sequence[Event]) -> dict[str, set[str]]:
    """'学校那个近视的讲座': the events of the category the text names, and the one of them whose title alone shares
    a word with the text (both as cues; none when the category or that one event is not there)."""
    kind = {e.id for e in events if any(k in text for k in category_keys(e.category))}
    said = text
    for who, meant in AUDIENCES.values():  # '家长能去不', '老人能去不': who may come, not what it is about
        said = meant.sub(" ", who.sub(" ", said))
    topic = topic_among(said, [e for e in events if e.id in kind]) if kind else None
    return {"category": kind, "topic": {topic.id}} if topic is not None else {}


def topic_among(text: str, events: Sequence[Event]) -> Event | None:
    """Among a few events (those of the date said), the one whose title alone shares a word with the text
    ('四月份…讲近视的' among the April events: '近视')."""
    only = _distinctive(text, events, lambda e: e.title, least=2)
    return next((e for e in events if e.id in only), None) if len(only) == 1 else None


def named_by_cues(text: str, events: Sequence[Event]) -> tuple[Event | None, frozenset[str]]:
    """The one event that every cue the text gives agrees on, and which cues those were (None when the cues
    point at no single event)."""
    cues = event_cues(text, events)
    if not cues:
        return None, frozenset()
    common = set.intersection(*cues.values())
    if len(common) != 1:
        return None, frozenset(cues)
    chosen = common.pop()
    return next(e for e in events if e.id == chosen), frozenset(cues)
