"""Relative and absolute dates for events ('下周三下午', '明天', '这周末', '3月13号', '本月'), Asia/Shanghai."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ._text import normalize, to_number

TZ = ZoneInfo("Asia/Shanghai")
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "1": 0, "2": 1, "3": 2,
            "4": 3, "5": 4, "6": 5, "7": 6}
_DAY_WORDS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3}
_PARTS = (("上午", 8, 12), ("早上", 6, 12), ("中午", 11, 14), ("下午", 12, 18), ("晚上", 18, 24), ("夜里", 18, 24))
_MONTH_DAY = re.compile(r"(?:(\d{4})年)?(\d{1,2}|[一二三四五六七八九十]{1,3})月(\d{1,2}|[一二三四五六七八九十]{1,3})(?:号|日)")
_DAY_ONLY = re.compile(r"(?<![\d月])(\d{1,2})(?:号|日)")
_WEEK_DAY = re.compile(r"(这|本|下下|下|上)?(?:个)?(?:周|星期|礼拜)([一二三四五六日天1-7])")
_WEEKEND = re.compile(r"(这|本|下下|下)?(?:个)?周末")
_WEEK = re.compile(r"(这|本|下下|下)(?:个)?(?:周|星期|礼拜)")
_MONTH = re.compile(r"(这个月|本月|下个月|下月|月底)")


def _span(day: date, days: int = 1) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=TZ)
    return start, start + timedelta(days=days)


def _week_start(today: date, prefix: str | None) -> date:
    monday = today - timedelta(days=today.weekday())
    return monday + timedelta(weeks={"下": 1, "下下": 2, "上": -1}.get(prefix or "", 0))


def _month_day(text: str, today: date) -> tuple[datetime, datetime] | None:
    m = _MONTH_DAY.search(text)
    if m:
        month, day = int(to_number(m.group(2)) or 0), int(to_number(m.group(3)) or 0)
        year = int(m.group(1)) if m.group(1) else today.year + (1 if month < today.month else 0)
        try:
            return _span(date(year, month, day))
        except ValueError:
            return None
    m = _DAY_ONLY.search(text)
    if m is None:
        return None
    day = int(m.group(1))
    month_start = today.replace(day=1) if day >= today.day else _next_month(today)
    try:
        return _span(month_start.replace(day=day))
    except ValueError:
        return None


def _next_month(today: date) -> date:
    return (today.replace(day=28) + timedelta(days=4)).replace(day=1)


def _relative(text: str, today: date) -> tuple[datetime, datetime] | None:
    for word in sorted(_DAY_WORDS, key=len, reverse=True):
        if word in text:
            return _span(today + timedelta(days=_DAY_WORDS[word]))
    if m := _WEEK_DAY.search(text):
        return _span(_week_start(today, m.group(1)) + timedelta(days=_WEEKDAY[m.group(2)]))
    if m := _WEEKEND.search(text):
        return _span(_week_start(today, m.group(1)) + timedelta(days=5), 2)
    if m := _WEEK.search(text):
        start = _week_start(today, m.group(1))
        first = max(start, today)
        return _span(first, (start + timedelta(days=7) - first).days)
    return _month(text, today)


def _month(text: str, today: date) -> tuple[datetime, datetime] | None:
    m = _MONTH.search(text)
    if not m:
        return None
    first = _next_month(today) if m.group(1).startswith("下") else today
    end = _next_month(first)
    return _span(first, (end - first).days)


def _narrow(text: str, span: tuple[datetime, datetime]) -> tuple[datetime, datetime]:
    start, end = span
    if end - start != timedelta(days=1):
        return span
    for word, h1, h2 in _PARTS:
        if word in text:
            return start + timedelta(hours=h1), start + timedelta(hours=h2)
    return span


def extract_date_range(text: str, now: datetime) -> tuple[datetime, datetime] | None:
    """A [start, end) range in Asia/Shanghai for a date phrase, or None when there is none."""
    t = normalize(text)
    today = now.astimezone(TZ).date()
    span = _month_day(t, today) or _relative(t, today)
    return _narrow(t, span) if span else None
