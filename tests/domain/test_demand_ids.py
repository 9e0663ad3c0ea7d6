"""Submitting demands and achievements: short ids above imported ones, unique under concurrency (SQLite and PostgreSQL)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from sqlalchemy import select

from bot.domain.achievements import AchievementInput, AlertTopic, submit_achievement
from bot.domain.demands import DemandInput, submit_demand
from bot.store.engine import Database
from bot.store.models import Demand, Interest

NOW = datetime(2027, 3, 1, tzinfo=UTC)


def demand_input(n: int = 0) -> DemandInput:
    """A complete demand."""
    return DemandInput(company=f"测试公司{n}", industry="汽车及零部件", need_type="技术攻关", title="焊接变形",
                       description="骨架焊接变形大", region="襄阳市高新区", budget="80万元", budget_raw="八十万",
                       budget_low_wan=80.0, budget_high_wan=80.0, contact_name="张伟", contact_phone="13800001234")


def test_ids_continue_after_imported_ones(any_db: Database) -> None:
    """An existing D25 (imported) makes the next chat demand D26, whatever the counter said."""
    with any_db.session() as session:
        session.add(Demand(id="D25", appid="wx", title="t", description="d", industry="汽车及零部件", need_type="技术攻关",
                           region="襄阳市", budget="面议", company="c"))
    with any_db.session() as session:
        first = submit_demand(session, data=demand_input(), appid="wx", openid="u1", now=NOW)
    with any_db.session() as session:
        second = submit_demand(session, data=demand_input(), appid="wx", openid="u1", now=NOW, require_review=False)
    assert (first.id, first.status, second.id, second.status) == ("D26", "待审核", "D27", "已发布")


def test_concurrent_submissions_get_unique_ids(any_db: Database) -> None:
    """Eight simultaneous submissions get eight different consecutive ids."""
    def submit(n: int) -> Demand:
        with any_db.session() as session:  # each submission is its own unit of work
            return submit_demand(session, data=demand_input(n), appid="wx", openid=f"u{n}", now=NOW)

    with ThreadPoolExecutor(max_workers=8) as pool:
        rows = list(pool.map(submit, range(8)))
    assert sorted(int(r.id[1:]) for r in rows) == list(range(1, 9))


def test_achievement_with_alerts(any_db: Database) -> None:
    """An achievement gets an A-id and its owner's alert interests."""
    data = AchievementInput(title="主轴热误差补偿", summary="s", field="高端装备制造", institution="鄂北理工大学",
                            maturity="已产业化", keywords=["主轴"], alerts=(AlertTopic("高端装备制造", ("机床",)),))
    with any_db.session() as session:
        row = submit_achievement(session, data=data, appid="wx", openid="r1", now=NOW)
    with any_db.session() as session:
        interests = [(i.openid, i.industry, i.keywords) for i in session.scalars(select(Interest))]
    assert row.id == "A1" and interests == [("r1", "高端装备制造", ["机床"])]
