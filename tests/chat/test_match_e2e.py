"""End to end through the webhook and the fake WeChat API: publish → one alert → both agree → contacts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.container import Container
from bot.domain.demands import approve_demand
from bot.store.models import Achievement, Demand
from jobs.registry import run_job
from tests.support.env import make_settings, seed
from tests.support.wechat_client import wechat_client


@pytest.fixture
def svc(tmp_path: Path) -> Iterator[Container]:
    services = Container.create(make_settings(tmp_path / "d", quiet_hours="", daily_push_cap=10))
    seed(services.db, services.appid)
    yield services
    services.close()


def _approve(svc: Container, demand_id: str) -> None:
    """Publish the demand as a liaison officer would."""
    with svc.db.session() as s:
        approve_demand(s, matcher=svc.matcher, demand_id=demand_id, appid=svc.appid, actor="liaison",
                       now=datetime.now(UTC))


def _own(svc: Container, demand_id: str) -> str:
    """Give the demand an enterprise owner and its best achievement a researcher owner; return that id."""
    with svc.db.session() as s:
        demand = s.get(Demand, demand_id)
        best = svc.matcher.match_demand(demand, top=1)[0].id
        demand.openid, demand.contact_name, demand.contact_phone = "ent1", "王厂长", "13800000001"  # type: ignore[union-attr]
        ach = s.get(Achievement, best)
        ach.owner_openid, ach.contact_name, ach.contact_phone = "res1", "李教授", "13800000002"  # type: ignore[union-attr]
    return best


def test_publish_alert_interest_and_contact_release_through_chat(svc: Container) -> None:
    best = _own(svc, "D02")
    with wechat_client(svc) as wx:
        wx.send_text("res1", "你好")
        wx.send_text("ent1", "你好")
        _approve(svc, "D02")
        run_job("outbox_dispatch", svc, datetime.now(UTC))
        run_job("outbox_dispatch", svc, datetime.now(UTC))
        alerts = [t for t in wx.pushes("res1") if "D02" in t]
        assert len(alerts) == 1 and "感兴趣 D02" in alerts[0]

        reply = wx.send_text("res1", "感兴趣 D02")
        assert "对方确认后" in reply[0]
        run_job("outbox_dispatch", svc, datetime.now(UTC))
        assert not any("13800000001" in t for t in wx.pushes("res1"))

        reply = wx.send_text("ent1", f"感兴趣 {best}")
        assert "联系方式" in reply[0]
        run_job("outbox_dispatch", svc, datetime.now(UTC))
        assert any("13800000001" in t for t in wx.pushes("res1"))
        assert any("13800000002" in t for t in wx.pushes("ent1"))

        mine = wx.send_text("ent1", "我的匹配")
        assert best in mine[0] and "已交换联系方式" in mine[0]


def test_decline_needs_a_reason_and_strangers_are_refused(svc: Container) -> None:
    _own(svc, "D05")
    _approve(svc, "D05")
    with wechat_client(svc) as wx:
        assert "原因" in wx.send_text("res1", "不合适 D05")[0]
        assert "阶段不符" in wx.send_text("res1", "不合适 D05 阶段不符，还在实验室")[0]
        assert "没有找到" in wx.send_text("someone", "感兴趣 D05")[0]
