"""The outbox dispatcher against the fake WeChat API with a fixed clock: channels, retries, quiet hours, caps."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import app as kc_app
from bot.container import Container
from bot.domain.notify import notify
from bot.store.cswindow import DAILY_CAP_NOTE
from bot.store.models import Outbox, SubscribeGrant, User
from bot.wechat.sender import Dispatcher, quiet_until
from tests.support.env import make_settings
from tests.support.wechat_fake import FakeWeChat

CST = ZoneInfo("Asia/Shanghai")
MORNING = datetime(2027, 3, 2, 10, 0, tzinfo=CST)




@pytest.fixture
def svc(tmp_path, fake: FakeWeChat) -> Iterator[Container]:  # type: ignore[no-untyped-def]
    settings = make_settings(tmp_path / "d", wechat_api_base=fake.base_url, wechat_appid="wxtest",
                             wechat_secret="s3cret", wechat_token="tok", outbox_backoff_seconds=60,
                             outbox_max_attempts=3, daily_push_cap=2)
    services = Container.create(settings)
    yield services
    services.close()


def _user(svc: Container, openid: str, last_inbound: datetime | None) -> None:
    with svc.db.session() as s:
        s.add(User(appid="wxtest", openid=openid, last_inbound_at=last_inbound))


def _queue(svc: Container, openid: str, key: str, text: str = "新的匹配提醒", kind: str = "match_alert",
           at: datetime = MORNING) -> None:
    with svc.db.session() as s:
        notify(s, appid="wxtest", openid=openid, kind=kind, key=key, text=text, now=at)


def _row(svc: Container, key: str) -> Outbox:
    with svc.db.session() as s:
        return s.scalars(select(Outbox).where(Outbox.idempotency_key == key)).one()


def test_custom_message_inside_48h_sent_exactly_once(svc: Container, fake: FakeWeChat) -> None:
    _user(svc, "u1", MORNING - timedelta(hours=3))
    _queue(svc, "u1", "k1", "需求 D12 与您的成果匹配")
    _queue(svc, "u1", "k1", "需求 D12 与您的成果匹配")  # same key: not queued twice
    first = Dispatcher(svc).run(MORNING)
    second = Dispatcher(svc).run(MORNING + timedelta(minutes=1))
    assert first.sent == {"custom": 1} and second.sent == {}
    assert fake.texts("u1") == ["需求 D12 与您的成果匹配"]
    assert _row(svc, "k1").status == "sent"


def test_failed_send_is_retried_with_backoff_then_succeeds_once(svc: Container, fake: FakeWeChat) -> None:
    _user(svc, "u1", MORNING - timedelta(hours=1))
    _queue(svc, "u1", "k1")
    fake.fail("custom", -1)  # system busy
    assert Dispatcher(svc).run(MORNING).retried == 1
    row = _row(svc, "k1")
    assert row.status == "pending" and row.attempts == 1 and "-1" in (row.last_error or "")
    assert row.next_attempt_at == MORNING + timedelta(seconds=60)
    assert Dispatcher(svc).run(MORNING + timedelta(seconds=30)).sent == {}  # not due yet
    assert Dispatcher(svc).run(MORNING + timedelta(seconds=61)).sent == {"custom": 1}
    assert fake.texts("u1") == ["新的匹配提醒"]


def test_dead_after_max_attempts_and_visible_in_cli(svc: Container, fake: FakeWeChat,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _user(svc, "u1", MORNING - timedelta(hours=1))
    _queue(svc, "u1", "k1")
    fake.fail("custom", -1, times=10)
    now = MORNING
    for _ in range(3):
        Dispatcher(svc).run(now)
        now += timedelta(hours=1)
    assert _row(svc, "k1").status == "dead"
    monkeypatch.setenv("KC_DATA_DIR", str(svc.settings.data_dir))
    out = CliRunner().invoke(kc_app, ["outbox", "list", "--status", "dead", "--json"]).output
    assert '"k1"' in out
    assert CliRunner().invoke(kc_app, ["outbox", "retry", str(_row(svc, "k1").id)]).exit_code == 0
    assert _row(svc, "k1").status == "pending"


def test_quiet_hours_hold_pushes_until_morning(svc: Container, fake: FakeWeChat) -> None:
    night = datetime(2027, 3, 2, 23, 30, tzinfo=CST)
    _user(svc, "u1", night - timedelta(hours=1))
    _queue(svc, "u1", "k1", at=night)
    assert Dispatcher(svc).run(night).deferred == 1
    assert _row(svc, "k1").next_attempt_at == datetime(2027, 3, 3, 8, 0, tzinfo=CST)
    assert Dispatcher(svc).run(datetime(2027, 3, 3, 7, 59, tzinfo=CST)).sent == {}
    assert fake.texts("u1") == []
    assert Dispatcher(svc).run(datetime(2027, 3, 3, 8, 0, tzinfo=CST)).sent == {"custom": 1}
    assert len(fake.texts("u1")) == 1


@pytest.mark.parametrize(("now", "until"), [
    (datetime(2027, 3, 2, 21, 59, tzinfo=CST), None),
    (datetime(2027, 3, 2, 22, 0, tzinfo=CST), datetime(2027, 3, 3, 8, 0, tzinfo=CST)),
    (datetime(2027, 3, 3, 2, 0, tzinfo=CST), datetime(2027, 3, 3, 8, 0, tzinfo=CST)),
    (datetime(2027, 3, 3, 8, 0, tzinfo=CST), None),
])
def test_quiet_window_edges(now: datetime, until: datetime | None) -> None:
    assert quiet_until(now, "22:00-08:00", CST) == until


def test_outside_48h_goes_to_inbox(svc: Container, fake: FakeWeChat) -> None:
    _user(svc, "u1", MORNING - timedelta(hours=49))
    _queue(svc, "u1", "k1")
    assert Dispatcher(svc).run(MORNING).inbox == 1
    assert fake.texts("u1") == [] and _row(svc, "k1").status == "inbox"


def test_unreachable_user_goes_to_inbox(svc: Container, fake: FakeWeChat) -> None:
    _user(svc, "u1", MORNING - timedelta(hours=1))
    _queue(svc, "u1", "k1")
    fake.fail("custom", 45015)
    assert Dispatcher(svc).run(MORNING).inbox == 1
    assert _row(svc, "k1").status == "inbox"


def test_subscribe_message_used_when_granted_and_grant_consumed(svc: Container, fake: FakeWeChat) -> None:
    svc.settings.subscribe_template_ids = {"match_alert": "TPL-SUB"}
    _user(svc, "u1", None)
    with svc.db.session() as s:
        s.add(SubscribeGrant(appid="wxtest", openid="u1", template_id="TPL-SUB", status="accept"))
    _queue(svc, "u1", "k1")
    _queue(svc, "u1", "k2")
    report = Dispatcher(svc).run(MORNING)
    assert report.sent == {"subscribe": 1} and report.inbox == 1  # one-time grant used by the first
    (call,) = fake.of("subscribe")
    assert call.body["touser"] == "u1" and call.body["template_id"] == "TPL-SUB"


def test_template_message_when_configured(svc: Container, fake: FakeWeChat) -> None:
    svc.settings.template_ids = {"match_alert": "TPL-1"}
    _user(svc, "u1", None)
    _queue(svc, "u1", "k1", "匹配提醒正文")
    assert Dispatcher(svc).run(MORNING).sent == {"template": 1}
    (call,) = fake.of("template")
    assert call.body["template_id"] == "TPL-1" and "匹配提醒正文" in str(call.body["data"])


def test_daily_cap_defers_to_next_morning(svc: Container, fake: FakeWeChat) -> None:
    _user(svc, "u1", MORNING - timedelta(hours=1))
    for i in range(3):
        _queue(svc, "u1", f"k{i}")
    report = Dispatcher(svc).run(MORNING)
    assert report.sent == {"custom": 2} and report.deferred == 1
    assert _row(svc, "k2").next_attempt_at == datetime(2027, 3, 3, 8, 0, tzinfo=CST)
    assert _row(svc, "k2").attempts == 0 and _row(svc, "k2").last_error == DAILY_CAP_NOTE  # the push desk shows why


def test_two_dispatchers_never_send_twice(svc: Container, fake: FakeWeChat) -> None:
    svc.settings.daily_push_cap = 100
    _user(svc, "u1", MORNING - timedelta(hours=1))
    for i in range(5):
        _user(svc, f"v{i}", MORNING - timedelta(hours=1))
        _queue(svc, f"v{i}", f"k{i}", f"消息{i}")
    threads = [threading.Thread(target=Dispatcher(svc).run, args=(MORNING,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(fake.texts()) == [f"消息{i}" for i in range(5)]


def test_inbox_notices_arrive_with_the_next_message_under_a_header(svc: Container, fake: FakeWeChat) -> None:
    from tests.support.wechat_client import wechat_client

    _user(svc, "u1", MORNING - timedelta(hours=49))
    _queue(svc, "u1", "k1", "需求 D12 与您的成果匹配")
    _queue(svc, "u1", "k2", "需求 D13 与您的成果匹配")
    assert Dispatcher(svc).run(MORNING).inbox == 2
    with wechat_client(svc, fake=fake) as wx:
        (reply,) = wx.send_text("u1", "帮助")
        assert "您有 2 条新提醒" in reply and "D12" in reply and "D13" in reply
        assert "D12" not in wx.send_text("u1", "帮助")[0]
