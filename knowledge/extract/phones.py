"""Phone numbers: mobiles (1[3-9]…, '+86', spaces/dashes) and landlines ('0710-5550101', '(0710)5550101')."""

from __future__ import annotations

import re

from ._text import normalize

_MOBILE = re.compile(r"(?<![\d.])(?:\+?86[\s-]?)?(1[3-9]\d(?:[\s-]?\d){8})(?![\d%]|\.\d)")  # '…7306。' ends a sentence
_LANDLINE = re.compile(r"(?<![\d.])(?:\((0\d{2,3})\)|(0\d{2,3}))[\s-]?(\d{3,4}[\s-]?\d{4})(?![\d%]|\.\d)")
_LOCAL = re.compile(r"(?<![\d.])([2-8]\d{6,7})(?![\d.%万元块wW亿年月日号个人件台套吨米])")
_PHONE_CUE = re.compile(r"(电话|座机|手机|号码|联系方式|热线|tel|Tel|TEL|打|拨)")
_UNIT_AFTER = re.compile(r"^\s*(万|元|块|w|W|亿|年|月|日|号|个|人|件|台|套|吨|米|%|千|百)")


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


_HEADLESS = re.compile(r"(?<![\d.])([3-9]\d(?:[\s-]?\d){8})(?![\d%])\s*[,，]?\s*"  # '三八零零零九七八二三 前面还有个1'
                       r"(?:前面|开头|最前面)(?:还有|还差|少了?|漏了?|要?加上?|是)(?:一)?个?\s*1")


def _mobiles(text: str) -> list[tuple[int, str]]:
    """Mobiles in the text, with one said without its leading 1 and the 1 said after it."""
    out = [(m.start(), "1" + _digits(m.group(1))) for m in _HEADLESS.finditer(text)]
    for m in _MOBILE.finditer(text):
        if not _UNIT_AFTER.match(text[m.end():]) and text[max(0, m.start() - 2):m.start()] != "不是":
            out.append((m.start(), _digits(m.group(1))))
    return out


def _landlines(text: str) -> list[tuple[int, str]]:
    out = []
    for m in _LANDLINE.finditer(text):
        area = m.group(1) or m.group(2)
        if not _UNIT_AFTER.match(text[m.end():]):
            out.append((m.start(), f"{area}-{_digits(m.group(3))}"))
    return out


def _locals(text: str, taken: list[tuple[int, str]]) -> list[tuple[int, str]]:
    out = []
    for m in _LOCAL.finditer(text):
        before = text[max(0, m.start() - 8):m.start()]
        overlaps = any(pos <= m.start() < pos + len(num) + 2 for pos, num in taken)
        if _PHONE_CUE.search(before) and not overlaps:
            out.append((m.start(), m.group(1)))
    return out


def extract_phones(text: str) -> list[str]:
    """All phone numbers in order of appearance: mobiles as 11 digits, landlines as '0710-5550101'."""
    t = normalize(text)
    found = _mobiles(t) + _landlines(t)
    found += _locals(t, found)
    seen: list[str] = []
    for _, num in sorted(found):
        if num not in seen:
            seen.append(num)
    return seen


def extract_phone(text: str, prefer_last: bool | None = None) -> str | None:
    """The contact phone of a message; the last one wins after a correction ('哦不对，是…')."""
    phones = extract_phones(text)
    if not phones:
        return None
    if prefer_last is None:
        from .intents import has_correction_cue

        prefer_last = has_correction_cue(text)
    return phones[-1] if prefer_last else phones[0]


_MOBILE_HEAD = re.compile(r"(?:电话|手机|号码|手机号|联系方式)(?:是|为|号)?[\s:：]*(1[3-9][\d\s-]{1,10}?)\s*(?:[.。…]+|$)")
_MOBILE_TAIL = re.compile(r"^\s*(?:后面|后几位|剩下的?|接着|还有)?(?:是)?\s*(\d[\d\s-]{0,9})\s*[.。]?$")


def mobile_head(text: str) -> str | None:
    """The first digits of a mobile cut off at the end of a message ('王芳 电话13800', '手机 138 0009'):
    a number told in two parts, its first part; None when a whole phone is there."""
    t = normalize(text)
    if extract_phones(t):
        return None
    m = _MOBILE_HEAD.search(t)
    digits = _digits(m.group(1)) if m else ""
    return digits if 3 <= len(digits) <= 10 else None


def mobile_completed(head: str, text: str) -> str | None:
    """The mobile a message of bare digits completes ('098130' after '13800'), when the two make 11 digits."""
    m = _MOBILE_TAIL.match(normalize(text))
    whole = head + _digits(m.group(1)) if m else ""
    return whole if len(whole) == 11 and _MOBILE.fullmatch(whole) else None
