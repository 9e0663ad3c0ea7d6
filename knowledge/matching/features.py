"""Structured match features besides text similarity: need type vs offer, maturity, industry, region, budget.

Each returns a value in [0, 1]; 0.5 means "unknown / neutral" so missing fields never move a ranking.
"""

from __future__ import annotations

import re

from knowledge.matching.records import MatchRecord

MATURITY_LEVEL = {"实验室阶段": 0.0, "小试": 1 / 3, "中试": 2 / 3, "已产业化": 1.0}

# What an achievement must show to serve a need type: (capability cue, delivery-mode cue).
# Both must occur for a full fit; one of them gives a partial fit.
OFFER_CUES: dict[str, tuple[str, str]] = {
    "检验检测": (
        r"检测|检验|测试|评价|试验|测评|分析|探伤|认证",
        r"平台|服务|报告|资质|认定|CMA|CNAS|委托|测试用例|出具|机构|实验室",
    ),
    "人才引进": (
        r"团队|人才|教授|博士|专家|研究员|工程师|带头人",
        r"引进|柔性|派驻|驻厂|联合实验室|共建|长期合作|兼职|合作研发|参与企业",
    ),
    "设备共享": (
        r"中试线|生产线|试验线|设备|仪器|装置|平台|窑|反应釜|产线",
        r"代工|共享|开放|租|样品|试制|送样|加工服务|委托加工|小批量|服务",
    ),
    "科技金融": (
        r"许可|提成|入股|作价|分期|质押|融资|投资|转让|里程碑",
        r"合作|方式|专利|技术",
    ),
    "成果转化": (
        r"许可|转让|入股|产业化|量产|推广|应用|示范|企业应用|生产线",
        r"专利|中试|产业化|工艺包|样机|已在|已完成",
    ),
}
NEED_LABEL = {
    "检验检测": "可提供检测服务",
    "人才引进": "团队可柔性引进",
    "设备共享": "可共享设备/代工",
    "科技金融": "支持许可/入股等灵活合作",
    "成果转化": "具备转化条件",
}


def need_fit(demand: MatchRecord, ach: MatchRecord) -> float:
    """How well what the achievement offers fits the demand's need type (0.5 when not decidable)."""
    cues = OFFER_CUES.get(demand.need_type)
    if cues is None:
        return 0.5
    text = ach.lexical_text
    hits = sum(1 for pattern in cues if re.search(pattern, text))
    return (0.0, 0.5, 1.0)[hits]


READY_NEEDS = frozenset({"成果转化", "科技金融"})


def maturity_fit(demand: MatchRecord, ach: MatchRecord) -> float:
    """For demands wanting a ready result (成果转化/科技金融) the achievement's maturity; else neutral."""
    level = MATURITY_LEVEL.get(ach.maturity)
    return 0.5 if level is None or demand.need_type not in READY_NEEDS else level


def industry_fit(demand: MatchRecord, ach: MatchRecord) -> float:
    """1 for the same industry, 0 for a different one, 0.5 when either is unknown."""
    if not demand.industry or not ach.industry:
        return 0.5
    return 1.0 if demand.industry == ach.industry else 0.0


def _city(region: str) -> str:
    """The city part of a 襄十随神 region ("襄阳市高新区" → "襄阳市")."""
    m = re.match(r"^(.+?(?:市|林区|州))", region)
    return m.group(1) if m else region


def region_fit(demand: MatchRecord, ach: MatchRecord) -> float:
    """Same district 1, same city 0.75, different city 0.25, unknown 0.5."""
    if not demand.region or not ach.region:
        return 0.5
    if demand.region == ach.region:
        return 1.0
    return 0.75 if _city(demand.region) == _city(ach.region) else 0.25


def parse_amount(text: str) -> float | None:
    """An amount in 万元 from "80万元", "1.5亿", "50-80万" (upper bound) or None for 面议 / unknown."""
    nums = re.findall(r"\d+(?:\.\d+)?", text or "")
    if not nums:
        return None
    value = float(nums[-1])
    if "亿" in text:
        return value * 10000
    return value if "万" in text else value / 10000


def budget_fit(demand: MatchRecord, ach: MatchRecord) -> float:
    """1 when the asking price fits the budget, falling to 0 at twice the budget; 0.5 when unknown."""
    budget, price = parse_amount(demand.budget), parse_amount(ach.budget)
    if budget is None or price is None or budget <= 0:
        return 0.5
    return float(min(1.0, max(0.0, 2.0 - price / budget)))


STRUCTURED = {
    "need": need_fit,
    "maturity": maturity_fit,
    "industry": industry_fit,
    "region": region_fit,
    "budget": budget_fit,
}
