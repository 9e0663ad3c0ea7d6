"""Signed requests against the real app: timestamp window, nonce binding, message modes, hostile shapes, logs."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.container import Container
from bot.store.engine import Database
from bot.store.models import Conversation, InboundMessage, WechatNonce
from bot.web.replay import claim_nonce, purge_nonces
from bot.wechat.testing.simulator import Simulator, new_aes_key
from bot.wechat.validate import MAX_TEXT
from tests.support.env import make_settings
from tests.support.wechat_client import ACCOUNT, to_xml, wechat_client

DAY = 86400


def _count(services: Container, model: type, **where: object) -> int:
    """Rows of ``model`` matching ``where``."""
    query = select(func.count()).select_from(model).filter_by(**where)
    with services.db.session() as session:
        return session.scalar(query) or 0


def _now(wx: Simulator) -> int:
    """The app's clock in epoch seconds."""
    return int(wx.services.now().timestamp())


@pytest.fixture
def aes_services(tmp_path: Path) -> Iterator[Container]:
    """A container with a token, an AppID and an EncodingAESKey (default mode: compat)."""
    svc = Container.create(make_settings(tmp_path / "data", wechat_token="sec-token", wechat_appid="wxsec00001",
                                         wechat_aes_key=new_aes_key()))
    yield svc
    svc.close()


# --- timestamp window --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("offset", [-DAY, 10 * 365 * DAY], ids=["day-old", "ten-years-ahead"])
@pytest.mark.parametrize("mode", ["plain", "aes"])
def test_stale_or_future_signed_request_is_refused(services: Container, offset: int, mode: str) -> None:
    with wechat_client(services, mode=mode) as wx:
        query = wx.signed_query(timestamp=_now(wx) + offset)
        response = wx.post(wx.message("o_time", "text", Content="帮助"), query=query)
        assert (response.status_code, response.text) == (403, "timestamp outside the allowed window")
        verify = wx.verify_url(timestamp=str(_now(wx) + offset))
        assert verify.status_code == 403  # a stale query cannot be re-signed by overriding only the timestamp
        stale_get = wx.http.get("/wechat", params=wx.signed_query(timestamp=_now(wx) + offset, echostr="e1"))
        assert (stale_get.status_code, stale_get.text) == (403, "timestamp outside the allowed window")
        assert wx.http.get("/healthz").status_code == 200
    assert _count(services, InboundMessage) == 0


def test_window_edges_follow_the_container_clock(services: Container) -> None:
    services.clock.freeze(datetime(2031, 5, 4, 3, 2, 1, tzinfo=UTC))
    services.settings.wechat_max_skew_seconds = 120
    with wechat_client(services) as wx:
        assert "提需求" in wx.send_text("o_edge", "帮助")[0]  # signed with the frozen clock
        inside = wx.post(wx.message("o_edge", "text", Content="帮助"), query=wx.signed_query(timestamp=_now(wx) - 120))
        assert inside.status_code == 200
        real_time = wx.post(wx.message("o_edge", "text", Content="帮助"),
                            query=wx.signed_query(timestamp=int(time.time())))
        assert real_time.status_code == 403  # the wall clock is years away from the container's
        assert wx.verify_url("e2").text == "e2"


# --- nonce binding -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["plain", "compat", "aes"])
def test_nonce_reused_for_another_message_is_refused_but_retries_are_answered(services: Container, mode: str) -> None:
    with wechat_client(services, mode=mode) as wx:
        query = wx.signed_query()
        first = wx.message("o_nonce", "text", msg_id=700001, Content="帮助")
        answer = wx.decode(wx.post(first, query=query))
        assert "提需求" in answer[0]
        assert wx.decode(wx.post(first, query=query)) == answer  # WeChat's retry: same nonce, same message
        forged = wx.post(wx.message("o_nonce", "text", msg_id=700002, Content="取消报名"), query=query)
        assert (forged.status_code, forged.text) == (403, "nonce reused for another message")
        assert wx.decode(wx.post(first)) == answer  # a retry with a fresh nonce
        event = wx.post({"ToUserName": ACCOUNT, "FromUserName": "o_other", "MsgType": "event", "Event": "subscribe",
                         "CreateTime": _now(wx)}, query=query)
        assert event.status_code == 403
    assert _count(services, InboundMessage) == 1
    assert _count(services, Conversation, openid="o_other") == 0
    assert _count(services, WechatNonce) == 2


def test_nonce_bindings_are_shared_between_workers(tmp_path: Path) -> None:
    """Two app instances (as two worker processes) on one database see each other's nonces."""
    settings = make_settings(tmp_path / "data")
    one, two = Container.create(settings), Container.create(make_settings(tmp_path / "data"))
    try:
        with wechat_client(one) as wx1, wechat_client(two) as wx2:
            query = wx1.signed_query()
            assert wx1.post(wx1.message("o_w", "text", msg_id=800001, Content="帮助"), query=query).status_code == 200
            other = wx2.post(wx2.message("o_w", "text", msg_id=800002, Content="帮助"), query=query)
            assert (other.status_code, other.text) == (403, "nonce reused for another message")
    finally:
        one.close()
        two.close()


def test_nonce_binding_expiry_and_purge(any_db: Database) -> None:
    t0, keep = datetime(2030, 1, 1, tzinfo=UTC), timedelta(seconds=600)

    def claim(key: str, at: datetime, nonce: str = "n1") -> bool:
        with any_db.session() as session:
            return claim_nonce(session, appid="wx1", nonce=nonce, key=key, now=at, keep=keep)

    assert claim("msg:1", t0) and claim("msg:1", t0 + timedelta(seconds=5))
    assert not claim("msg:2", t0 + keep)
    assert claim("msg:2", t0, nonce="n2") and claim("msg:1", t0, nonce="n1")
    assert claim("msg:3", t0 + keep + timedelta(seconds=1))  # the old binding expired: reclaimed
    assert not claim("msg:1", t0 + keep + timedelta(seconds=2))
    with any_db.session() as session:
        assert purge_nonces(session, before=t0 + timedelta(seconds=1)) == 1  # n2, seen at t0
    with any_db.session() as session:
        assert session.scalars(select(WechatNonce.nonce)).all() == ["n1"]


def test_old_bindings_are_purged_while_serving(services: Container) -> None:
    start = datetime(2030, 6, 1, tzinfo=UTC)
    services.clock.freeze(start)
    with wechat_client(services) as wx:
        wx.send_text("o_purge", "帮助")
        services.clock.freeze(start + timedelta(seconds=2 * services.settings.wechat_max_skew_seconds + 1))
        wx.send_text("o_purge", "帮助")
    with services.db.session() as session:
        assert session.scalars(select(WechatNonce.seen_at)).all() == [services.now()]


# --- message modes -----------------------------------------------------------------------------------------------

def test_safe_mode_refuses_plaintext(aes_services: Container) -> None:
    aes_services.settings.wechat_mode = "safe"
    with wechat_client(aes_services, mode="plain") as wx:
        refused = wx.post(wx.message("o_safe", "text", Content="帮助"))
        assert (refused.status_code, refused.text) == (403, "plaintext refused in safe mode")
    with wechat_client(aes_services, mode="aes") as wx:
        assert "提需求" in wx.send_text("o_safe", "帮助")[0]
    with wechat_client(aes_services, mode="compat") as wx:
        assert "提需求" in wx.send_text("o_safe2", "帮助")[0]
    assert _count(aes_services, InboundMessage) == 2


@pytest.mark.parametrize("app_mode", ["compat", "safe", "plain"])
def test_decrypted_fields_win_over_plaintext_beside_encrypt(aes_services: Container, app_mode: str) -> None:
    """Plain mode with a key also opens Encrypt bodies (the account was switched first); plaintext never wins."""
    aes_services.settings.wechat_mode = app_mode  # type: ignore[assignment]
    with wechat_client(aes_services, mode="compat") as wx:
        real = wx.message("o_real", "text", msg_id=900001, Content="帮助")
        forged = {"ToUserName": ACCOUNT, "FromUserName": "o_forged", "CreateTime": _now(wx), "MsgType": "text",
                  "Content": "取消报名", "MsgId": 900002}
        reply = wx.post(real, beside=forged)
        assert "提需求" in wx.decode(reply)[0]
    assert _count(aes_services, InboundMessage, openid="o_real") == 1
    assert _count(aes_services, InboundMessage, openid="o_forged") == 0
    assert _count(aes_services, Conversation, openid="o_forged") == 0


def test_encrypt_body_without_a_key_is_refused(services: Container) -> None:
    with wechat_client(services, mode="aes") as wx:
        query = wx.signed_query()
        xml = wx._seal(to_xml(wx.message("o_nokey", "text", Content="帮助")), query, {})
        services.settings.wechat_aes_key = ""  # the app now runs in plain mode without a key
        response = wx.http.post("/wechat", params=query, content=xml.encode())
        assert (response.status_code, response.text) == (400, "encrypted message but no valid KC_WECHAT_AES_KEY configured")


def test_forged_msg_signature_is_refused_in_words(aes_services: Container) -> None:
    with wechat_client(aes_services, mode="aes") as wx:
        query = wx.signed_query()
        xml = wx._seal(to_xml(wx.message("o_sig", "text", Content="帮助")), query, {})
        query["msg_signature"] = "0" * 40
        response = wx.http.post("/wechat", params=query, content=xml.encode())
        assert (response.status_code, response.text) == (403, "msg_signature mismatch")
        bad = wx.http.post("/wechat", params={**wx.signed_query(), "signature": "1" * 40}, content=xml.encode())
        assert (bad.status_code, bad.text) == (403, "signature mismatch")


# --- hostile shapes ----------------------------------------------------------------------------------------------

def _text(**fields: object) -> str:
    """A text message document with ``fields`` overriding the usual ones."""
    base: dict[str, object] = {"ToUserName": ACCOUNT, "FromUserName": "o_hostile", "CreateTime": 1_800_000_000,
                               "MsgType": "text", "Content": "帮助", "MsgId": 123}
    return to_xml({**base, **fields})


HOSTILE = {
    "3000-deep": ("<xml>" + "<a>" * 3000 + "x" + "</a>" * 3000 + "</xml>", "malformed XML: nesting deeper than 16"),
    "many-elements": ("<xml>" + "<a>1</a>" * 2000 + "</xml>", "malformed XML: more than 400 elements"),
    "5000-digit-MsgId": (_text(MsgId="9" * 5000), "MsgId longer than 64 characters"),
    "300-char-openid": (_text(FromUserName="o" * 300), "FromUserName longer than 64 characters"),
    "20-digit-CreateTime": (_text(CreateTime="9" * 20), "CreateTime longer than 10 characters"),
    "11-digit-CreateTime": (_text(CreateTime="99999999999"), "CreateTime longer than 10 characters"),
    "long-EventKey": (_text(MsgType="event", Event="CLICK", EventKey="k" * 300), "EventKey longer than 256"),
    "nested-openid": ("<xml><FromUserName><a>o</a></FromUserName><MsgType>text</MsgType></xml>",
                      "message without FromUserName"),
}


@pytest.mark.parametrize("mode", ["plain", "aes"])
@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_shapes_are_400_and_health_stays_up(aes_services: Container, name: str, mode: str) -> None:
    xml, words = HOSTILE[name]
    with wechat_client(aes_services, mode=mode) as wx:
        response = wx.post_xml(xml)
        assert response.status_code == 400 and response.text.startswith(words), response.text
        assert "Error" not in response.text and "Exception" not in response.text
        assert wx.http.get("/healthz").status_code == 200
        assert "提需求" in wx.send_text("o_after", "帮助")[0]
    assert _count(aes_services, InboundMessage) == 1
    assert _count(aes_services, Conversation, openid="o_hostile") == 0


def test_long_content_is_clipped_not_refused(services: Container) -> None:
    with wechat_client(services) as wx:
        response = wx.post(wx.message("o_long", "text", Content="帮助" + "啊" * (MAX_TEXT + 2000)))
        assert response.status_code == 200


# --- logs --------------------------------------------------------------------------------------------------------

def test_logs_never_carry_signed_values(aes_services: Container, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secrets: set[str] = {"o_secret_openid_4242", "echo-secret-8131618737"}
    with wechat_client(aes_services, mode="aes") as wx:
        queries = [wx.signed_query(echostr="echo-secret-8131618737") for _ in range(3)]
        assert wx.http.get("/wechat", params=queries[0]).status_code == 200
        wx.post(wx.message("o_secret_openid_4242", "text", msg_id=990001, Content="帮助"), query=queries[1])
        wx.post(wx.message("o_secret_openid_4242", "text", msg_id=990002, Content="帮助"), query=queries[1])  # 403
        wx.http.get("/wechat", params={**queries[2], "signature": "f" * 40})
        stale = wx.signed_query(timestamp=_now(wx) - DAY)
        wx.post(wx.message("o_secret_openid_4242", "text", Content="帮助"), query=stale)
        for query in [*queries, stale]:
            secrets |= {query["signature"], query["nonce"], query.get("msg_signature", "signature")}
    client_side = ("httpx", "httpcore")  # the simulated WeChat's own HTTP client logs its URLs, not the server
    text = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith(client_side))
    assert "POST /wechat 200" in text and "GET /wechat 403" in text and "POST /wechat 403" in text
    leaked = sorted(value for value in secrets - {"signature"} if value in text)
    assert leaked == []
