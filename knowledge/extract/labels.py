"""Labelled field lists in one message ('Title: …, field …, currently at 小试 stage', '名称：…，领域：…'): each
value runs from its label to the next label, so commas inside a value do not cut it."""

from __future__ import annotations

import re

# field -> label words; an English label opens a segment, with or without a colon ('…, field 电子信息'); a Chinese
# one needs the colon ('领域：电子信息')
_ENGLISH = {
    "title": r"title|project name|result name",
    "summary": r"description|summary|abstract|problem",
    "field": r"field|industry|sector|domain",
    "maturity": r"stage|maturity|status",
    "ip": r"ip|patents?|intellectual property",
    "institution": r"institution|organi[sz]ation|affiliation|company|unit",
    "contact": r"contact|name",
    "phone": r"phone|tel|mobile",
    "budget": r"budget",
    "region": r"region|location|address",
}
_CHINESE = {
    "title": r"成果名称|项目名称|名称|标题|题目", "summary": r"成果简介|简介|问题描述|描述", "field": r"所属领域|所属行业|领域|行业",
    "maturity": r"成熟度|阶段", "ip": r"知识产权", "institution": r"所在单位|单位名称|单位", "contact": r"联系人",
    "phone": r"联系电话|电话|手机", "budget": r"预算", "region": r"所在地区|地区",
}
_LABEL = re.compile(
    "|".join([*(rf"(?:^|(?<=[,，;；。\n]))\s*(?P<{k}>{v})(?![A-Za-z])\s*[:：]?" for k, v in _ENGLISH.items()),
              *(rf"(?:^|(?<=[,，;；。\n\s]))(?P<zh_{k}>{v})\s*[:：]" for k, v in _CHINESE.items()),
              r"(?:^|(?<=[,，;；。\n\s]))(?P<other>[^\s\d,，;；。:：][^\s,，;；。:：]{0,7})\s*[:：]"]),  # any other label ends a value too
    re.IGNORECASE,
)
_TRIM = " ，,;；。.、\t\n"


def labelled_parts(text: str) -> dict[str, str]:
    """``{field: value}`` of a message that labels at least two values, or one with an English label and a colon
    ('Title: 基于FPGA的…采集卡'); {} for prose ('our product name is great, field test done' has no label)."""
    marks = [(m.start(name), m.end(), name.removeprefix("zh_"))
             for m in _LABEL.finditer(text) for name in [next(k for k, v in m.groupdict().items() if v)]]
    english_colon = any(re.search(r"[:：]\s*$", text[s:e]) and re.match(r"[A-Za-z]", text[s:e]) for s, e, _ in marks)
    if len(marks) < 2 and not english_colon:
        return {}
    parts: dict[str, str] = {}
    for i, (_start, end, name) in enumerate(marks):
        value = text[end:marks[i + 1][0] if i + 1 < len(marks) else len(text)].strip(_TRIM)
        if value:
            parts.setdefault(name, value)
    return parts
