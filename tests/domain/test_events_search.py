"""Finding events from users' words, list filters and the Chinese texts (pure logic, SQLite only)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.events.queries import find_events, get_event, list_filter, upcoming_events
from bot.domain.events.rules import closed_reason, is_open_for_signup
from bot.domain.events.search import category_keys, region_keys
from bot.store.engine import Database
from bot.store.models import Event
from bot.texts.events import (
    event_details_text,
    events_list_text,
    filter_text,
    seats_text,
    span_text,
    when_text,
)
from tests.support.env import SAMPLES, call, load_file
from tests.support.events_helpers import APPID, CST, NOW, add_event

BEFORE_SAMPLES = datetime(2027, 3, 1, 10, 0, tzinfo=CST)  # a Monday before every sample event


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    """The sample events in a SQLite database."""
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('ev') / 'kc.sqlite3'}")
    db.migrate()
    load_file(db, "events", SAMPLES / "events.jsonl", APPID)
    return db


def best(db: Database, text: str, now: datetime = BEFORE_SAMPLES) -> list[str]:
    """Ids of the events found for ``text``."""
    return [m.event.id for m in call(db, find_events, appid=APPID, text=text, now=now)]


@pytest.mark.parametrize(("text", "expected"), [
    ("那个心肺复苏的培训还能报不", "E05"), ("糖尿病饮食那个讲座", "E06"), ("谷城那个防溺水的活动我想报名，带我孙子一起", "E10"),
    ("颈椎那个", "E04"), ("加计扣除那个培训", "E08"), ("近视防控那个讲座，我想给我们一家四口都报上", "E03"),
    ("报个名 E04 颈椎那个", "E04"),
    # phrasings not in the dialogues
    ("量血压的那个讲座", "E01"), ("教用AED的", "E05"), ("农药中毒", "E02"), ("小孩传染病的家长课", "E12"),
    ("院士专家来那个对接会", "E07"), ("中暑急救", "E10"), ("报名e12", "E12"), ("腰疼", "E04"),
])
def test_fragments_find_exactly_one_event(sample_db: Database, text: str, expected: str) -> None:
    assert best(sample_db, text) == [expected]


def test_unrelated_words_find_nothing(sample_db: Database) -> None:
    for text in ("今天天气怎么样", "我要报名", "你好", "股票"):
        assert best(sample_db, text) == [], text


def test_fuzzy_search_generalises_to_other_events(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'kc.sqlite3'}")
    db.migrate()
    add_event(db, "X1", title="老年人防跌倒与居家安全", description="讲解居家防滑、起夜照明和跌倒后如何求助。")
    add_event(db, "X2", title="无人机植保飞防技术培训", category="技术培训", region="随州市曾都区",
              description="农药飞防作业规范与无人机保养。")
    add_event(db, "X3", title="儿童口腔保健与窝沟封闭", category="健康科普进学校",
              description="教孩子正确刷牙，预防龋齿。")
    assert best(db, "防跌倒那个", NOW) == ["X1"]
    assert best(db, "无人机打药的培训", NOW) == ["X2"]
    assert best(db, "孩子刷牙那个", NOW) == ["X3"]
    assert best(db, "曾都的活动", NOW) == ["X2"]


def test_list_filters(sample_db: Database) -> None:
    def ids(text: str) -> list[str]:
        f = call(sample_db, list_filter, appid=APPID, text=text, now=BEFORE_SAMPLES)
        return [e.id for e in call(sample_db, upcoming_events, appid=APPID, now=BEFORE_SAMPLES, region=f.region,
                                   category=f.category, date_range=f.date_range)]

    def event(event_id: str) -> Event:
        found = call(sample_db, get_event, appid=APPID, event_id=event_id)
        assert found is not None
        return found

    community = ids("社区的")
    assert community and all("社区" in event(i).category for i in community)
    gucheng = ids("谷城的")
    assert gucheng and all("谷城" in event(i).region for i in gucheng)
    next_week = ids("下周的")  # 2027-03-08 .. 03-15
    assert next_week and all(
        datetime(2027, 3, 8, tzinfo=CST) <= event(i).start < datetime(2027, 3, 15, tzinfo=CST)
        for i in next_week)
    assert ids("五月份的") == [i for i in ids("") if event(i).start.astimezone(CST).month == 5]
    assert call(sample_db, list_filter, appid=APPID, text="有什么活动", now=BEFORE_SAMPLES).empty


def test_short_names() -> None:
    assert region_keys("襄阳市谷城县") == ["谷城县", "谷城"]
    assert region_keys("襄阳市东津新区") == ["东津新区", "东津"]
    assert region_keys("神农架林区") == ["神农架林区", "神农架"]
    assert category_keys("健康科普进社区") == ["健康科普进社区", "社区"]
    assert category_keys("技术培训") == ["技术培训", "培训"]


def test_texts_use_local_time_and_chinese_weekday(sample_db: Database) -> None:
    start = datetime(2027, 3, 13, 1, 30, tzinfo=CST) + timedelta(hours=8)  # 09:30 Beijing time
    assert when_text(start) == "3月13日（周六）09:30"
    assert span_text(start, start + timedelta(hours=1, minutes=30)) == "3月13日（周六）09:30–11:00"
    event = call(sample_db, get_event, appid=APPID, event_id="E04")
    details = event_details_text(event, closed_reason(event, BEFORE_SAMPLES))
    assert event.title in details and event.location in details and "剩余5个名额" in details
    soonest = call(sample_db, upcoming_events, appid=APPID, now=BEFORE_SAMPLES, limit=3)
    listing = events_list_text([(e, closed_reason(e, BEFORE_SAMPLES)) for e in soonest])
    assert listing.startswith("近期活动") and "1. " in listing and "3. " in listing and "4. " not in listing
    mine = events_list_text([(e, None) for e in soonest[:2]], {soonest[0].id: "confirmed", soonest[1].id: "waitlisted"})
    first, second = mine.split("\n2. ")
    assert first.endswith("｜您已报名") and "｜您在候补名单上" in second and "您已报名" not in second


def test_one_rule_says_whether_an_event_is_open(tmp_path: Path) -> None:
    """``closed_reason`` is the one "open for sign-up" rule; the list and details say it in words."""
    db = Database(f"sqlite:///{tmp_path / 'kc.sqlite3'}")
    db.migrate()
    events = {
        "open": add_event(db, "R1", capacity=2, seats_taken=2),
        "cancelled": add_event(db, "R2", status="cancelled"),
        "closed": add_event(db, "R3", status="closed"),
        "deadline_passed": add_event(db, "R4", deadline_before=timedelta(days=4)),
        "started": add_event(db, "R5", starts_in=timedelta(hours=-1), deadline_before=timedelta(hours=1)),
    }
    reasons = {name: closed_reason(e, NOW) for name, e in events.items()}
    assert reasons == {"open": None, "cancelled": "cancelled", "closed": "closed",
                       "deadline_passed": "deadline_passed", "started": "started"}
    assert is_open_for_signup(events["open"], NOW) and not is_open_for_signup(events["closed"], NOW)
    lines = {name: seats_text(e, reasons[name]) for name, e in events.items()}
    assert lines == {"open": "名额已满，可登记候补", "cancelled": "活动已取消", "closed": "报名已截止",
                     "deadline_passed": "报名已截止", "started": "活动已开始"}


def test_list_filter_period_is_said_back(sample_db: Database) -> None:
    flt = call(sample_db, list_filter, appid=APPID, text="下周谷城的", now=BEFORE_SAMPLES)
    assert (flt.period, flt.region) == ("next_week", "谷城")
    assert filter_text(flt.region, flt.category, flt.period) == "下周、谷城"
    may = call(sample_db, list_filter, appid=APPID, text="五月份的", now=BEFORE_SAMPLES)
    assert filter_text(may.region, may.category, may.period) == "5月"
