"""Event reminders and change notices through the outbox to the fake WeChat API, with a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.container import Container
from bot.domain.events.signup import register
from jobs.registry import run_job
from tests.support.env import SAMPLES, call, load_file, make_settings
from tests.support.events_helpers import ADMIN
from tests.support.wechat_fake import FakeWeChat

CST = ZoneInfo("Asia/Shanghai")
SIGNUP = datetime(2027, 3, 1, 10, 0, tzinfo=CST)
START = datetime(2027, 3, 13, 9, 30, tzinfo=CST)  # E01


@pytest.fixture
def svc(tmp_path) -> Iterator[tuple[Container, FakeWeChat]]:  # type: ignore[no-untyped-def]
    with FakeWeChat() as fake:
        settings = make_settings(tmp_path / "d", wechat_api_base=fake.base_url, wechat_appid="wx_dev",
                                 wechat_secret="s", wechat_token="t", template_ids={"event_reminder": "TPL-R",
                                                                                    "event_changed": "TPL-C"})
        services = Container.create(settings)
        load_file(services.db, "events", SAMPLES / "events.jsonl", "wx_dev")
        for i in range(3):
            result = call(services.db, register, appid="wx_dev", event_id="E01", openid=f"r{i}", name=f"居民{i}",
                          phone=f"1380000100{i}", now=SIGNUP)
            assert result.ok
        yield services, fake
        services.close()


def _tick(services: Container, now: datetime) -> None:
    """What the scheduler does at ``now``: queue reminders, then dispatch."""
    run_job("event_reminders", services, now)
    run_job("outbox_dispatch", services, now)


def _sent(fake: FakeWeChat) -> dict[str, int]:
    counts: dict[str, int] = {}
    for sent in fake.of("template"):
        counts[sent.body["touser"]] = counts.get(sent.body["touser"], 0) + 1
    return counts


def test_each_reminder_once_and_never_in_quiet_hours(svc: tuple[Container, FakeWeChat]) -> None:
    services, fake = svc
    now = START - timedelta(hours=26)
    sent_at: list[datetime] = []
    while now < START:
        before = len(fake.of("template"))
        _tick(services, now)
        if len(fake.of("template")) > before:
            sent_at.append(now)
        now += timedelta(minutes=30)
    assert _sent(fake) == {"r0": 2, "r1": 2, "r2": 2}  # the 24 h and the 2 h reminder, once each
    assert all(not (t.hour >= 22 or t.hour < 8) for t in sent_at)  # 07:30 (T-2h) waited for 08:00
    assert datetime(2027, 3, 13, 8, 0, tzinfo=CST) in sent_at


def test_time_change_notifies_every_registrant_once(svc: tuple[Container, FakeWeChat]) -> None:
    from bot.domain.events.admin import edit_event

    services, fake = svc
    noon = datetime(2027, 3, 5, 12, 0, tzinfo=CST)
    call(services.db, edit_event, appid="wx_dev", event_id="E01", actor=ADMIN, now=noon,
         changes={"start": START + timedelta(hours=1), "end": START + timedelta(hours=3)})
    run_job("outbox_dispatch", services, noon)
    run_job("outbox_dispatch", services, noon + timedelta(minutes=1))
    changed = [c for c in fake.of("template") if c.body["template_id"] == "TPL-C"]
    assert sorted(c.body["touser"] for c in changed) == ["r0", "r1", "r2"]
