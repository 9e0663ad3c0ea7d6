"""WeChat's callback signature: sha1 of the sorted token, timestamp, nonce (and ``Encrypt`` in AES mode)."""

from __future__ import annotations

import hashlib
import hmac
import re

from bot.settings import Settings

# Used as the callback Token in development when KC_WECHAT_TOKEN is unset (e.g. for `kc chat`).
DEV_TOKEN = "kc-dev-token"
_TIMESTAMP = re.compile(r"\d{1,12}")  # seconds; longer strings are refused before int() sees them


def sign(*parts: str) -> str:
    """The hex sha1 of ``parts`` sorted and concatenated, as WeChat computes it."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def valid(signature: str | None, *parts: str) -> bool:
    """Whether ``signature`` matches ``parts`` (constant-time comparison)."""
    return bool(signature) and hmac.compare_digest(sign(*parts), str(signature).lower())


def callback_token(settings: Settings) -> str:
    """The configured Token, or the fixed development token when none is set outside production."""
    if settings.wechat_token:
        return settings.wechat_token
    return DEV_TOKEN if settings.env == "development" else ""


def fresh(timestamp: str | None, now: float, max_skew: float) -> bool:
    """Whether the signed ``timestamp`` (epoch seconds) is within ``max_skew`` seconds of ``now``."""
    if not timestamp or not _TIMESTAMP.fullmatch(timestamp):
        return False
    return abs(int(timestamp) - now) <= max_skew
