"""Verify and open an inbound request (plaintext, compatible or safe mode) and seal the reply.

``signature`` (token, timestamp, nonce) is checked on every request; in AES mode ``msg_signature``
(token, timestamp, nonce, Encrypt) is checked too and the ``Encrypt`` payload decrypted with wechatpy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.settings import Settings
from bot.wechat.signing import callback_token, valid
from bot.wechat.xmlio import XmlError, parse_xml


class Refused(Exception):
    """The request is refused with an HTTP status before anything is processed."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"{status} {reason}")
        self.status, self.reason = status, reason


@dataclass(frozen=True)
class Envelope:
    """An authenticated inbound message: its fields and how to seal the reply."""

    fields: dict[str, Any]
    encrypted: bool
    timestamp: str
    nonce: str


def _crypto(settings: Settings) -> Any:
    """wechatpy's WeChatCrypto for the configured token, EncodingAESKey and appid."""
    from wechatpy.crypto import WeChatCrypto

    if len(settings.wechat_aes_key) != 43:
        raise Refused(400, "encrypted message but no valid KC_WECHAT_AES_KEY configured")
    return WeChatCrypto(callback_token(settings), settings.wechat_aes_key, settings.appid)


def check_signature(settings: Settings, query: Mapping[str, str]) -> None:
    """Raise 403 unless ``signature`` matches token, timestamp and nonce."""
    token = callback_token(settings)
    parts = (token, query.get("timestamp", ""), query.get("nonce", ""))
    if not token or not valid(query.get("signature"), *parts):
        raise Refused(403, "bad signature")


def echo(settings: Settings, query: Mapping[str, str]) -> str:
    """URL verification (GET): the ``echostr`` when the signature is right."""
    check_signature(settings, query)
    return query.get("echostr", "")


def _parse(body: bytes) -> dict[str, Any]:
    """Parse safely or refuse with 400."""
    try:
        return parse_xml(body)
    except XmlError as exc:
        raise Refused(400, f"malformed XML ({exc})") from exc


def _decrypt(settings: Settings, outer: dict[str, Any], query: Mapping[str, str]) -> dict[str, Any]:
    """Check ``msg_signature`` and decrypt the ``Encrypt`` payload into message fields."""
    from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException

    encrypt = outer.get("Encrypt")
    if not isinstance(encrypt, str) or not encrypt:
        raise Refused(400, "AES mode without Encrypt")
    try:
        plain = _crypto(settings).decrypt_message(
            {"Encrypt": encrypt}, query.get("msg_signature", ""), query.get("timestamp", ""), query.get("nonce", "")
        )
    except (InvalidSignatureException, InvalidAppIdException) as exc:
        raise Refused(403, f"bad msg_signature or appid ({type(exc).__name__})") from exc
    except Refused:
        raise
    except Exception as exc:  # noqa: BLE001 - any decoding failure of hostile input is a 400
        raise Refused(400, f"undecryptable payload ({type(exc).__name__})") from exc
    return _parse(plain.encode("utf-8"))


def open_request(settings: Settings, query: Mapping[str, str], body: bytes) -> Envelope:
    """Authenticate and parse a POST body; raises ``Refused`` (400/403/413)."""
    if len(body) > settings.max_body_bytes:
        raise Refused(413, "body too large")
    check_signature(settings, query)
    fields = _parse(body)
    encrypted = query.get("encrypt_type", "raw").lower() == "aes"
    if encrypted:
        fields = _decrypt(settings, fields, query)
    if not isinstance(fields.get("FromUserName"), str) or not fields["FromUserName"]:
        raise Refused(400, "message without FromUserName")
    return Envelope(fields, encrypted, query.get("timestamp", ""), query.get("nonce", ""))


def seal(settings: Settings, envelope: Envelope, reply_xml: str) -> str:
    """The response body: the reply XML, encrypted and signed when the request was."""
    if not envelope.encrypted:
        return reply_xml
    return _crypto(settings).encrypt_message(reply_xml, envelope.nonce or "kcnonce")
