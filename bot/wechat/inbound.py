"""Verify and open an inbound request (plaintext, compatible or safe mode) and seal the reply.

Every request: ``signature`` (token, timestamp, nonce) must match and ``timestamp`` lie within
``KC_WECHAT_MAX_SKEW_SECONDS`` of the caller's clock. A body with an ``Encrypt`` part has its
``msg_signature`` (token, timestamp, nonce, Encrypt) checked and is decrypted with wechatpy; only the decrypted
fields count (plaintext fields beside it, as in compatible mode, are ignored). ``KC_WECHAT_MODE=safe`` refuses
plaintext bodies; ``plain`` still opens an ``Encrypt`` body when an EncodingAESKey is configured (the account was
switched first), else refuses it. Fields are bounded by ``bot.wechat.validate`` before anyone sees them.
Refusal reasons are plain words and never echo request values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.settings import Settings
from bot.wechat.signing import callback_token, fresh, valid
from bot.wechat.validate import FieldError, check_nonce, clean_fields
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


def check_signature(settings: Settings, query: Mapping[str, str], now: float) -> None:
    """Raise 403 unless ``signature`` matches token, timestamp and nonce and the timestamp is fresh."""
    token = callback_token(settings)
    parts = (token, query.get("timestamp", ""), query.get("nonce", ""))
    if not token or not valid(query.get("signature"), *parts):
        raise Refused(403, "signature mismatch")
    if not fresh(query.get("timestamp"), now, settings.wechat_max_skew_seconds):
        raise Refused(403, "timestamp outside the allowed window")


def echo(settings: Settings, query: Mapping[str, str], now: float) -> str:
    """URL verification (GET): the ``echostr`` when the signature is right and fresh."""
    check_signature(settings, query, now)
    return query.get("echostr", "")


def _parse(body: bytes) -> dict[str, Any]:
    """Parse safely or refuse with 400."""
    try:
        return parse_xml(body)
    except XmlError as exc:
        raise Refused(400, f"malformed XML: {exc}") from exc


def _decrypt(settings: Settings, outer: dict[str, Any], query: Mapping[str, str]) -> dict[str, Any]:
    """Check ``msg_signature`` and decrypt the ``Encrypt`` part into message fields."""
    from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException

    encrypt = outer.get("Encrypt")
    if not isinstance(encrypt, str) or not encrypt:
        raise Refused(400, "empty or repeated Encrypt part")
    crypto = _crypto(settings)
    try:
        plain = crypto.decrypt_message(
            {"Encrypt": encrypt}, query.get("msg_signature", ""), query.get("timestamp", ""), query.get("nonce", "")
        )
    except InvalidSignatureException as exc:
        raise Refused(403, "msg_signature mismatch") from exc
    except InvalidAppIdException as exc:
        raise Refused(403, "encrypted for another AppID") from exc
    except Exception as exc:  # noqa: BLE001 - any decoding failure of hostile input is a 400
        raise Refused(400, "undecryptable Encrypt part") from exc
    return _parse(plain.encode("utf-8"))


def _open_body(settings: Settings, outer: dict[str, Any], query: Mapping[str, str]) -> tuple[dict[str, Any], bool]:
    """The message fields and whether they came encrypted, as the configured mode allows."""
    if "Encrypt" in outer:
        return _decrypt(settings, outer, query), True
    if settings.resolved_wechat_mode == "safe":
        raise Refused(403, "plaintext refused in safe mode")
    if query.get("encrypt_type", "raw").lower() == "aes":
        raise Refused(400, "encrypt_type=aes without an Encrypt part")
    return outer, False


def _clean(fields: dict[str, Any], nonce: str) -> dict[str, Any]:
    """The bounded fields (see ``bot.wechat.validate``), or 400."""
    try:
        check_nonce(nonce)
        return clean_fields(fields)
    except FieldError as exc:
        raise Refused(400, str(exc)) from exc


def open_request(settings: Settings, query: Mapping[str, str], body: bytes, *, now: float) -> Envelope:
    """Authenticate, parse and bound a POST body at epoch second ``now``; raises ``Refused`` (400/403/413)."""
    if len(body) > settings.max_body_bytes:
        raise Refused(413, "body too large")
    check_signature(settings, query, now)
    fields, encrypted = _open_body(settings, _parse(body), query)
    nonce = query.get("nonce", "")
    return Envelope(_clean(fields, nonce), encrypted, query.get("timestamp", ""), nonce)


def seal(settings: Settings, envelope: Envelope, reply_xml: str) -> str:
    """The response body: the reply XML, encrypted and signed when the request was."""
    if not envelope.encrypted:
        return reply_xml
    return _crypto(settings).encrypt_message(reply_xml, envelope.nonce or "kcnonce")
