"""The list is not the alert: no global cut, calibrated 高/中/低 labels, a stricter alert cut, bridge reasons."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.embeddings import load_embedder
from knowledge.matching import Match, Matcher
from knowledge.matching.metrics import load_jsonl, load_qrels
from knowledge.matching.scoring import (
    ALERT_CUT,
    ALERT_TOP,
    CONFIDENCE_MID,
    Bridge,
    alert_probability,
    confidence,
)

DATA = Path(__file__).resolve().parents[2] / "samples" / "matching"
OLD_GLOBAL_CUT = 0.35


@pytest.fixture(scope="module")
def lexical() -> Matcher:
    """A lexical-only matcher (no embedding model) over the sample data."""
    m = Matcher(load_embedder("none"), None)
    m.index_achievements(load_jsonl(DATA / "achievements.jsonl"))
    m.index_demands(load_jsonl(DATA / "demands.jsonl"))
    return m


def test_labels_follow_the_alert_decision() -> None:
    assert 0.0 < CONFIDENCE_MID < ALERT_CUT < 1.0
    assert [confidence(s) for s in (0.05, CONFIDENCE_MID, 0.99)] == ["低", "中", "中"]
    assert confidence(0.2, alert=True) == "高"  # 高 means: confident enough to be alerted
    low = Match("A1", CONFIDENCE_MID / 2, ["x"])
    assert low.confidence == "低" and not low.alertable
    assert Match("A1", ALERT_CUT, ["x"]).alertable  # no embedding feature: the score cut decides
    assert Match("A1", 0.1, ["x"]).to_dict() == {"id": "A1", "score": 0.1, "reasons": ["x"], "confidence": "低"}


def test_alert_model_weighs_the_pair_evidence_not_the_score() -> None:
    bridged = {"semantic": 3.0, "concept": 6.0, "lexical": 1.0, "industry": 1.0, "need": 0.5}
    wrong_offer = bridged | {"need": 0.0}  # e.g. a demand for a test service against a lab-stage material
    unrelated = {"semantic": 1.0, "concept": -0.2, "lexical": 0.0, "industry": 0.0, "need": 0.5}
    p_bridged, p_wrong, p_unrelated = (alert_probability(f) for f in (bridged, wrong_offer, unrelated))
    assert p_bridged is not None and p_wrong is not None and p_unrelated is not None
    assert p_unrelated < p_wrong < p_bridged
    assert Match("A1", 0.25, ["x"], bridged).alertable  # below the old score cut, alerted on its evidence
    assert not Match("A2", 0.4, ["x"], unrelated).alertable
    assert alert_probability({"concept": 6.0}) is None  # no embedding (embedder none): the score cut decides


def test_only_a_lists_top_five_can_be_alerted() -> None:
    bridged = {"semantic": 3.0, "concept": 6.0, "lexical": 1.0, "industry": 1.0, "need": 0.5}
    assert Match("A1", 0.6, ["x"], bridged, rank=ALERT_TOP - 1).confidence == "高"
    sixth = Match("A1", 0.6, ["x"], bridged, rank=ALERT_TOP)  # same evidence, sixth in its list (kc match --top 10)
    assert not sixth.alertable and sixth.confidence == "中"


def test_relevant_low_scoring_candidate_is_listed_as_low(lexical: Matcher) -> None:
    qrels = load_qrels(DATA / "qrels.jsonl")
    low_relevant = [
        (d["id"], m.id, m.score)
        for d in load_jsonl(DATA / "demands.jsonl")
        for m in lexical.match_demand(d, top=10)
        if qrels.get(d["id"], {}).get(m.id, 0) > 0 and m.confidence == "低"
    ]
    assert low_relevant, "a relevant candidate below the old global cut must still be listed"
    assert all(score < OLD_GLOBAL_CUT and not Match(a, score, []).alertable for _, a, score in low_relevant)


def test_list_has_no_global_cut_and_alertable_is_stricter(lexical: Matcher) -> None:
    listed = [m for d in load_jsonl(DATA / "demands.jsonl") for m in lexical.match_demand(d, top=10)]
    assert len(listed) == 25 * 10  # every demand gets its top 10, weak ones included
    alertable = [m for m in listed if m.alertable]
    assert 0 < len(alertable) < len(listed)
    assert all(m.score >= ALERT_CUT and m.confidence == "高" for m in alertable)  # lexical only: the score cut
    assert {m.confidence for m in listed} == {"高", "中", "低"}


def test_reason_names_the_bridge_words() -> None:
    m = Matcher(load_embedder("none"), None)
    m.index_achievements([
        {"id": "A1", "title": "制动抖振抑制技术", "summary": "针对盘式制动器制动抖振，控制制动盘厚度差。",
         "field": "汽车及零部件"},
        {"id": "A2", "title": "中药提取工艺", "summary": "醇沉除杂与大孔树脂纯化。", "field": "医药健康"},
        {"id": "A3", "title": "锂电池热管理", "summary": "液冷板与相变材料。", "field": "新能源"},
    ])
    demand = {"id": "D1", "title": "刹车发抖", "description": "高速踩刹车时方向盘发抖。", "industry": "汽车及零部件"}
    best = m.match_demand(demand, top=3)[0]
    assert best.id == "A1"
    assert "需求的“刹车发抖”≈成果的“制动抖振”（同义概念：制动抖振）" in best.reasons
    assert all(len(r) <= 40 for r in best.reasons)


def test_long_bridge_text_stays_short() -> None:
    text = Bridge("很长很长的需求说法" * 3, "很长很长的成果术语" * 3, "概念").text()
    assert len(text) <= 40 and "≈" in text


def test_alert_weighs_the_pair_against_the_demands_own_similarities() -> None:
    """The same background similarity is strong evidence when the demand singles the record out of the library, and
    none when the demand is worded like everything (its similarities to every record are high)."""
    pair = {"semantic": 3.0, "concept": 1.5, "lexical": 0.5, "industry": 1.0, "need": 0.5}
    singled_out = pair | {"semantic_query_z": 4.0, "semantic_margin": 0.5}
    like_everything = pair | {"semantic_query_z": 1.5, "semantic_margin": -1.0}
    assert Match("A1", 0.5, ["x"], singled_out).alertable
    assert not Match("A2", 0.5, ["x"], like_everything).alertable
