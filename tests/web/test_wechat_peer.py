"""Acceptance: an independent WeChat peer (no wechatpy) talks to the real app.

The peer implements WeChat's published protocol itself: signature = sha1 of the sorted token, timestamp,
nonce (and Encrypt); AES-256-CBC with key = base64(EncodingAESKey + "="), iv = key[:16], PKCS#7 to 32-byte
blocks, plaintext = random(16) + len(msg) as 4 bytes big-endian + msg + appid.
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bot.container import Container
from bot.store.models import ChatLine, Conversation, InboundMessage
from bot.web.app import create_app
from tests.support.env import make_settings

TOKEN = "peer-token-7f3a"
APPID = "wxpeer0123456789"
AES_KEY = base64.b64encode(bytes(range(32))).decode().rstrip("=")


class Peer:
    """WeChat's server side of the callback protocol, written from the public documentation."""

    def __init__(self, http: TestClient) -> None:
        self.http = http
        self.key = base64.b64decode(AES_KEY + "=")

    @staticmethod
    def signature(*parts: str) -> str:
        return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()

    def query(self) -> dict[str, str]:
        ts, nonce = str(int(time.time())), os.urandom(4).hex()
        return {"timestamp": ts, "nonce": nonce, "signature": self.signature(TOKEN, ts, nonce)}

    def _cipher(self) -> Cipher:
        return Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16]))

    def encrypt(self, xml: str) -> str:
        body = xml.encode()
        plain = os.urandom(16) + struct.pack(">I", len(body)) + body + APPID.encode()
        pad = 32 - len(plain) % 32
        enc = self._cipher().encryptor()
        return base64.b64encode(enc.update(plain + bytes([pad]) * pad) + enc.finalize()).decode()

    def decrypt(self, encrypt: str) -> str:
        dec = self._cipher().decryptor()
        plain = dec.update(base64.b64decode(encrypt)) + dec.finalize()
        plain = plain[: -plain[-1]]
        length = struct.unpack(">I", plain[16:20])[0]
        assert plain[20 + length:].decode() == APPID
        return plain[20: 20 + length].decode()

    def post(self, inner_xml: str, *, aes: bool) -> tuple[int, str]:
        query = self.query()
        body = inner_xml
        if aes:
            encrypt = self.encrypt(inner_xml)
            query.update(encrypt_type="aes",
                         msg_signature=self.signature(TOKEN, query["timestamp"], query["nonce"], encrypt))
            body = f"<xml><ToUserName><![CDATA[gh_peer]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
        response = self.http.post("/wechat", params=query, content=body.encode())
        return response.status_code, response.text

    def reply_content(self, body: str, *, aes: bool) -> str:
        root = ET.fromstring(body)
        if aes:
            encrypt = root.findtext("Encrypt")
            expected = self.signature(TOKEN, root.findtext("TimeStamp"), root.findtext("Nonce"), encrypt)
            assert root.findtext("MsgSignature") == expected
            root = ET.fromstring(self.decrypt(encrypt))
        assert root.findtext("MsgType") == "text"
        assert root.findtext("ToUserName") == "o_peer"
        return root.findtext("Content") or ""


def text_xml(content: str, msg_id: int, openid: str = "o_peer") -> str:
    return (f"<xml><ToUserName><![CDATA[gh_peer]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>")


@pytest.fixture
def peer_app(tmp_path: Path) -> Iterator[tuple[Peer, Container]]:
    settings = make_settings(tmp_path / "data", wechat_token=TOKEN, wechat_appid=APPID, wechat_aes_key=AES_KEY)
    services = Container.create(settings)
    with TestClient(create_app(services)) as http:
        yield Peer(http), services
    services.close()


def test_url_verification(peer_app: tuple[Peer, Container]) -> None:
    peer, _ = peer_app
    ok = peer.http.get("/wechat", params={**peer.query(), "echostr": "8131618737"})
    assert ok.status_code == 200 and ok.text == "8131618737"
    bad = peer.http.get("/wechat", params={**peer.query(), "signature": "0" * 40, "echostr": "x"})
    assert bad.status_code == 403


@pytest.mark.parametrize("aes", [False, True], ids=["plaintext", "safe-mode"])
def test_peer_gets_correct_reply(peer_app: tuple[Peer, Container], aes: bool) -> None:
    peer, _ = peer_app
    status, body = peer.post(text_xml("帮助", 9001 + aes), aes=aes)
    assert status == 200
    content = peer.reply_content(body, aes=aes)
    assert "提需求" in content and "问政策" in content


def test_safe_mode_rejects_wrong_msg_signature(peer_app: tuple[Peer, Container]) -> None:
    peer, services = peer_app
    query = peer.query()
    encrypt = peer.encrypt(text_xml("帮助", 9100))
    query.update(encrypt_type="aes", msg_signature=peer.signature("not-the-token", query["timestamp"], query["nonce"]))
    body = f"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    # signature (URL) is right, msg_signature (payload) is wrong: refused, nothing stored
    assert peer.http.post("/wechat", params=query, content=body.encode()).status_code == 403
    assert _count(services, InboundMessage) == 0


def test_same_msgid_three_times_runs_handler_once(peer_app: tuple[Peer, Container]) -> None:
    peer, services = peer_app
    replies = [peer.post(text_xml("帮助", 4242), aes=True) for _ in range(3)]
    contents = {peer.reply_content(body, aes=True) for status, body in replies if status == 200}
    assert len(contents) == 1 and len(replies) == 3
    assert _count(services, InboundMessage) == 1
    assert _count(services, ChatLine) == 2  # one pipeline run: one turn's transcript lines


def _count(services: Container, model: type) -> int:
    with services.db.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xml><ToUserName>gh</ToUserName><FromUserName>o_peer</FromUserName><MsgType>text</MsgType>
<Content>&lol3;</Content><MsgId>1</MsgId></xml>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<xml><FromUserName>o_peer</FromUserName><MsgType>text</MsgType><Content>&e;</Content><MsgId>2</MsgId></xml>"""


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (BILLION_LAUGHS.encode(), 400),
        (EXTERNAL_ENTITY.encode(), 400),
        (b"<xml><FromUserName>o_peer</FromUserName><Content>unclosed", 400),
        (b"\x00\xff not xml at all", 400),
        (b"<html><FromUserName>o</FromUserName></html>", 400),
        (b"<xml>" + b"A" * (2 * 1024 * 1024) + b"</xml>", 413),
    ],
    ids=["billion-laughs", "external-entity", "malformed", "binary", "wrong-root", "2MB"],
)
def test_hostile_bodies_are_refused_and_server_stays_healthy(
    peer_app: tuple[Peer, Container], body: bytes, status: int
) -> None:
    peer, services = peer_app
    assert peer.http.post("/wechat", params=peer.query(), content=body).status_code == status
    assert peer.http.get("/healthz").status_code == 200
    assert _count(services, InboundMessage) == 0 and _count(services, Conversation) == 0


def test_bad_signature_is_refused_before_anything_is_stored(peer_app: tuple[Peer, Container]) -> None:
    peer, services = peer_app
    query = {**peer.query(), "signature": peer.signature("wrong", "1", "2")}
    assert peer.http.post("/wechat", params=query, content=text_xml("帮助", 77).encode()).status_code == 403
    missing = {k: v for k, v in peer.query().items() if k != "signature"}
    assert peer.http.post("/wechat", params=missing, content=text_xml("帮助", 78).encode()).status_code == 403
    assert _count(services, InboundMessage) == 0
