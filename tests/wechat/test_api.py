"""The outbound gateway against the local fake WeChat API: base URL, shared token, refresh-once, timeouts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import utcnow
from bot.container import Container
from bot.store.engine import Database
from bot.store.models import AccessToken
from bot.wechat import inbox
from bot.wechat.api import ApiGateway, WeChatAPIError
from bot.wechat.push import Pusher
from tests.support.env import make_settings
from tests.support.wechat_fake import FakeWeChat


def gateway(db: Database, tmp_path: Path, fake: FakeWeChat, **overrides: object) -> ApiGateway:
    settings = make_settings(tmp_path / "data", wechat_appid="wxgw", wechat_secret="s3cret",
                             wechat_api_base=fake.base_url, **overrides)
    return ApiGateway(settings, db)


def test_every_call_goes_to_the_configured_base(any_db: Database, tmp_path: Path, fake: FakeWeChat) -> None:
    gw = gateway(any_db, tmp_path, fake)
    gw.send_text("o1", "你好")
    gw.send_template("o1", "TPL1", {"first": {"value": "提醒"}}, url="https://example.org")
    gw.send_subscribe("o1", "SUB1", {"thing1": {"value": "活动提醒"}})
    gw.create_menu({"button": [{"type": "click", "name": "帮助", "key": "KC_HELP"}]})
    kinds = [c.kind for c in fake.calls]
    assert kinds == ["stable_token", "custom", "template", "subscribe", "menu"]
    assert fake.calls[0].body == {"grant_type": "client_credential", "appid": "wxgw", "secret": "s3cret",
                                  "force_refresh": False}
    assert fake.texts("o1") == ["你好"]
    assert fake.of("subscribe")[0].body["template_id"] == "SUB1"


def test_token_is_shared_through_the_database(any_db: Database, tmp_path: Path, fake: FakeWeChat) -> None:
    first, second = gateway(any_db, tmp_path, fake), gateway(any_db, tmp_path, fake)
    first.send_text("o1", "一")
    second.send_text("o1", "二")  # another process: reuses the stored token
    assert len(fake.of("stable_token")) == 1
    with any_db.session() as session:
        row = session.get(AccessToken, "wxgw")
        assert row is not None and row.expires_at > utcnow() + timedelta(hours=1)


def test_token_refreshed_before_expiry(any_db: Database, tmp_path: Path, fake: FakeWeChat) -> None:
    fake.expires_in = 200  # less than the five-minute margin: every use refreshes
    gw = gateway(any_db, tmp_path, fake)
    gw.send_text("o1", "一")
    gw.send_text("o1", "二")
    assert len(fake.of("stable_token")) >= 2 and fake.texts("o1") == ["一", "二"]


def test_falls_back_to_cgi_token_without_stable_token(any_db: Database, tmp_path: Path, fake: FakeWeChat) -> None:
    fake.stable_token_supported = False
    gw = gateway(any_db, tmp_path, fake)
    gw.send_text("o1", "你好")
    assert [c.kind for c in fake.calls] == ["stable_token", "token", "custom"]
    assert fake.of("token")[0].query == {"grant_type": "client_credential", "appid": "wxgw", "secret": "s3cret"}


@pytest.mark.parametrize("errcode", [40001, 42001])
def test_invalid_token_refreshes_once_and_retries_once(
    any_db: Database, tmp_path: Path, fake: FakeWeChat, errcode: int
) -> None:
    gw = gateway(any_db, tmp_path, fake)
    gw.send_text("o1", "预热")
    fake.fail("custom", errcode)
    gw.send_text("o1", "重试成功")
    assert fake.texts("o1") == ["预热", "重试成功"]
    assert fake.of("stable_token")[-1].body["force_refresh"] is True


def test_token_errors_never_loop(any_db: Database, tmp_path: Path, fake: FakeWeChat) -> None:
    gw = gateway(any_db, tmp_path, fake)
    fake.fail("custom", 40001, times=5)
    with pytest.raises(WeChatAPIError) as err:
        gw.send_text("o1", "x")
    assert err.value.errcode == 40001
    assert len(fake.of("custom")) == 2  # the call and one retry


def test_revoked_token_is_replaced(any_db: Database, tmp_path: Path, fake: FakeWeChat) -> None:
    gw = gateway(any_db, tmp_path, fake)
    gw.send_text("o1", "一")
    fake.revoke_tokens()
    gw.send_text("o1", "二")
    assert fake.texts("o1") == ["一", "二"]


def test_errors_and_timeouts_become_wechat_api_errors(any_db: Database, tmp_path: Path, fake: FakeWeChat) -> None:
    gw = gateway(any_db, tmp_path, fake, wechat_timeout=0.3)
    fake.fail("custom", 45015)
    with pytest.raises(WeChatAPIError) as err:
        gw.send_text("o1", "x")
    assert err.value.errcode == 45015
    fake.delay("template", 1.0)
    with pytest.raises(WeChatAPIError) as err:
        gw.send_template("o1", "TPL", {})
    assert err.value.errcode is None


def test_outbox_delivers_exactly_once_per_key(any_db: Database, tmp_path: Path, fake: FakeWeChat) -> None:
    settings = make_settings(tmp_path / "data", wechat_api_base=fake.base_url)
    svc = Container(settings, any_db)
    outbox = Pusher(svc)
    assert outbox.deliver_text(appid="wx_dev", openid="o1", text="答复", key="answer:1") == "sent"
    assert outbox.deliver_text(appid="wx_dev", openid="o1", text="答复", key="answer:1") == "dup"
    assert fake.texts("o1") == ["答复"]


def test_outbox_pushes_long_text_within_quota(any_db: Database, tmp_path: Path, fake: FakeWeChat) -> None:
    svc = Container(settings=make_settings(tmp_path / "data", wechat_api_base=fake.base_url), db=any_db)
    outbox = Pusher(svc)
    text = "第一句比较长的说明文字，重复多次以超过限制。" * 600
    outbox.deliver_text(appid="wx_dev", openid="o1", text=text, key="answer:long")
    sent = fake.texts("o1")
    assert len(sent) == 5 and all(len(s.encode()) <= 2048 for s in sent)
    with svc.db.session() as session:
        held = inbox.peek(session, appid="wx_dev", openid="o1")
    assert len(held) == 1 and sent[-1].endswith("查看后续）")
