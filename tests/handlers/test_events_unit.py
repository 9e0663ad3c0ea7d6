"""The events handler, called directly (in-memory database, frozen clock, one unit of work per message)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.container import Container
from bot.store.models import Event, Interest, Outbox, Registration, User
from handlers import events
from handlers.kit.base import Router
from tests.support.handlers import NOW, Chat, memory_container


def events_router() -> Router:
    """A router with only the events handlers."""
    router = Router()
    events.register(router)
    return router


def add(container: Container, event_id: str, *, capacity: int = 10, days: int = 10, **extra: Any) -> None:
    """An event of the container's account starting ``days`` after NOW (sign-up closes a day before)."""
    start = NOW + timedelta(days=days)
    values: dict[str, Any] = dict(
        id=event_id, appid=container.appid, title=f"测试讲座{event_id}", category="健康科普进社区", start=start,
        end=start + timedelta(hours=2), location="示例社区活动室", region="襄阳市樊城区", capacity=capacity,
        signup_deadline=start - timedelta(days=1), description="测试用活动。")
    with container.db.session() as session:
        session.add(Event(**{**values, **extra}))


def chat(container: Container, openid: str = "u1") -> Chat:
    """A user talking to the events handlers."""
    return Chat(container, events_router(), openid=openid)


def said(replies: list[str] | None) -> str:
    """The replies of one turn joined (empty when the handler passed)."""
    return "\n".join(replies or [])


def sign_up(user: Chat, event_id: str, name: str, phone: str) -> str:
    """Sign up for ``event_id`` with a new contact and consent; the last reply."""
    assert "姓名" in said(user.send(f"报名 {event_id}"))
    assert "同意" in said(user.send(f"{name} {phone}"))
    return said(user.send("同意"))


def registrations(container: Container, **where: Any) -> list[Registration]:
    """Stored registrations matching ``where`` (column=value)."""
    with container.db.session() as session:
        query = select(Registration).filter_by(**where).order_by(Registration.seq)
        return list(session.scalars(query))


@pytest.fixture
def container(tmp_path: Path) -> Container:
    """An in-memory deployment with the frozen clock of the handler tests."""
    return memory_container(tmp_path)


def test_list_pick_sign_up_then_my_registrations_shows_the_code(container: Container) -> None:
    add(container, "A1", days=5)
    add(container, "A2", days=8)
    user = chat(container)
    listing = said(user.send("科普活动"))
    assert "1. 【A1】" in listing and "2. 【A2】" in listing and "剩余10个名额" in listing
    details = said(user.send("2"))
    assert "【A2】测试讲座A2" in details and "姓名和手机号" in details
    assert "王芳 13800000000" in said(user.send("王芳 13800000000"))  # summary + consent question
    done = said(user.send("同意"))
    (reg,) = registrations(container, openid="u1")
    assert "报名成功" in done and reg.checkin_code in done
    assert (reg.event_id, reg.name, reg.phone, reg.status) == ("A2", "王芳", "13800000000", "confirmed")
    mine = said(user.send("我的报名"))
    assert "【A2】" in mine and f"签到码：{reg.checkin_code}" in mine


def test_a_full_event_waitlists_with_the_position(container: Container) -> None:
    add(container, "F1", capacity=1)
    assert "报名成功" in sign_up(chat(container, "first"), "F1", "李明", "13900000001")
    second = sign_up(chat(container, "second"), "F1", "王强", "13900000002")
    assert "名额已满" in second and "排第1位" in second
    assert [(r.openid, r.status) for r in registrations(container)] == [("first", "confirmed"), ("second", "waitlisted")]
    assert "候补第1位" in said(chat(container, "second").send("我的报名"))


def test_cancel_frees_the_seat_and_promotes_the_next(container: Container) -> None:
    add(container, "C1", capacity=1)
    first = chat(container, "first")
    sign_up(first, "C1", "李明", "13900000001")
    sign_up(chat(container, "second"), "C1", "王强", "13900000002")
    assert "报名人：李明" in said(first.send("取消报名"))  # which event and whom, confirmed before anything changes
    assert "已为您取消“测试讲座C1”" in said(first.send("确认"))
    assert {r.openid: r.status for r in registrations(container)} == {"first": "cancelled", "second": "confirmed"}
    with container.db.session() as session:
        (notice,) = session.scalars(select(Outbox).where(Outbox.kind == "event_promoted")).all()
        seats = session.get(Event, "C1").seats_taken  # type: ignore[union-attr]
    assert notice.openid == "second" and "有名额了" in notice.payload["text"] and seats == 1
    assert "没有报名的活动" in said(first.send("取消报名"))


def test_sign_up_and_remembered_contact_commit_together(container: Container, monkeypatch: pytest.MonkeyPatch) -> None:
    add(container, "T1")
    user = chat(container)
    user.send("报名 T1")
    user.send("赵敏 13900007777")

    def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("storage failed after the sign-up")

    monkeypatch.setattr(events, "remember_contact", broken)
    with pytest.raises(RuntimeError):
        user.send("同意")
    assert registrations(container) == []  # the registration was rolled back with the failed unit of work
    with container.db.session() as session:
        assert session.scalars(select(User).where(User.name.is_not(None))).all() == []
        assert session.get(Event, "T1").seats_taken == 0  # type: ignore[union-attr]


def test_a_second_sign_up_reuses_the_stored_contact(container: Container) -> None:
    add(container, "S1")
    add(container, "S2")
    user = chat(container)
    sign_up(user, "S1", "陈立", "13900001234")
    offer = said(user.send("报名S2"))
    assert "陈立 13900001234" in offer and "确认" in offer
    assert "报名成功" in said(user.send("确认"))
    assert sorted(r.event_id for r in registrations(container, openid="u1")) == ["S1", "S2"]


def test_closed_events_are_refused_with_the_reason(container: Container) -> None:
    add(container, "L1", signup_deadline=NOW - timedelta(hours=1))
    add(container, "X1", status="cancelled")
    user = chat(container)
    late = said(user.send("报名 L1"))
    assert "报名已截止" in late and user.conv.flow is None
    listing = said(user.send("科普活动"))
    assert "【L1】" in listing and "【X1】" not in listing  # a cancelled event is not listed
    assert registrations(container) == []


def test_other_accounts_events_are_invisible(container: Container) -> None:
    add(container, "M1")
    add(container, "O1", appid="wx_other")
    user = chat(container)
    listing = said(user.send("科普活动"))
    assert "【M1】" in listing and "【O1】" not in listing
    assert "【O1】" not in said(user.send("报名 O1"))
    assert registrations(container) == []


def test_subscribe_by_category_once(container: Container) -> None:
    user = chat(container)
    assert "已订阅社区活动" in said(user.send("订阅社区活动"))
    assert "已经订阅过社区活动" in said(user.send("订阅社区活动"))
    with container.db.session() as session:
        rows = session.scalars(select(Interest)).all()
    assert [(r.openid, r.kind, r.category) for r in rows] == [("u1", "event", "社区")]
