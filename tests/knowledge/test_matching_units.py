"""Thesaurus, features, lexical-only matching and empty inputs (no embedding model needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.embeddings import load_embedder
from knowledge.matching import Matcher, as_achievement, as_demand, load_thesaurus
from knowledge.matching.features import budget_fit, need_fit, parse_amount, region_fit
from knowledge.matching.metrics import ndcg, recall, reciprocal_rank
from knowledge.matching.thesaurus import parse_thesaurus


def test_thesaurus_links_colloquial_and_technical_terms() -> None:
    th = load_thesaurus()
    assert len(th.groups) >= 300
    for colloquial, technical in [
        ("中风", "脑卒中"),
        ("小龙虾", "克氏原螯虾"),
        ("刹车盘", "制动盘"),
        ("小孔", "缩松"),
    ]:
        a = {h.cid for h in th.concepts(f"我们的{colloquial}问题")}
        b = {h.cid for h in th.concepts(f"关于{technical}的研究")}
        assert a & b, (colloquial, technical)
    assert "脑卒中" in th.expand("中风病人")


def test_thesaurus_parsing_and_ascii_boundaries() -> None:
    th = parse_thesaurus(["# comment", "CAN总线|CAN|车载网络", "x|单|双字词", ""])
    assert [g[0] for g in th.groups] == ["CAN总线"]
    assert th.concepts("支持CAN通信")
    assert not th.concepts("scan the code")


def test_need_type_fit_reads_what_the_achievement_offers() -> None:
    testing = as_demand({"id": "d", "title": "t", "description": "x", "need_type": "检验检测"})
    talent = as_demand({"id": "d", "title": "t", "description": "x", "need_type": "人才引进"})
    platform = as_achievement({"id": "a", "title": "检测平台", "summary": "可出具测试报告，具备资质认定"})
    algorithm = as_achievement({"id": "b", "title": "目标跟踪算法", "summary": "一种新的滤波方法"})
    team = as_achievement({"id": "c", "title": "电机控制", "summary": "研发团队可柔性引进"})
    assert need_fit(testing, platform) == 1.0 > need_fit(testing, algorithm)
    assert need_fit(talent, team) == 1.0 > need_fit(talent, algorithm)


@pytest.mark.parametrize(
    ("text", "wan"),
    [("80万元", 80.0), ("1.5亿", 15000.0), ("50-80万", 80.0), ("面议", None), ("", None), ("300000", 30.0)],
)
def test_parse_amount(text: str, wan: float | None) -> None:
    assert parse_amount(text) == wan


def test_region_and_budget_are_neutral_when_unknown() -> None:
    d = as_demand({"id": "d", "title": "t", "description": "x", "region": "襄阳市高新区", "budget": "80万元"})
    same = as_achievement(
        {"id": "a", "title": "t", "summary": "x", "region": "襄阳市樊城区", "price": "60万元"}
    )
    far = as_achievement({"id": "b", "title": "t", "summary": "x", "region": "十堰市", "price": "200万元"})
    unknown = as_achievement({"id": "c", "title": "t", "summary": "x"})
    assert region_fit(d, same) == 0.75 and region_fit(d, far) == 0.25 and region_fit(d, unknown) == 0.5
    assert budget_fit(d, same) == 1.0 and budget_fit(d, far) == 0.0 and budget_fit(d, unknown) == 0.5


def test_metrics() -> None:
    grades = {"a": 2, "b": 1}
    assert ndcg(["a", "b", "c"], grades) == pytest.approx(1.0)
    assert ndcg(["c", "b", "a"], grades) < 1.0
    assert reciprocal_rank(["c", "b"], grades) == 0.5
    assert recall(["c", "a"], grades, k=2) == 0.5


DEMANDS = [
    {
        "id": "D1",
        "title": "中风病人康复",
        "description": "想做帮中风病人练习走路的设备",
        "industry": "医药健康",
        "need_type": "成果转化",
    },
    {
        "id": "D2",
        "title": "小龙虾养殖",
        "description": "稻田里的小龙虾夏天死得多",
        "industry": "现代农业",
        "need_type": "技术攻关",
    },
]
ACHIEVEMENTS = [
    {
        "id": "A1",
        "title": "下肢外骨骼",
        "summary": "面向脑卒中患者的步态训练机器人",
        "field": "医药健康",
        "maturity": "中试",
        "keywords": ["外骨骼", "脑卒中"],
    },
    {
        "id": "A2",
        "title": "克氏原螯虾高温养殖技术",
        "summary": "稻渔综合种养中的溶解氧预警",
        "field": "现代农业",
        "maturity": "已产业化",
        "keywords": ["克氏原螯虾"],
    },
    {
        "id": "A3",
        "title": "锂电池回收",
        "summary": "磷酸铁锂直接再生",
        "field": "新能源新材料",
        "maturity": "小试",
    },
]


@pytest.fixture(scope="module")
def lexical_matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    """A lexical-only matcher (embedder "none") over a few records."""
    m = Matcher(load_embedder("none"), tmp_path_factory.mktemp("lex"))
    m.index_achievements(ACHIEVEMENTS)
    m.index_demands(DEMANDS)
    return m


def test_lexical_only_backend_matches_through_the_thesaurus(lexical_matcher: Matcher) -> None:
    assert lexical_matcher.match_demand(DEMANDS[0], top=1)[0].id == "A1"
    assert lexical_matcher.match_demand(DEMANDS[1], top=1)[0].id == "A2"
    back = lexical_matcher.match_achievement(ACHIEVEMENTS[1], top=1)
    assert back[0].id == "D2" and any("克氏原螯虾" in r for r in back[0].reasons)
    assert all(m.id != "A3" for m in lexical_matcher.match_demand(DEMANDS[0]))


def test_remove_forgets_records(tmp_path: Path) -> None:
    m = Matcher(load_embedder("none"), tmp_path)
    m.index_achievements(ACHIEVEMENTS)
    m.index_demands(DEMANDS)
    m.remove("achievement", ["A1"])
    assert all(x.id != "A1" for x in m.match_demand(DEMANDS[0], top=5))


def test_empty_inputs(tmp_path: Path, lexical_matcher: Matcher) -> None:
    empty = Matcher(load_embedder("none"), tmp_path)
    assert empty.index_demands([]) == 0 and empty.index_achievements([]) == 0
    assert empty.match_demand(DEMANDS[0]) == []
    assert empty.match_achievement(ACHIEVEMENTS[0]) == []
    assert lexical_matcher.match_demand({}) == []
    assert lexical_matcher.match_demand(DEMANDS[0], top=0) == []
    assert lexical_matcher.match_demand({"id": "Q", "title": "", "description": ""}) == []
