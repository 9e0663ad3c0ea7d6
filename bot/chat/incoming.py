"""Turn a parsed WeChat message dict into the handlers' typed ``Incoming`` and its dedup key."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from handlers.kit.base import Incoming

KINDS = {"text", "voice", "image", "location", "link", "video", "shortvideo", "event"}
_MAX_KEY = 200


def _str(fields: dict[str, Any], name: str) -> str:
    """A scalar field as a string ('' when missing or nested)."""
    value = fields.get(name)
    return value if isinstance(value, str) else ""


def created_at(fields: dict[str, Any], received: datetime) -> datetime:
    """``CreateTime`` as an aware datetime (``received`` when missing or malformed)."""
    try:
        return datetime.fromtimestamp(int(_str(fields, "CreateTime")), UTC)
    except ValueError:
        return received


def _kind_and_text(fields: dict[str, Any]) -> tuple[str, str]:
    """The message kind and the user's words; recognised voice counts as text."""
    msg_type = _str(fields, "MsgType").lower()
    if msg_type == "text":
        return "text", _str(fields, "Content")
    if msg_type == "voice" and _str(fields, "Recognition").strip():
        return "text", _str(fields, "Recognition").strip()
    if msg_type == "shortvideo":
        return "video", ""
    return (msg_type if msg_type in KINDS else "unknown"), ""


def to_incoming(fields: dict[str, Any], *, appid: str, received: datetime) -> Incoming:
    """Build the typed message handlers receive; unknown types become kind ``unknown``."""
    kind, text = _kind_and_text(fields)
    event = (_str(fields, "Event").lower() or None) if kind == "event" else None
    return Incoming(
        appid=appid,
        openid=_str(fields, "FromUserName"),
        kind=kind,
        text=text,
        event=event,
        event_key=_str(fields, "EventKey") or None,
        msg_id=_str(fields, "MsgId") or _str(fields, "MsgID") or None,
        created_at=created_at(fields, received),
        grants=_grants(fields),
        original_kind=_str(fields, "MsgType").lower() or "unknown",
    )


GRANT_FIELDS = ("SubscribeMsgPopupEvent", "SubscribeMsgChangeEvent")  # subscribe-message popup / settings change


def _as_list(value: Any) -> list[Any]:
    """WeChat's repeated ``<List>`` parses as a dict for one item and a list for several."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _grants(fields: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """(template id, accept|reject) decisions carried by a subscribe-message event."""
    payload: dict[str, Any] = next((fields[n] for n in GRANT_FIELDS if isinstance(fields.get(n), dict)), {})
    items = [i for i in _as_list(payload.get("List")) if isinstance(i, dict)]
    return tuple((str(i.get("TemplateId") or ""), str(i.get("SubscribeStatusString", "")).lower()) for i in items)


def dedup_key(fields: dict[str, Any]) -> str:
    """Sender+MsgId for messages; sender+CreateTime+Event(+EventKey) for events.

    The sender is part of every key: a MsgId that another user's message happens to share (a platform slip,
    a proxy, a test harness) must never hand one user the reply stored for another.
    """
    sender = _str(fields, "FromUserName")
    if _str(fields, "MsgType").lower() != "event" and _str(fields, "MsgId"):
        key = f"msg:{sender}:{_str(fields, 'MsgId')}"
    else:
        key = "evt:" + ":".join([sender, *(_str(fields, n) for n in ("CreateTime", "Event", "EventKey"))])
    if len(key) > _MAX_KEY:
        key = key[:100] + ":" + hashlib.sha256(key.encode("utf-8")).hexdigest()
    return key
