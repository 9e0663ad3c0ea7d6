"""Regions of 襄十随神 from full names, short forms and well-known towns ('高新' → 襄阳市高新区)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from ._text import find_terms, load_json, normalize

_NEGATED_BEFORE = re.compile(r"(不是|不在|没在|以前在|原来在|之前在|从前在|过去在|不属于|不再|离开|从)\s*$")
_NEGATED_AFTER = re.compile(  # '南漳是以前的', '南漳以前的', '老河口那边是仓库': not where the unit is now
    r"^(?:县|市|区)?\s*(?:那边|那里|那儿|这边)?\s*(?:(?:是|只是|那是)\s*(?:以前|之前|原来|过去|早先)|(?:以前|之前|原来|过去)的(?:$|[\s,，。]))"
    r"|^(?:县|市|区)?\s*(?:那边|那里|那儿)?\s*(?:是|只是|就是|那是|只有|有个|有)\s*(?:仓库|库房|分厂|办事处|门市|老厂)"
    r"|^(?:县|市|区)?\s*(?:是|只是|那是|算)\s*[\u4e00-\u9fff]{0,4}?的?(?:老家|家乡|籍贯|户口|娘家|出生地)")  # '谷城是老板老家'
_FORMAL_ORG = ("公司", "合作社", "集团", "研究院", "研究所", "大学", "学院", "医院")
_MOVE_CUE = re.compile(r"(搬到|搬去|迁到|迁往|挪到|换到|现在在|如今在)")


@dataclass(frozen=True)
class Region:
    """A place: `name` is the record value (e.g. '襄阳市高新区', '十堰市'), `detail` the finer place."""

    name: str
    detail: str
    raw: str
    level: int
    in_org_name: bool = False  # only found inside an organisation name ('襄阳XX有限公司'): a weak hint


@lru_cache(maxsize=1)
def _aliases() -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for region in load_json("extract_regions.json")["regions"]:
        for alias in region["aliases"]:
            table[alias] = region
    return table


def _blocked(text: str, end: int, region: dict[str, Any]) -> bool:
    return any(text.startswith(w, end) for w in region.get("not_before", ()))


def _negated(text: str, start: int, end: int) -> bool:
    """Said as not (or no longer) the place: '不是东津', '以前在南漳', '南漳是以前的', '老河口那边是仓库'."""
    if _NEGATED_AFTER.match(text[end:end + 12]):
        return True
    if _NEGATED_BEFORE.search(text[max(0, start - 4):start]):
        prefix = text[max(0, start - 4):start]
        return not prefix.endswith("从") or "搬" in text[end:end + 8] or "迁" in text[end:end + 8]
    return False


def region_mentions(text: str) -> list[tuple[int, Region]]:
    """All non-negated region mentions in order, as (position, Region)."""
    t = normalize(text)
    table = _aliases()
    out = []
    for pos, alias in find_terms(t, tuple(table)):
        region, end = table[alias], pos + len(alias)
        if not _blocked(t, end, region) and not _negated(t, pos, end):
            out.append((pos, Region(region["name"], region["detail"], alias, region["level"])))
    return out


def _outside_orgs(text: str, mentions: list[tuple[int, Region]]) -> list[tuple[int, Region]]:
    from .orgs import org_spans

    spans = [s for s in org_spans(normalize(text)) if s[2].endswith(_FORMAL_ORG)]
    outside = [(p, r) for p, r in mentions if not any(s <= p < e for s, e, _ in spans)]
    return outside or [(p, replace(r, in_org_name=True)) for p, r in mentions]


def extract_region(text: str) -> Region | None:
    """The region a message states; a corrected or moved-to place wins ('不是东津，是高新区')."""
    from .intents import correction_position

    mentions = _outside_orgs(text, region_mentions(text))
    if not mentions:
        return None
    cue = correction_position(text)
    move = _MOVE_CUE.search(normalize(text))
    if move is not None:
        cue = move.start() if cue is None else min(cue, move.start())
    if cue is not None:
        later = [(p, r) for p, r in mentions if p >= cue] or mentions
        best = max(r.level for _, r in later)
        return [r for _, r in later if r.level == best][-1]
    best = max(r.level for _, r in mentions)
    return next(r for _, r in mentions if r.level == best)
