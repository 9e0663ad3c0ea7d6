"""Plain match records built from demand / achievement dicts or ORM rows (fields of the sample JSONL)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Side = Literal["demand", "achievement"]


@dataclass(frozen=True)
class MatchRecord:
    """The fields matching needs, in one shape for both sides."""

    id: str
    side: Side
    title: str
    body: str
    industry: str = ""
    need_type: str = ""
    maturity: str = ""
    region: str = ""
    budget: str = ""
    keywords: tuple[str, ...] = ()
    extra: str = ""

    @property
    def embed_text(self) -> str:
        """The text given to the embedder (title, body and keywords)."""
        kw = f" 关键词：{'、'.join(self.keywords)}" if self.keywords else ""
        return f"{self.title}。{self.body}{kw}"

    @property
    def lexical_text(self) -> str:
        """The text given to the lexical index (embed text plus IP / company notes)."""
        return f"{self.embed_text} {self.extra}".strip()


def _get(rec: Any, name: str, default: Any = "") -> Any:
    """Read a field from a mapping or an object attribute."""
    value = rec.get(name, default) if isinstance(rec, Mapping) else getattr(rec, name, default)
    return default if value is None else value


def _keywords(value: Any) -> tuple[str, ...]:
    """Keywords given as a list or as a 、/,/; separated string."""
    if isinstance(value, str):
        return tuple(k for k in re.split(r"[、,，;；\s]+", value) if k)
    return tuple(str(k) for k in value or ())


def as_demand(rec: Any) -> MatchRecord:
    """A demand (问题库) record: id, title, description, industry, need_type, region, budget, company."""
    if isinstance(rec, MatchRecord):
        return rec
    return MatchRecord(
        id=str(_get(rec, "id")),
        side="demand",
        title=str(_get(rec, "title")),
        body=str(_get(rec, "description")),
        industry=str(_get(rec, "industry")),
        need_type=str(_get(rec, "need_type")),
        region=str(_get(rec, "region")),
        budget=str(_get(rec, "budget")),
        keywords=_keywords(_get(rec, "keywords", ())),
    )


def as_achievement(rec: Any) -> MatchRecord:
    """An achievement (项目库) record: id, title, summary, field, institution, maturity, ip, keywords."""
    if isinstance(rec, MatchRecord):
        return rec
    return MatchRecord(
        id=str(_get(rec, "id")),
        side="achievement",
        title=str(_get(rec, "title")),
        body=str(_get(rec, "summary")),
        industry=str(_get(rec, "field")) or str(_get(rec, "industry")),
        maturity=str(_get(rec, "maturity")),
        region=str(_get(rec, "region")),
        budget=str(_get(rec, "price")) or str(_get(rec, "budget")),
        keywords=_keywords(_get(rec, "keywords", ())),
        extra=str(_get(rec, "ip")),
    )
