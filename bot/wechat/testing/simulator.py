"""Play WeChat's server against the app: sign (and encrypt) messages, POST them, decode the replies.

Used by ``kc chat`` and by the tests (``tests/support/wechat_client.py``). ``simulate(container, app_factory=…)``
starts the real app in-process (Starlette's TestClient) with its outbound API pointed at a local
``FakeWeChat``, so pushes are captured instead of reaching WeChat. The caller passes the app factory
(``bot.web.app.create_app``): this package sits below the web layer and never imports it.
"""

from __future__ import annotations

import base64
import itertools
import os
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from starlette.testclient import TestClient

from bot.wechat.signing import callback_token, sign
from bot.wechat.testing.fakeapi import FakeWeChat
from bot.wechat.xmlio import cdata, parse_xml

ACCOUNT = "gh_kechuang_sim"
Response = Any  # the TestClient's httpx response
_ids = itertools.count(int(time.time() * 1000) % 10**12)


def new_aes_key() -> str:
    """A random 43-character EncodingAESKey."""
    return base64.b64encode(os.urandom(32)).decode("ascii").rstrip("=")


def to_xml(fields: dict[str, Any]) -> str:
    """A WeChat ``<xml>`` document from fields (nested dicts and lists of dicts allowed)."""
    return "<xml>" + _xml_items(fields) + "</xml>"


def _xml_items(fields: dict[str, Any]) -> str:
    """Child elements for ``fields``."""
    out = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            inner = _xml_items(item) if isinstance(item, dict) else (
                str(item) if isinstance(item, int) else cdata(str(item)))
            out.append(f"<{name}>{inner}</{name}>")
    return "".join(out)


class Simulator:
    """Plays WeChat's server against the app: signs, encrypts, posts and decodes."""

    def __init__(self, http: TestClient, services: Any, *, mode: str = "plain", fake: FakeWeChat | None = None) -> None:
        mode = "aes" if mode == "safe" else mode  # the account setting's name for the same thing
        if mode not in {"plain", "compat", "aes"}:
            raise ValueError(f"unknown mode {mode}")
        self.http, self.services, self.mode, self.fake = http, services, mode, fake
        self.settings = services.settings
        self._clock = itertools.count(int(time.time()))

    @property
    def token(self) -> str:
        """The callback Token the app expects."""
        return callback_token(self.settings)

    def _crypto(self) -> Any:
        """wechatpy's crypto with the app's key (the test side of safe mode)."""
        from wechatpy.crypto import WeChatCrypto

        return WeChatCrypto(self.token, self.settings.wechat_aes_key, self.settings.appid)

    def signed_query(self, *, timestamp: int | None = None, nonce: str | None = None, **extra: str) -> dict[str, str]:
        """timestamp (the app's clock unless given), nonce (random unless given) and a correct ``signature``."""
        stamp = str(int(self.services.now().timestamp()) if timestamp is None else timestamp)
        nonce = secrets.token_hex(5) if nonce is None else nonce
        return {"timestamp": stamp, "nonce": nonce, "signature": sign(self.token, stamp, nonce), **extra}

    def verify_url(self, echostr: str = "echo-123", **query: str) -> Response:
        """GET /wechat like WeChat's URL verification."""
        return self.http.get("/wechat", params={**self.signed_query(echostr=echostr), **query})

    def post(self, fields: dict[str, Any], *, query: dict[str, str] | None = None,
             beside: dict[str, Any] | None = None) -> Response:
        """POST one message in this client's mode (signed; encrypted in compat/aes).

        ``query`` reuses a signed query (to replay a nonce); ``beside`` sets the plaintext fields sent next to
        ``Encrypt`` (compat mode sends ``fields`` themselves; pass forged ones to test they are ignored).
        """
        plain = beside if beside is not None else (fields if self.mode == "compat" else {})
        return self.post_xml(to_xml(fields), query=query, beside=plain, to_user=fields.get("ToUserName", ACCOUNT))

    def post_xml(self, xml: str, *, query: dict[str, str] | None = None, beside: dict[str, Any] | None = None,
                 to_user: str = ACCOUNT) -> Response:
        """POST a raw message document in this client's mode (encrypted into ``Encrypt`` in compat/aes)."""
        query = dict(query or self.signed_query())
        if self.mode != "plain":
            xml = self._seal(xml, query, {**(beside or {}), "ToUserName": to_user})
        return self.http.post("/wechat", params=query, content=xml.encode("utf-8"))

    def _seal(self, xml: str, query: dict[str, str], beside: dict[str, Any]) -> str:
        """The outer body carrying ``xml`` encrypted; adds ``encrypt_type`` and ``msg_signature`` to ``query``."""
        encrypt = self._crypto()._encrypt_message(xml, query["nonce"], query["timestamp"], _prp())
        outer = parse_xml(encrypt)
        query.update(encrypt_type="aes", msg_signature=outer["MsgSignature"])
        return to_xml({**beside, "Encrypt": outer["Encrypt"]})

    def decode(self, response: Response) -> list[str]:
        """The reply texts of a 200 response (``[]`` for ``success``); decrypts and checks MsgSignature."""
        assert response.status_code == 200, (response.status_code, response.text)
        if response.text in ("", "success"):
            return []
        fields = parse_xml(response.content)
        if "Encrypt" in fields:
            expected = sign(self.token, fields["TimeStamp"], fields["Nonce"], fields["Encrypt"])
            assert fields["MsgSignature"] == expected, "bad MsgSignature on the reply"
            fields = parse_xml(_prp()(self._crypto().key).decrypt(fields["Encrypt"], self.settings.appid))
        return [fields["Content"]] if fields.get("Content") else []

    def message(self, openid: str, msg_type: str, msg_id: int | None = None, **fields: Any) -> dict[str, Any]:
        """The fields of a user message (MsgId and CreateTime filled in)."""
        return {"ToUserName": ACCOUNT, "FromUserName": openid, "CreateTime": next(self._clock),
                "MsgType": msg_type, **fields, "MsgId": msg_id if msg_id is not None else next(_ids)}

    def send(self, fields: dict[str, Any]) -> list[str]:
        """POST any fields and decode the reply."""
        return self.decode(self.post(fields))

    def send_text(self, openid: str, text: str, *, msg_id: int | None = None) -> list[str]:
        """A text message; the passive reply texts."""
        return self.send(self.message(openid, "text", msg_id, Content=text))

    def send_voice(self, openid: str, recognition: str | None, *, msg_id: int | None = None) -> list[str]:
        """A voice message with (or without) WeChat's speech recognition result."""
        extra = {"MediaId": "media-1", "Format": "amr"}
        if recognition is not None:
            extra["Recognition"] = recognition
        return self.send(self.message(openid, "voice", msg_id, **extra))

    def send_event(self, openid: str, event: str, key: str | None = None, **extra: Any) -> list[str]:
        """An event (subscribe, unsubscribe, CLICK, VIEW, SCAN, …); ``extra`` adds raw fields."""
        fields = {"ToUserName": ACCOUNT, "FromUserName": openid, "CreateTime": next(self._clock),
                  "MsgType": "event", "Event": event}
        if key is not None:
            fields["EventKey"] = key
        return self.send({**fields, **extra})

    def click(self, openid: str, key: str) -> list[str]:
        """A menu CLICK with ``key``."""
        return self.send_event(openid, "CLICK", key)

    def drain(self, timeout: float = 120.0) -> None:
        """Wait until background answers (pushes) have finished (generous: the first message of a cold process
        loads the embedder and knowledge base, which takes far longer on a loaded two-core test machine)."""
        pipeline = self.http.app.state.pipeline  # type: ignore[attr-defined]
        assert pipeline.drain(timeout), "pipeline workers still running"

    def pushes(self, openid: str | None = None) -> list[str]:
        """Customer-service texts the fake WeChat API accepted (after ``drain``)."""
        assert self.fake is not None, "no fake WeChat API attached"
        return self.fake.texts(openid)


def _prp() -> Any:
    """wechatpy's AES message cipher class."""
    from wechatpy.crypto import PrpCrypto

    return PrpCrypto


@contextmanager
def simulate(services: Any, *, app_factory: Callable[[Any], Any], mode: str = "plain",
             fake: FakeWeChat | None = None) -> Iterator[Simulator]:
    """The app ``app_factory(services)``, a fake WeChat API it pushes to, and a client that talks to it."""
    owned = fake is None
    fake = fake or FakeWeChat().start()
    services.settings.wechat_api_base = fake.base_url
    if mode != "plain" and len(services.settings.wechat_aes_key) != 43:
        services.settings.wechat_aes_key = new_aes_key()
    try:
        with TestClient(app_factory(services)) as http:
            client = Simulator(http, services, mode=mode, fake=fake)
            yield client
            client.drain()
    finally:
        if owned:
            fake.stop()
