"""Money amounts and ranges normalised to 万元 ('两百万', '200w', '50-80万', '1.5亿', '3000元/月', '面议')."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._text import NUM_RE, normalize, to_number

_UNIT = r"(?:万元|万块|万|w|W|亿元|亿|千元|千块|k|K|元|块钱|块)"
_RANGE_SEP = r"\s*(?:-|~|到|至|—)\s*"
_AMOUNT = re.compile(
    rf"(?P<lo>{NUM_RE})\s*(?P<lo_unit>{_UNIT})?(?:{_RANGE_SEP}(?P<hi>{NUM_RE}))?\s*(?:多|来|余)?(?P<unit>{_UNIT})"
    rf"(?P<period>\s*/\s*(?:月|年)|每月|一个月|每年|一年)?"
)
_BARE_AFTER_CUE = re.compile(rf"(?:预算|经费|出|投入|拿出|资金)[\s:]*(?:大概|大约|约|差不多|是|有|在)?\s*(?P<num>{NUM_RE})(?![\d万wW亿千元块kK年月日号%个人项次几])")
_NOT_MONEY_AFTER = re.compile(r"^(?:级|倍|像素|人|台|件|个|吨|亩|只|头|平|米|套|辆|公里|次|份|株|斤|箱|瓶|户|家|字|条|根|片|张|颗|粒|包|袋|盒|度|伏|瓦|转|小时|步|册|kg|KG|km|Km|m)")
_W_NOT_MONEY = re.compile(r"^(?:的?(?:电机|灯|功率|光源|马达|电源|激光|音响)|h|H)")
_NOT_BUDGET_BEFORE = re.compile(r"(产值|营收|销售额|收入|营业额|年产|产量|注册资本|利润|规模|年销|损失|亏)[^,.;，。；]{0,4}$")
_SALARY_CUE = re.compile(r"(年薪|月薪|工资|薪资|薪水|待遇)")
_MONTH_CUE = re.compile(r"(月薪|每月|一个月|/月|月工资)")
_QUALIFIERS = (("以内", "以内"), ("以下", "以内"), ("之内", "以内"), ("左右", "左右"), ("上下", "左右"),
               ("以上", "以上"), ("起", "以上"), ("多", "以上"))
_PREFIX_QUALIFIERS = (("不超过", "以内"), ("最多", "以内"), ("顶多", "以内"), ("至少", "以上"),
                      ("不低于", "以上"), ("大概", "左右"), ("大约", "左右"), ("约", "左右"), ("差不多", "左右"))
_NEGOTIABLE = re.compile(
    r"((?:没有|没得|冇得|冇|没)(?:啥|什么)?(?:预算|经费)|面议|面谈|议价|价格可谈|可以谈|好商量|可商量|可以商量|再商量|商量着来|待定|还没定|没定|不确定|不好说|说不好|看情况|看人|看效果|看方案|看能力|协商|再谈|谈着看|不限|好说|不是问题|不成问题|不差钱|看(?:你们|对方|专家)?(?:的)?报价)"
)
_MONEY_TOPIC = re.compile(r"(预算|价格|费用|经费|待遇|薪资|薪水|工资|年薪|月薪|报酬|钱|资金|价钱|多少|报价)")


@dataclass(frozen=True)
class Amount:
    """An amount in 万元 as the user said it; low/high are None when negotiable."""

    raw: str
    low_wan: float | None = None
    high_wan: float | None = None
    negotiable: bool = False
    period: str | None = None  # "月" or "年" for salaries, None for a lump sum
    qualifier: str | None = None  # "左右", "以内", "以上"

    @property
    def normalized(self) -> str:
        """Canonical text: '80万元', '50-80万元', '0.3万元/月' or '面议'; a yearly salary ('年薪五十万') is written like a
        lump sum ('50万元': a budget is counted by the year), a monthly one keeps its '/月' (a twelfth of the year's)."""
        if self.negotiable or self.low_wan is None:
            return "面议"
        text = _fmt(self.low_wan)
        if self.high_wan is not None and self.high_wan != self.low_wan:
            text = f"{text}-{_fmt(self.high_wan)}"
        return f"{text}万元" + ("/月" if self.period == "月" else "")


def _fmt(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _to_wan(value: float, unit: str) -> float:
    unit = unit.lower()
    if unit.startswith("亿"):
        return value * 10000
    if unit.startswith("万") or unit == "w":
        return value
    if unit.startswith("千") or unit == "k":
        return value / 10
    return value / 10000


def _split_cn_unit(num: str, unit: str) -> tuple[str, str]:
    """'两百万' is matched as num='两百万'+unit; move a trailing 万/亿 from the numeral into the unit."""
    if len(num) > 1 and num[-1] in "万亿" and not re.search(r"\d", num):
        return num[:-1], num[-1] + ("" if unit in ("万", "亿") else unit)
    return num, unit


def _qualifier(text: str, start: int, end: int) -> str | None:
    after, before = text[end:end + 3], text[max(0, start - 4):start]
    for word, qual in _QUALIFIERS:
        if after.startswith(word):
            return qual
    return next((q for w, q in _PREFIX_QUALIFIERS if before.endswith(w)), None)


def _period(text: str, m: re.Match[str]) -> str | None:
    window = text[max(0, m.start() - 6):m.end() + 4]
    if m.group("period") and "月" in m.group("period") or _MONTH_CUE.search(window):
        return "月"
    if "年薪" in window or (m.group("period") and "年" in m.group("period")):
        return "年"
    return None


_APPROX_PAIR = re.compile(r"^([一二两三四五六七八九])([二两三四五六七八九])([十百千]?)$")
_WAN_TAIL = re.compile(r"^([一二两三四五六七八九])(?![十百千万亿\d])")


def _numbers(lo_txt: str, hi_txt: str | None) -> tuple[float | None, float | None]:
    """Numeric values; '二三十' reads as the range 20-30."""
    pair = _APPROX_PAIR.match(lo_txt) if hi_txt is None else None
    if pair:  # '三五万' is 3-5万, never 35万: two bare digits are a spoken range
        unit = to_number("一" + pair.group(3)) or 1 if pair.group(3) else 1
        lo, hi = ((to_number(pair.group(k)) or 0) * unit for k in (1, 2))
        if lo < hi:
            return lo, hi
    return to_number(lo_txt), to_number(hi_txt) if hi_txt else None


def _wan_tail(text: str, m: re.Match[str], unit: str, value: float) -> float:
    """'一万五' means 1.5万: add the digit right after 万."""
    tail = _WAN_TAIL.match(text[m.end():]) if unit == "万" and m.group("hi") is None else None
    return value + (to_number(tail.group(1)) or 0) / 10 if tail else value


def _from_match(text: str, m: re.Match[str]) -> Amount | None:
    """Build an Amount from one regex match, or None when the context says it is not money."""
    lo_txt, unit = _split_cn_unit(m.group("lo"), m.group("unit"))
    if m.group("hi"):
        hi_txt, unit = _split_cn_unit(m.group("hi"), m.group("unit"))
    else:
        hi_txt = None
    lo_unit = m.group("lo_unit") or unit
    lo, hi = _numbers(lo_txt, hi_txt)
    if lo is not None and hi is None and not hi_txt:
        lo = _wan_tail(text, m, unit, lo)
    if lo is None or (hi_txt and hi is None) or not _is_money(text, m, unit):
        return None
    low = _to_wan(lo, lo_unit)
    high = _to_wan(hi, unit) if hi is not None else None
    if high is not None and high < low and lo_unit == unit:
        return None
    raw_end = m.end() + (2 if _qualifier(text, m.start(), m.end()) else 0)
    return Amount(text[m.start():raw_end].strip(), low, high if high is not None else low,
                  period=_period(text, m), qualifier=_qualifier(text, m.start(), m.end()))


def _is_money(text: str, m: re.Match[str], unit: str) -> bool:
    after = text[m.end():]
    if _NOT_MONEY_AFTER.match(after) or _NOT_BUDGET_BEFORE.search(text[:m.start()]):
        return False
    if text[max(0, m.start() - 2):m.start()] == "不是" or text[max(0, m.start() - 1):m.start()] == "几":
        return False  # '大几十万' names no amount
    if unit == "块" and not re.match(r"\d", m.group("lo")) and (to_number(m.group("lo")) or 0) < 10:
        return False
    return not (unit.lower() == "w" and _W_NOT_MONEY.match(after))


def _bare_after_cue(text: str) -> Amount | None:
    """'预算八十' / '预算50' without a unit: read as 万元 (≥1000 is taken as 元)."""
    m = _BARE_AFTER_CUE.search(text)
    value = to_number(m.group("num")) if m else None
    if m is None or value is None or value <= 0:
        return None
    wan = value / 10000 if value >= 1000 else value
    return Amount(m.group("num"), wan, wan)


_CN_DIGIT = "一二三四五六七八九"
_APPROX = re.compile(r"(?<![\d一二三四五六七八九十百千])(?P<a>[一二两三四五六七八九])(?P<b>[二三四五六七八九])(?P<mag>十|百)?"
                     r"(?:来|多)?\s*(?P<unit>万|个)")
_SOME = re.compile(r"(?<![\d一二三四五六七八九十百千几])(?P<n>[一二三四五六七八九]?十|[一二三四五六七八九]百)几\s*(?P<unit>万|个(?![人月天台件次]))")
_ABOUT = re.compile(r"(?<![\d一二三四五六七八九十百千几])(?P<mag>[十百])把\s*(?P<unit>万|个(?![人月天台件次]))")
_GE_RANGE = re.compile(rf"(?P<lo>{NUM_RE})\s*(?:-|~|到|至)\s*(?P<hi>{NUM_RE})\s*个(?![人月天])")
_GE = re.compile(rf"(?<![\d一二三四五六七八九十百千])(?P<num>{NUM_RE})\s*(?:来|多)?个(?=吧|左右|上下|的样子|\s|,|$)")
_SPEND_CUE = re.compile(r"(钱|预算|经费|资金|出|花|投|贷|要|给)")


def _digit_pair(text: str, money: bool) -> Amount | None:
    """'三四十个吧' (30–40万), '五六十万', '三五万' (3–5万): two neighbouring digits are a range."""
    m = _APPROX.search(text)
    if not m or not (m.group("unit") == "万" or money):
        return None
    mag = {"十": 10, "百": 100}.get(m.group("mag") or "", 1)
    lo, hi = (_CN_DIGIT.index(m.group(k).replace("两", "二")) + 1 for k in ("a", "b"))
    return Amount(m.group(), float(lo * mag), float(hi * mag)) if lo < hi else None


def _round_figure(text: str, money: bool) -> Amount | None:
    """'百把万' (about 100万) and '十几万' (10–20万), '二十几万' (20–30万)."""
    about = _ABOUT.search(text)
    if about and (about.group("unit") == "万" or money):
        value = {"十": 10.0, "百": 100.0}[about.group("mag")]
        return Amount(about.group(), value, value)
    some = _SOME.search(text)
    base = to_number(some.group("n")) if some and (some.group("unit") == "万" or money) else None
    if some and base:
        return Amount(some.group(), base, base + (10 if some.group("n").endswith("十") else 100))
    return None


def _counted(text: str, money: bool) -> Amount | None:
    """'预算5到8个', '大概要五百个': '个' for 万 when money is talked about."""
    pair = _GE_RANGE.search(text) if money else None
    lo, hi = (to_number(pair.group("lo")), to_number(pair.group("hi"))) if pair else (None, None)
    if pair and lo and hi and lo < hi <= 10000:
        return Amount(pair.group(), lo, hi)
    g = _GE.search(text)
    value = to_number(g.group("num")) if g and money else None
    return Amount(g.group(), value, value) if g and value and 1 <= value <= 10000 else None


def _colloquial(text: str) -> Amount | None:
    """How people say budgets aloud: digit pairs, round figures and '个' for 万."""
    money = bool(_MONEY_TOPIC.search(text) or _SPEND_CUE.search(text))
    return _digit_pair(text, money) or _round_figure(text, money) or _counted(text, money)


def extract_amounts(text: str) -> list[Amount]:
    """All amounts of a message in order of appearance (negotiable budgets excluded)."""
    t = normalize(text)
    approx = _APPROX.search(t)
    if approx and approx.group("unit") == "万" and (said := _colloquial(t)) is not None:
        return [said]
    found = [a for m in _AMOUNT.finditer(t) if (a := _from_match(t, m)) is not None]
    if not found and (said := _colloquial(t)) is not None:  # '预算 大概四五十个' before the bare '预算四五'
        found.append(said)
    if not found and (bare := _bare_after_cue(t)) is not None:
        found.append(bare)
    return found


_WRITE_AS = re.compile(r"(?:就写|就填|写成|填成|就按|按照?|就算|算了|还是写|还是填|说写|说填)")


def extract_amount(text: str) -> Amount | None:
    """The budget/salary of a message: an amount (last one after a correction) or a negotiable marker."""
    from .intents import has_correction_cue

    t = normalize(text)
    for told in reversed([m.end() for m in _WRITE_AS.finditer(t)]):  # the last 'write this' naming a budget
        if settled := extract_amounts(t[told:]):  # '大概三五万吧 就写5万': what to write wins
            return settled[0]
        if (later := _NEGOTIABLE.search(t[told:])) and later.group() in ("面议", "面谈", "议价"):
            return Amount(later.group(), negotiable=True)  # '先写四十万…算了 老板说写面议'
    amounts = extract_amounts(text)
    if amounts:
        return amounts[-1] if has_correction_cue(text) else amounts[0]
    m = _NEGOTIABLE.search(t)
    if m and (m.group() in ("面议", "面谈", "议价") or _MONEY_TOPIC.search(t)):
        return Amount(m.group(), negotiable=True)
    return None
