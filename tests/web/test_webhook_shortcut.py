"""``POST /wechat`` through its shortcut (past the router) and its own query-string reading."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from bot.container import Container
from bot.web import wechat as webhook
from bot.web.app import create_app
from bot.wechat.signing import callback_token, sign
from tests.support.wechat_client import wechat_client


@pytest.mark.parametrize("raw", [b"a=1&b=2", b"a=1&&b", b"a&b=", b"=x&a=1&a=2", b"a==b", b"", b"&", b"a=1;b=2",
                                 b"n=a%20b&n=c+d", b"x=\xc3\xa9", b"s=%E4%BD%A0"])
def test_the_webhook_reads_the_query_string_as_starlette_does(raw: bytes) -> None:
    request = Request({"type": "http", "query_string": raw, "headers": []})
    assert dict(webhook.query(request)) == dict(request.query_params)


@pytest.mark.parametrize("mode", ["plain", "aes"])
def test_an_escaped_nonce_is_signed_and_answered_like_a_plain_one(services: Container, mode: str) -> None:
    with wechat_client(services, mode=mode) as wx:
        query = wx.signed_query(nonce="n 1+2/你")  # the client escapes it: %20, %2B, %2F, UTF-8
        response = wx.post(wx.message("o_escaped", "text", Content="帮助"), query=query)
        assert response.status_code == 200 and wx.decode(response)
        again = wx.post(wx.message("o_escaped", "text", Content="你好"), query=query)  # another message, same nonce
        assert (again.status_code, again.text) == (403, "nonce reused for another message")


def test_a_webhook_post_is_in_the_access_log(services: Container, caplog: pytest.LogCaptureFixture) -> None:
    with wechat_client(services) as wx, caplog.at_level(logging.INFO, logger="kc.access"):
        assert wx.post(wx.message("o_log", "text", Content="帮助")).status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "kc.access"]
    assert len(lines) == 1 and lines[0].startswith("POST /wechat 200 ") and "signature" not in lines[0]


def test_an_error_escaping_the_webhook_is_a_500_from_the_server_error_layer(services: Container,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("render failed")

    monkeypatch.setattr(webhook, "_render", broken)
    stamp, nonce = str(int(services.now().timestamp())), "n500"
    query = {"timestamp": stamp, "nonce": nonce, "signature": sign(callback_token(services.settings), stamp, nonce)}
    body = ("<xml><ToUserName>gh</ToUserName><FromUserName>o_err</FromUserName><CreateTime>1</CreateTime>"
            "<MsgType>text</MsgType><Content>帮助</Content><MsgId>77</MsgId></xml>").encode()
    with TestClient(create_app(services), raise_server_exceptions=False) as client:
        assert client.post("/wechat", params=query, content=body).status_code == 500


def test_a_body_in_chunks_is_read_whole_and_refused_past_the_cap(services: Container) -> None:
    with wechat_client(services) as wx:
        xml = ("<xml><ToUserName>gh</ToUserName><FromUserName>o_chunks</FromUserName><CreateTime>1</CreateTime>"
               "<MsgType>text</MsgType><Content>帮助</Content><MsgId>78</MsgId></xml>").encode()
        chunked = wx.http.post("/wechat", params=wx.signed_query(), content=iter([xml[:40], xml[40:90], xml[90:]]))
        assert chunked.status_code == 200 and "<Content>" in chunked.text
        cap = services.settings.max_body_bytes
        big = iter([b"<xml>", b"A" * cap, b"</xml>"])  # no Content-Length: refused while reading
        assert wx.http.post("/wechat", params=wx.signed_query(), content=big).status_code == 413
