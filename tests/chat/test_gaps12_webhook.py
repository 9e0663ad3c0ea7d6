"""Gaps of the twelfth voices set through the real webhook (each test stands for a class, not one row).

A contact sent after a direct subscription is kept with a confirmation; the industry is read from what the
problem or product is about (not the company's name, not an incidental word); a labelled field list in one
message is split by its labels.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import Clock
from bot.container import Container
from bot.store.models import Achievement, Demand, User
from tests.support.env import SAMPLES, load_file, make_settings
from tests.support.wechat_client import wechat_client

CST = timezone(timedelta(hours=8))
BEFORE = datetime(2027, 3, 1, 10, 0, tzinfo=CST)


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    """One database with the sample events, a clock before the deadlines, no knowledge base."""
    svc = Container.create(make_settings(Path(tmp_path_factory.mktemp("gaps12")) / "data"), knowledge=None,
                           clock=Clock(BEFORE))
    load_file(svc.db, "events", SAMPLES / "events.jsonl", svc.appid)
    yield svc
    svc.close()


@pytest.fixture(scope="module")
def wx(services: Container) -> Iterator[object]:
    """A WeChat client talking to the real app."""
    with wechat_client(services) as client:
        yield client


def say(wx: object, openid: str, *texts: str) -> str:
    """Send messages in order; the last reply, joined."""
    reply = ""
    for text in texts:
        reply = "\n".join(wx.send_text(openid, text))  # type: ignore[attr-defined]
    return reply


def _one(services: Container, model: type, column: object, openid: str) -> object:
    """The single row of ``model`` the user owns."""
    with services.db.session() as session:
        rows = list(session.scalars(select(model).where(column == openid)))
        session.expunge_all()
    assert len(rows) == 1
    return rows[0]


def test_contact_after_direct_subscription_is_confirmed_and_kept(wx: object, services: Container) -> None:
    """'订阅 X' → '再加一个Y' → name and phone: the contact is shown for confirmation, consented to and kept."""
    openid = "gaps12_sub_contact"
    say(wx, openid, "订阅 节能环保", "再加一个电子信息")
    summary = say(wx, openid, "王丽娟 13800001212")
    assert "请核对" in summary and "王丽娟" in summary and "13800001212" in summary and "电子信息" in summary
    say(wx, openid, "确认", "同意")
    user = _one(services, User, User.openid, openid)
    assert (user.name, user.phone) == ("王丽娟", "13800001212")  # type: ignore[attr-defined]
