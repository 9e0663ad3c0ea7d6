"""Bounds on inbound message fields, checked before anything downstream sees or stores them.

Identifiers and numbers that are out of shape refuse the whole message (``FieldError`` → 400). Free text
(``Content``, ``Recognition``) longer than ``MAX_TEXT`` characters is truncated for processing instead: a
real user's long paste still gets an answer, and WeChat does not retry it three times.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MAX_TEXT = 8000  # ~24 KB of Chinese: well inside KC_MAX_BODY_BYTES, generous for a pasted description
MAX_NONCE = 64
_DIGITS = re.compile(r"\d+")
# field → longest accepted length (characters); every one of them must be a plain string when present
LIMITS: Mapping[str, int] = {
    "ToUserName": 64,
    "FromUserName": 64,
    "MsgType": 32,
    "Event": 64,
    "EventKey": 256,
    "MsgId": 64,
    "MsgID": 64,
    "CreateTime": 10,  # seconds since 1970: ten digits reach the year 2286, far inside datetime's range
}
NUMERIC = ("MsgId", "MsgID", "CreateTime")
TEXTS = ("Content", "Recognition")


class FieldError(ValueError):
    """A message field is missing, nested where a string belongs, too long or not a number."""


def _check_scalar(fields: Mapping[str, Any], name: str, limit: int) -> None:
    """``name`` is absent or a string of at most ``limit`` characters (digits only for numeric fields)."""
    if name not in fields:
        return
    value = fields[name]
    if not isinstance(value, str):
        raise FieldError(f"{name} must be a single text value")
    if len(value) > limit:
        raise FieldError(f"{name} longer than {limit} characters")
    if name in NUMERIC and not _DIGITS.fullmatch(value):
        raise FieldError(f"{name} must be a non-negative integer of at most {limit} digits")


def _clip_text(value: Any, name: str) -> str:
    """A free-text field as a string of at most ``MAX_TEXT`` characters."""
    if not isinstance(value, str):
        raise FieldError(f"{name} must be a single text value")
    return value[:MAX_TEXT]


def clean_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The message fields checked against ``LIMITS`` with free text clipped; raises ``FieldError``."""
    if not isinstance(fields.get("FromUserName"), str) or not fields["FromUserName"]:
        raise FieldError("message without FromUserName")
    clean = dict(fields)
    for name in fields:  # a message carries a handful of fields: look each up, not every limit in each message
        if name in LIMITS:
            _check_scalar(fields, name, LIMITS[name])
        elif name in TEXTS:
            clean[name] = _clip_text(clean[name], name)
    return clean


def check_nonce(nonce: str) -> None:
    """The ``nonce`` query parameter is present and short enough to be stored."""
    if not nonce or len(nonce) > MAX_NONCE:
        raise FieldError(f"nonce missing or longer than {MAX_NONCE} characters")
