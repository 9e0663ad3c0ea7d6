"""Match handlers called directly: 感兴趣 / 不合适, contact release only when both agree, 我的匹配 by score,
and one alert per person per demand (in-memory database, a fake matcher with fixed hits)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.container import Container
from bot.domain.achievements import AchievementInput, AlertTopic, submit_achievement
from bot.domain.demands import DemandInput, ReviewResult, approve_demand, submit_demand
from bot.domain.matches.review import alert_for_achievement, digest
from bot.store.models import Demand, Match, Outbox
from handlers import matches
from tests.support.handlers import NOW, Chat, memory_container

INDUSTRY = "汽车及零部件"


@dataclass(frozen=True)
class FakeHit:
    """A ranked record as the matcher returns it."""

    id: str
    score: float
    reasons: tuple[str, ...] = ("同属汽车及零部件", "关键词：焊接")
    alertable: bool = True


@dataclass
class FakeMatching:
    """A matcher with fixed answers: demand id → hits (achievements), achievement id → hits (demands)."""

    for_demand: dict[str, list[FakeHit]] = field(default_factory=dict)
    for_achievement: dict[str, list[FakeHit]] = field(default_factory=dict)

    def index_demands(self, records: list[Any], *, journal: Any = None) -> int:
        """Nothing to index."""
        return len(records)

    def index_achievements(self, records: list[Any], *, journal: Any = None) -> int:
        """Nothing to index."""
        return len(records)

    def sync(self, journal: Any = None) -> int:
        """Nothing to follow."""
        return 0

    def match_demand(self, demand: Any, top: int = 10) -> Sequence[FakeHit]:
        """The fixed hits of the demand."""
        return self.for_demand.get(demand.id, [])[:top]

    def match_achievement(self, achievement: Any, top: int = 10) -> Sequence[FakeHit]:
        """The fixed hits of the achievement."""
        return self.for_achievement.get(achievement.id, [])[:top]


def add_demand(container: Container, openid: str = "ent", appid: str | None = None) -> str:
    """A pending demand of an enterprise; returns its id."""
    data = DemandInput(company="襄阳试验座椅有限公司", industry=INDUSTRY, need_type="技术攻关", title="座椅骨架焊接变形",
                       description="骨架焊接后变形大，想找高校帮忙", region="襄阳市樊城区", budget="80万元",
                       contact_name="王厂长", contact_phone="13800000001")
    with container.db.session() as session:
        return submit_demand(session, data=data, appid=appid or container.appid, openid=openid, now=NOW).id


def add_achievement(container: Container, openid: str | None = "res", title: str = "焊接变形控制工艺",
                    topics: tuple[AlertTopic, ...] = (), appid: str | None = None) -> str:
    """An achievement of a researcher, with the demand alerts they follow; returns its id."""
    data = AchievementInput(title=title, summary="激光焊接变形补偿", field=INDUSTRY, institution="汉江大学",
                            maturity="中试", contact_name="李教授", contact_phone="13800000002", alerts=topics)
    with container.db.session() as session:
        return submit_achievement(session, data=data, appid=appid or container.appid, openid=openid, now=NOW,
                                  actor=openid or "liaison").id


def approve(container: Container, demand_id: str, matcher: FakeMatching) -> ReviewResult:
    """Publish the demand as a liaison officer, with the fake matcher."""
    with container.db.session() as session:
        return approve_demand(session, matcher=matcher, demand_id=demand_id, appid=container.appid,
                              actor="liaison-zhang", now=NOW)


def outbox(container: Container, openid: str, kind: str) -> list[str]:
    """Texts queued for ``openid`` of one kind, in order."""
    with container.db.session() as session:
        rows = session.scalars(select(Outbox).where(Outbox.openid == openid, Outbox.kind == kind).order_by(Outbox.id))
        return [r.payload["text"] for r in rows]


def match_row(container: Container, demand_id: str, achievement_id: str) -> Match:
    """The stored match of the pair."""
    with container.db.session() as session:
        return session.scalars(select(Match).where(
            Match.demand_id == demand_id, Match.achievement_id == achievement_id)).one()


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Container, str, str]:
    """An enterprise demand and a researcher's achievement, published and matched."""
    container = memory_container(tmp_path)
    demand_id, achievement_id = add_demand(container), add_achievement(container)
    approve(container, demand_id, FakeMatching({demand_id: [FakeHit(achievement_id, 0.8)]}))
    return container, demand_id, achievement_id


def test_both_sides_must_agree_before_contacts_are_released(pair: tuple[Container, str, str]) -> None:
    container, demand_id, achievement_id = pair
    researcher, enterprise = Chat(container, matches.handle_answer, "res"), Chat(container, matches.handle_answer, "ent")
    (reply,) = researcher.send(f"感兴趣 {demand_id.lower()}") or []
    assert "对方确认后" in reply
    assert match_row(container, demand_id, achievement_id).state == "interested"
    assert outbox(container, "res", "contact_release") == outbox(container, "ent", "contact_release") == []
    (reply,) = enterprise.send(f"有意向 {achievement_id}") or []
    assert "双方联系方式已发给您" in reply
    (to_ent,), (to_res,) = outbox(container, "ent", "contact_release"), outbox(container, "res", "contact_release")
    assert "李教授" in to_ent and "13800000002" in to_ent and "13800000001" in to_res
    assert match_row(container, demand_id, achievement_id).state == "contact_released"
    with container.db.session() as session:
        assert session.get(Demand, demand_id).status == "已对接"  # type: ignore[union-attr]


def test_decline_needs_a_reason_then_closes_the_match_without_contacts(pair: tuple[Container, str, str]) -> None:
    container, demand_id, achievement_id = pair
    researcher = Chat(container, matches.handle_answer, "res")
    (ask,) = researcher.send(f"不合适 {demand_id}") or []
    assert "原因" in ask and "阶段不符" in ask
    assert match_row(container, demand_id, achievement_id).state == "recommended"
    (reply,) = researcher.send(f"不合适 {demand_id} 预算不符，差得有点多") or []
    assert "已标记为不合适（预算不符）" in reply
    row = match_row(container, demand_id, achievement_id)
    assert (row.state, row.achievement_side, row.decline_reason) == ("declined", "declined", "预算不符：预算不符，差得有点多")
    (late,) = Chat(container, matches.handle_answer, "ent").send(f"感兴趣 {achievement_id}") or []
    assert "已婉拒" in late and "无需再操作" in late
    assert outbox(container, "ent", "contact_release") == outbox(container, "res", "contact_release") == []


def test_only_the_two_sides_can_answer(pair: tuple[Container, str, str]) -> None:
    container, demand_id, _ = pair
    (reply,) = Chat(container, matches.handle_answer, "someone").send(f"感兴趣 {demand_id}") or []
    assert "没有找到您与 D1 的匹配记录" in reply
    assert Chat(container, matches.handle_answer, "res").send("你好") is None


def test_my_matches_lists_the_best_score_first(tmp_path: Path) -> None:
    container = memory_container(tmp_path)
    demand_id = add_demand(container)
    low, high, mid = (add_achievement(container, f"res{i}", title=t) for i, t in enumerate(("低分成果", "高分成果", "中分成果")))
    approve(container, demand_id, FakeMatching({demand_id: [FakeHit(low, 0.41), FakeHit(high, 0.93), FakeHit(mid, 0.67)]}))
    (reply,) = Chat(container, matches.handle_mine, "ent").send("我的匹配") or []
    lines = reply.splitlines()
    assert lines[1:4] == [f"1. {high}「高分成果」：已推荐", f"2. {mid}「中分成果」：已推荐", f"3. {low}「低分成果」：已推荐"]
    (mine,) = Chat(container, matches.handle_mine, "res1").send("我的匹配") or []
    assert f"1. {demand_id}「座椅骨架焊接变形」：已推荐" in mine
    (none,) = Chat(container, matches.handle_mine, "nobody").send("我的匹配") or []
    assert "还没有匹配记录" in none


def test_owner_who_also_follows_the_topic_gets_one_alert_per_demand(tmp_path: Path) -> None:
    container = memory_container(tmp_path)
    demand_id = add_demand(container)
    follows = (AlertTopic(INDUSTRY, ("焊接",)),)
    first, second = add_achievement(container, "res", topics=follows), add_achievement(container, "res", title="第二项")
    add_achievement(container, "fan", title="不相关成果", topics=follows)
    result = approve(container, demand_id, FakeMatching({demand_id: [FakeHit(first, 0.9), FakeHit(second, 0.7)]}))
    (alert,) = outbox(container, "res", "match_alert")
    assert "与您的成果「焊接变形控制工艺」可能匹配" in alert and f"感兴趣 {demand_id}" in alert
    (fan,) = outbox(container, "fan", "match_alert")
    assert "您关注的领域有新需求" in fan and demand_id in fan
    assert len(outbox(container, "ent", "match_alert")) == 2  # the enterprise hears of each achievement
    assert (result.matches, result.alerts) == (2, 4)
    with container.db.session() as session:
        assert digest(session, appid=container.appid, now=NOW) == 0
    assert len(outbox(container, "res", "match_alert")) == 1


def test_follower_alerted_first_is_not_alerted_again_as_owner(tmp_path: Path) -> None:
    container = memory_container(tmp_path)
    demand_id = add_demand(container)
    add_achievement(container, "fan", title="早先的成果", topics=(AlertTopic(INDUSTRY, ("焊接",)),))
    approve(container, demand_id, FakeMatching({demand_id: []}))
    (first,) = outbox(container, "fan", "match_alert")
    assert "您关注的领域有新需求" in first
    later = add_achievement(container, "fan", title="新登记的焊接成果")
    with container.db.session() as session:
        alert_for_achievement(session, matcher=FakeMatching(for_achievement={later: [FakeHit(demand_id, 0.9)]}),
                              achievement_id=later, appid=container.appid, now=NOW)
    with container.db.session() as session:
        digest(session, appid=container.appid, now=NOW)
    assert outbox(container, "fan", "match_alert") == [first]  # one alert per person per demand
    assert any(later in text for text in outbox(container, "ent", "match_alert"))


def test_records_of_another_account_are_never_matched(tmp_path: Path) -> None:
    container = memory_container(tmp_path)
    demand_id, ours = add_demand(container), add_achievement(container)
    theirs = add_achievement(container, "res-other", appid="wx_other", topics=(AlertTopic(INDUSTRY),))
    result = approve(container, demand_id, FakeMatching({demand_id: [FakeHit(theirs, 0.95), FakeHit(ours, 0.5)]}))
    assert result.matches == 1
    assert outbox(container, "res-other", "match_alert") == []
    with container.db.session() as session:
        assert [m.achievement_id for m in session.scalars(select(Match))] == [ours]


def test_a_cross_industry_offer_with_strong_evidence_alerts_its_researcher(tmp_path: Path) -> None:
    """A materials lab is alerted for an auto-parts demand when the text evidence is strong (the alert model weighs
    a different industry less than the bridge and the embedding); a weak cross-industry candidate is only listed."""
    from knowledge.matching import Match as Ranked

    container = memory_container(tmp_path)
    demand_id = add_demand(container, openid="ent-cross")
    same = add_achievement(container, "res-same")
    material = add_achievement(container, "res-material", title="耐高温无卤阻燃绝缘料")
    weak = add_achievement(container, "res-weak", title="茶叶萎凋工艺")
    evidence = {"semantic": 3.0, "concept": 4.0, "lexical": 1.0, "need": 0.5, "semantic_query_z": 4.0,
                "semantic_margin": 0.3}
    weak_evidence = {"semantic": 1.5, "concept": 1.0, "industry": 0.0, "semantic_query_z": 1.5, "semantic_margin": -2.0}
    hits = [
        Ranked(same, 0.8, ["同属汽车及零部件"], evidence | {"industry": 1.0}, rank=0),
        Ranked(material, 0.6, ["需求的“线皮烤硬”≈成果的“耐热老化”"], evidence | {"industry": 0.0}, rank=1),
        Ranked(weak, 0.3, ["需求与成果描述语义相近"], evidence | weak_evidence, rank=2),
    ]
    approve(container, demand_id, FakeMatching({demand_id: hits}))  # type: ignore[dict-item]
    assert len(outbox(container, "res-same", "match_alert")) == 1
    (alert,) = outbox(container, "res-material", "match_alert")
    assert "耐高温无卤阻燃绝缘料" in alert and f"感兴趣 {demand_id}" in alert
    assert outbox(container, "res-weak", "match_alert") == []
    assert len(outbox(container, "ent-cross", "match_alert")) == 2
