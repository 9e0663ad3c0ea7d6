"""The console's record use cases: filtered lists in scope, one record in scope, audited edits, transcripts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.domain import transcript
from bot.domain.errors import Invalid, NotFound
from bot.domain.matches.board import match_board, move_match
from bot.domain.matches.lifecycle import record_state
from bot.domain.privacy import delete_user_data
from bot.domain.records import RecordQuery, edit_record, find_demands, get_demand
from bot.domain.scope import Scope
from bot.domain.stats import city_of, dashboard
from bot.store.engine import Database
from bot.store.models import AuditLog, Demand, Match
from tests.support.env import call, seed

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
APPID = "wx_dev"


@pytest.fixture
def db(any_db: Database) -> Database:
    """The sample data in an empty database."""
    seed(any_db, APPID)
    return any_db


def _ids(db: Database, query: RecordQuery, scope: Scope = Scope()) -> list[str]:
    return [d.id for d in call(db, find_demands, appid=APPID, query=query, scope=scope)]


def test_lists_filter_search_and_keep_to_the_scope(db: Database) -> None:
    everything = _ids(db, RecordQuery())
    shiyan = _ids(db, RecordQuery(), Scope("十堰市"))
    with db.session() as session:
        regions = dict(session.execute(select(Demand.id, Demand.region)).tuples().all())
    assert len(everything) == len(regions) and shiyan
    assert {regions[i] for i in shiyan} == {r for r in regions.values() if r.startswith("十堰")}
    assert _ids(db, RecordQuery(text="刹车盘")) == ["D01"]
    assert _ids(db, RecordQuery(text="刹车盘"), Scope("十堰市")) == []
    assert set(_ids(db, RecordQuery(industry="医药健康"))) == {
        i for i in regions if call(db, get_demand, appid=APPID, demand_id=i).industry == "医药健康"}
    with db.session() as session:
        newest = max(session.scalars(select(Demand.created_at)))
    assert _ids(db, RecordQuery(since=newest + timedelta(seconds=1))) == []
    assert len(_ids(db, RecordQuery(until=newest))) == len(regions)
    assert _ids(db, RecordQuery(region="襄阳市高新区")) and all(
        regions[i] == "襄阳市高新区" for i in _ids(db, RecordQuery(region="襄阳市高新区")))


def test_another_regions_record_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        call(db, get_demand, appid=APPID, demand_id="D01", scope=Scope("十堰市"))
    assert call(db, get_demand, appid=APPID, demand_id="d01", scope=Scope("襄阳市")).id == "D01"


def test_edits_are_checked_and_audited_with_before_and_after(db: Database) -> None:
    with db.session() as session:
        demand = get_demand(session, appid=APPID, demand_id="D01")
        changed = edit_record(session, record=demand, changes={"budget": "50-80万元", "title": demand.title},
                              actor="wang", now=NOW, source="console 10.0.0.7")
        assert changed == {"budget": "50-80万元"}
        assert (demand.budget_low_wan, demand.budget_high_wan) == (50.0, 80.0)
        for bad in ({"industry": "房地产"}, {"title": " "}, {"openid": "x"}):
            with pytest.raises(Invalid):
                edit_record(session, record=demand, changes=bad, actor="wang", now=NOW)
        with pytest.raises(Invalid):  # a liaison cannot move a record out of their region
            edit_record(session, record=demand, changes={"region": "十堰市"}, actor="wang", now=NOW,
                        scope=Scope("襄阳市"))
    with db.session() as session:
        row = session.scalars(select(AuditLog).where(AuditLog.action == "demand.edit")).one()
    assert row.actor == "wang" and row.detail["before"] == {"budget": "80万元"}
    assert row.detail["after"] == {"budget": "50-80万元"} and row.detail["source"] == "console 10.0.0.7"


def test_transcript_reads_in_order_and_is_erased_with_the_user(db: Database) -> None:
    for n, (direction, text) in enumerate([("in", "你好"), ("out", "我是科创助手"), ("in", "电话 13800001234")]):
        call(db, transcript.record, appid=APPID, openid="o_t", direction=direction, text=text,
             now=NOW.replace(minute=n))
    lines = call(db, transcript.recent, appid=APPID, openid="o_t", until=NOW.replace(minute=1))
    assert [(line.direction, line.text) for line in lines] == [("in", "你好"), ("out", "我是科创助手")]
    call(db, delete_user_data, appid=APPID, openid="o_t", now=NOW, key="k")
    assert call(db, transcript.recent, appid=APPID, openid="o_t") == []


def test_dashboard_counts_in_scope(db: Database) -> None:
    with db.session() as session:
        created = min(session.scalars(select(Demand.created_at)))
    figures = call(db, dashboard, appid=APPID, since=created.replace(year=created.year - 1),
                   until=created.replace(year=created.year + 1), scope=Scope("十堰市"))
    assert figures.status_counts["待审核"] == sum(n for _, n in figures.by_region)
    assert [city for city, _ in figures.by_region] == ["十堰市"]
    assert figures.published == 0 and figures.engagement_rate is None
    assert city_of("襄阳市高新区") == "襄阳市" and city_of("神农架林区") == "神农架林区"


def test_match_board_scope_idle_days_and_moves(db: Database) -> None:
    with db.session() as session:
        match = Match(appid=APPID, demand_id="D01", achievement_id="A01", score=0.6, reasons=[], history=[])
        record_state(match, state="recommended", now=NOW)
        session.add(match)
        session.flush()
        match_id = match.id
    later = NOW + timedelta(days=20)
    assert call(db, match_board, appid=APPID, now=later, overdue_days=14, scope=Scope("十堰市")) == []
    (row,) = call(db, match_board, appid=APPID, now=later, overdue_days=14, scope=Scope("襄阳市"))
    assert (row.demand_id, row.achievement_id, row.idle_days, row.overdue) == ("D01", "A01", 20, True)
    with pytest.raises(NotFound):
        call(db, move_match, appid=APPID, match_id=match_id, state="negotiating", reason="约谈", actor="w",
             now=later, scope=Scope("十堰市"))
    with pytest.raises(Invalid):
        call(db, move_match, appid=APPID, match_id=match_id, state="negotiating", reason=" ", actor="w", now=later)
    call(db, move_match, appid=APPID, match_id=match_id, state="negotiating", reason="约谈", actor="w", now=later)
    (row,) = call(db, match_board, appid=APPID, now=later, overdue_days=14)
    assert (row.state, row.idle_days, row.overdue) == ("negotiating", 0, False)
