"""Explainable scoring: feature weights, the combined score, and short Chinese reasons."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace

from knowledge.matching.features import NEED_LABEL, STRUCTURED
from knowledge.matching.records import MatchRecord

# The combined raw score is in "standard deviations above a random demand/achievement pair":
# the weighted mean of the z-scored similarities available (semantic needs an embedder), plus
# (value - 0.5) * weight for each structured feature. The displayed score maps raw through a logistic centred on RAW_CENTER.
RAW_CENTER = 3.0
RAW_SCALE = 1.0
DEFAULT_THRESHOLD = 0.35
SIMILARITIES = ("semantic", "concept", "lexical")


@dataclass(frozen=True)
class Weights:
    """Feature weights. Defaults are the ones that earned their place in bench/eval_matching.py."""

    semantic: float = 1.0  # embedding cosine (z-scored)
    concept: float = 0.5  # thesaurus concept TF-IDF cosine (z-scored)
    lexical: float = 0.0  # surface word+bigram TF-IDF cosine (z-scored): measured to hurt, kept for ablation
    need: float = 0.5  # need type vs what the achievement offers
    maturity: float = 0.5  # maturity, only for demands that want a ready result (成果转化/科技金融)
    industry: float = 0.25  # same industry: small, measured gain with partial thesaurus coverage
    region: float = 0.5  # same city/district (neutral when a side has no region)
    budget: float = 0.5  # asking price within budget (neutral when unknown)

    def without(self, name: str) -> Weights:
        """A copy with one feature switched off (for ablations)."""
        return replace(self, **{name: 0.0})

    def names(self) -> list[str]:
        """Feature names in declaration order."""
        return [f.name for f in fields(self)]


@dataclass(frozen=True)
class Match:
    """One ranked match: the other record's id, a 0–1 score, short reasons and the raw features."""

    id: str
    score: float
    reasons: list[str]
    features: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        """The public JSON shape: ``{"id", "score", "reasons"}``."""
        return {"id": self.id, "score": round(self.score, 4), "reasons": list(self.reasons)}


def structured_features(demand: MatchRecord, ach: MatchRecord) -> dict[str, float]:
    """All structured feature values for one pair (each in [0, 1], 0.5 neutral)."""
    return {name: fn(demand, ach) for name, fn in STRUCTURED.items()}


def raw_score(feats: dict[str, float], weights: Weights) -> float:
    """Weighted mean of the z-scored similarities present, plus weighted centred structured features."""
    sim_total, sim_weight, prior = 0.0, 0.0, 0.0
    for name in weights.names():
        w = getattr(weights, name)
        if not w or name not in feats:
            continue
        if name in SIMILARITIES:
            sim_total, sim_weight = sim_total + w * feats[name], sim_weight + w
        else:
            prior += w * (feats[name] - 0.5)
    return (sim_total / sim_weight if sim_weight else 0.0) + prior


def display_score(raw: float) -> float:
    """Map a raw score to (0, 1): 0.5 at RAW_CENTER standard deviations above a random pair."""
    return 1.0 / (1.0 + math.exp(-(raw - RAW_CENTER) / RAW_SCALE))


def reasons(demand: MatchRecord, ach: MatchRecord, feats: dict[str, float], shared: list[str]) -> list[str]:
    """Two or three short Chinese reasons, most specific first."""
    out: list[str] = []
    if shared:
        out.append("关键词：" + "、".join(shared[:3]))
    if feats.get("need", 0.5) >= 1.0 and demand.need_type in NEED_LABEL:
        out.append(NEED_LABEL[demand.need_type])
    if demand.industry and demand.industry == ach.industry:
        out.append(f"同属{demand.industry}")
    if ach.maturity in ("中试", "已产业化"):
        out.append(f"成果已{'中试' if ach.maturity == '中试' else '产业化'}")
    if feats.get("region", 0.5) >= 0.75:
        out.append(f"同在{demand.region}" if feats["region"] >= 1 else "同在一市")
    if feats.get("budget", 0.5) >= 1.0:
        out.append("报价在预算内")
    if len(out) < 2:
        out.append("需求与成果描述语义相近")
    return _order(out[:3])


def _order(items: list[str]) -> list[str]:
    """Industry first (as in "同属…；成果已中试；关键词：…"), then maturity/offer, then keywords."""
    rank = {
        "同属": 0,
        "同在": 1,
        "成果已": 2,
        "可": 3,
        "团队": 3,
        "支持": 3,
        "具备": 3,
        "报价": 4,
        "关键词": 5,
    }
    return sorted(items, key=lambda s: next((v for k, v in rank.items() if s.startswith(k)), 6))
