"""The outbox under injected faults: late answers (uncertain sends), HTTP 500, senders that die mid-send."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from bot.cli import app as kc_app
from bot.clock import Clock
from bot.container import Container
from bot.domain.notify import notify
from bot.store.models import Outbox, User
from bot.wechat.push import Pusher
from bot.wechat.sender import UNCERTAIN_RETRY, Dispatcher, claim, claim_lease
from tests.support.env import make_settings
from tests.support.wechat_fake import FakeWeChat

CST = ZoneInfo("Asia/Shanghai")
MORNING = datetime(2027, 3, 2, 10, 0, tzinfo=CST)




@pytest.fixture
def svc(tmp_path: Path, fake: FakeWeChat) -> Iterator[Container]:
    settings = make_settings(tmp_path / "d", wechat_api_base=fake.base_url, wechat_appid="wxtest",
                             wechat_secret="s3cret", wechat_token="tok", wechat_timeout=0.5,
                             outbox_backoff_seconds=60, outbox_max_attempts=3)
    container = Container.create(settings, clock=Clock(MORNING))
    with container.db.session() as s:
        s.add(User(appid="wxtest", openid="u1", last_inbound_at=MORNING - timedelta(hours=1)))
    container.gateway.send_text("warm-up", "x")  # fetch the token before delays are injected
    yield container
    container.close()


def _queue(svc: Container, key: str, kind: str = "event_reminder") -> None:
    with svc.db.session() as s:
        notify(s, appid="wxtest", openid="u1", kind=kind, key=key, text="明天 9:30 的讲座别忘了", now=MORNING)


def _row(svc: Container, key: str) -> Outbox:
    with svc.db.session() as s:
        return s.scalars(select(Outbox).where(Outbox.idempotency_key == key)).one()


def _sends(fake: FakeWeChat) -> int:
    """Customer-service texts WeChat accepted for u1 (after late answers have landed)."""
    time.sleep(1.2)  # a delayed call is recorded when the fake finally answers
    return len(fake.texts("u1"))


def test_a_late_answer_to_a_chat_push_is_uncertain_never_repeated_nor_held(svc: Container, fake: FakeWeChat) -> None:
    fake.delay("custom", 1.5)  # WeChat accepts the message but answers after the client's timeout
    assert Pusher(svc).deliver_text(appid="wxtest", openid="u1", text="您的答复", key="answer:7") == "uncertain"
    row = _row(svc, "answer:7")
    assert row.status == "uncertain" and "may have been delivered" in (row.last_error or "")
    fake.delay("custom", 0)
    assert Dispatcher(svc).run(MORNING + timedelta(hours=1)).sent == {}
    with svc.db.session() as s:
        held = s.scalars(select(Outbox).where(Outbox.status == "inbox")).all()
    assert held == [] and _sends(fake) == 1  # one copy reached WeChat; none waits in the inbox


def test_a_late_answer_to_a_notice_is_resent_once_after_a_delay(svc: Container, fake: FakeWeChat) -> None:
    _queue(svc, "remind:1")
    fake.delay("custom", 1.5)
    report = Dispatcher(svc).run(MORNING)
    row = _row(svc, "remind:1")
    assert (report.retried, row.status, row.next_attempt_at) == (1, "pending", MORNING + UNCERTAIN_RETRY)
    assert Dispatcher(svc).run(MORNING + timedelta(minutes=1)).as_dict()["sent"] == {}  # not before the delay
    report = Dispatcher(svc).run(MORNING + UNCERTAIN_RETRY)  # still late: now it is given up as uncertain
    assert (report.uncertain, _row(svc, "remind:1").status) == (1, "uncertain")
    assert Dispatcher(svc).run(MORNING + timedelta(days=1)).as_dict()["sent"] == {}
    assert _sends(fake) == 2  # the original and exactly one resend


def test_http_500_is_retried_and_recorded_in_words(svc: Container, fake: FakeWeChat) -> None:
    _queue(svc, "remind:2")
    fake.fail_http("custom", 500)
    assert Dispatcher(svc).run(MORNING).retried == 1
    row = _row(svc, "remind:2")
    assert row.status == "pending" and row.last_error == "HTTP 500 Internal Server Error"
    assert Dispatcher(svc).run(MORNING + timedelta(minutes=2)).sent == {"custom": 1}


def test_a_claim_left_by_a_dead_sender_is_reclaimed(svc: Container, fake: FakeWeChat) -> None:
    _queue(svc, "remind:3")
    _queue(svc, "answer:9", kind="answer")
    for key in ("remind:3", "answer:9"):
        assert claim(svc.db, _row(svc, key).id, now=MORNING, lease=claim_lease(svc.settings))  # …then it dies
    assert Dispatcher(svc).run(MORNING + timedelta(minutes=1)).reclaimed == 0  # the claim lease still runs
    later = MORNING + claim_lease(svc.settings) + timedelta(seconds=1)
    assert Dispatcher(svc).run(later).reclaimed == 2
    assert (_row(svc, "remind:3").status, _row(svc, "answer:9").status) == ("pending", "uncertain")
    assert Dispatcher(svc).run(later + UNCERTAIN_RETRY).sent == {"custom": 1}  # the notice, once
    assert _sends(fake) == 1


def test_kc_outbox_retry_takes_uncertain_and_stranded_rows(svc: Container, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KC_DATA_DIR", str(svc.settings.data_dir))
    _queue(svc, "answer:11", kind="answer")
    _queue(svc, "remind:12")
    row_id, stranded_id = _row(svc, "answer:11").id, _row(svc, "remind:12").id
    with svc.db.session() as s:
        s.execute(update(Outbox).where(Outbox.id == row_id).values(status="uncertain"))
        s.execute(update(Outbox).where(Outbox.id == stranded_id).values(
            status="sending", next_attempt_at=MORNING - timedelta(days=365)))  # a claim long expired
    runner = CliRunner()
    for outbox_id in (row_id, stranded_id):
        result = runner.invoke(kc_app, ["outbox", "retry", str(outbox_id)])
        assert result.exit_code == 0, result.output
    assert {_row(svc, "answer:11").status, _row(svc, "remind:12").status} == {"pending"}
    assert runner.invoke(kc_app, ["outbox", "retry", str(row_id)]).exit_code == 1  # pending: nothing to retry
