"""Storage on SQLite and PostgreSQL: schema, constraints, time zones, migrations in sync with models."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.store.engine import Database
from bot.store.models import (
    Achievement,
    Base,
    Demand,
    Event,
    InboundMessage,
    Match,
    Outbox,
    Registration,
    User,
)

CST = timezone(timedelta(hours=8))


def test_migration_creates_every_model_table(any_db: Database) -> None:
    tables = set(any_db.table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    assert "alembic_version" in tables


def test_migration_matches_models(any_db: Database) -> None:
    with any_db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"models and migrations differ; run `make migration`: {diff}"


def _demand(**kw: object) -> Demand:
    values: dict[str, object] = dict(
        id="D99", appid="wx1", title="焊接变形", description="骨架焊完变形大", industry="汽车及零部件",
        need_type="技术攻关", region="襄阳市襄州区", budget="80万元", company="襄阳某公司",
    )
    values.update(kw)
    return Demand(**values)


def test_demand_round_trip_keeps_chinese_and_defaults(any_db: Database) -> None:
    with any_db.session() as s:
        s.add(_demand(contact_phone="13800001243"))
    with any_db.session() as s:
        d = s.get(Demand, "D99")
        assert d is not None
        assert (d.status, d.description, d.contact_phone) == ("待审核", "骨架焊完变形大", "13800001243")
        assert d.created_at.tzinfo is not None


def test_times_come_back_aware_and_equal(any_db: Database) -> None:
    start = datetime(2027, 3, 13, 9, 30, tzinfo=CST)
    with any_db.session() as s:
        s.add(Event(id="E1", appid="wx1", title="讲座", category="技术培训", start=start,
                    end=start + timedelta(hours=1), location="x", region="襄阳市樊城区", capacity=5,
                    signup_deadline=start - timedelta(days=1)))
    with any_db.session() as s:
        e = s.get(Event, "E1")
        assert e is not None and e.start == start and e.start.tzinfo is not None
        assert e.start.astimezone(UTC).hour == 1


def test_naive_datetime_is_refused(any_db: Database) -> None:
    with pytest.raises(Exception, match="naive"), any_db.session() as s:
        s.add(User(appid="wx1", openid="o1", consent_at=datetime(2027, 1, 1)))  # noqa: DTZ001


def test_user_unique_per_account(any_db: Database) -> None:
    with any_db.session() as s:
        s.add_all([User(appid="wx1", openid="o1"), User(appid="wx2", openid="o1")])
    with pytest.raises(IntegrityError), any_db.session() as s:
        s.add(User(appid="wx1", openid="o1"))


def test_inbound_dedup_key_claimed_once(any_db: Database) -> None:
    with any_db.session() as s:
        s.add(InboundMessage(appid="wx1", dedup_key="msg:1", openid="o1", msg_type="text"))
    with pytest.raises(IntegrityError), any_db.session() as s:
        s.add(InboundMessage(appid="wx1", dedup_key="msg:1", openid="o1", msg_type="text"))


def test_outbox_idempotency_key_unique(any_db: Database) -> None:
    with any_db.session() as s:
        s.add(Outbox(appid="wx1", idempotency_key="k1", openid="o1", kind="match_alert"))
    with pytest.raises(IntegrityError), any_db.session() as s:
        s.add(Outbox(appid="wx1", idempotency_key="k1", openid="o2", kind="match_alert"))


def test_match_pair_unique_and_json(any_db: Database) -> None:
    with any_db.session() as s:
        s.add(_demand())
        s.add(Achievement(id="A1", appid="wx1", title="t", summary="s", field="汽车及零部件",
                          institution="i", maturity="中试", keywords=["压铸", "致密化"]))
    with any_db.session() as s:
        s.add(Match(appid="wx1", demand_id="D99", achievement_id="A1", score=0.8, reasons=["同属汽车及零部件"]))
    with any_db.session() as s:
        m = s.scalars(select(Match)).one()
        assert m.reasons == ["同属汽车及零部件"] and m.state == "recommended"
        assert s.get(Achievement, "A1").keywords == ["压铸", "致密化"]  # type: ignore[union-attr]
    with pytest.raises(IntegrityError), any_db.session() as s:
        s.add(Match(appid="wx1", demand_id="D99", achievement_id="A1", score=0.1))


def test_registration_unique_per_event_and_user(any_db: Database) -> None:
    start = datetime(2027, 3, 13, 9, 30, tzinfo=CST)
    with any_db.session() as s:
        s.add(Event(id="E1", appid="wx1", title="讲座", category="技术培训", start=start,
                    end=start + timedelta(hours=1), location="x", region="r", capacity=5,
                    signup_deadline=start))
    reg = dict(event_id="E1", appid="wx1", openid="o1", name="王", phone="13800001111", status="confirmed", seq=1)
    with any_db.session() as s:
        s.add(Registration(checkin_code="AAAA1111", **reg))
    with pytest.raises(IntegrityError), any_db.session() as s:
        s.add(Registration(checkin_code="BBBB2222", **reg))
