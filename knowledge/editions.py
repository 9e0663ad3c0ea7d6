"""Editions of one programme's documents: the year a title names, and which titles name the same programme.

Cities keep several notices on one programme (2026年度…通知, 2027年度…通知, an undated older 实施细则); when two of
them answer a question about equally well, the later edition speaks for the programme."""

from __future__ import annotations

import re
from collections.abc import Sequence

from knowledge.cities import cities_in
from knowledge.lexical import shared_phrase

ALIKE_TITLES = 4  # a shared title phrase more documents hold is a form word (实施细则, 申报指南), not a programme
_EDITION = re.compile(r"(20\d\d)\s*年")
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_YEARS = re.compile(r"20\d\d\s*年度?")
_PERIOD = re.compile(r"(?:19|20)\d\d\s*年|去年|前年|往年|上一?年度?|老版|旧版|以前的|原来的")


def edition(title: str) -> int | None:
    """The latest year a document's title names (2027年度…通知, …标准（2027年版）), None for an undated title."""
    years = [int(y) for y in _EDITION.findall(title)]
    return max(years) if years else None


def programme(title: str) -> str:
    """A title without its city, years and bracketed notes: what programme it is about."""
    bare = _BRACKETS.sub("", title)
    for city in cities_in(bare):
        bare = bare.replace(f"{city}市", "").replace(city, "")
    return _YEARS.sub("", bare)


def same_programme(title: str, other: str, titles: Sequence[str]) -> bool:
    """Whether two titles name one programme: a shared phrase of four characters or more that at most
    ``ALIKE_TITLES`` of ``titles`` hold (not a form word such as 实施细则)."""
    phrase = shared_phrase(programme(title), programme(other), min_chars=4)
    return bool(phrase) and sum(phrase in t for t in titles) <= ALIKE_TITLES


def later(title: str, other: str) -> bool:
    """Whether ``title`` is a later edition than ``other`` (an undated title counts as older than a dated one)."""
    mine, theirs = edition(title), edition(other)
    return mine is not None and (theirs is None or mine > theirs)


def names_period(text: str) -> bool:
    """Whether a question names a year or an earlier edition (2026年, 去年, 旧版): no longer about the latest one."""
    return bool(_PERIOD.search(text))
