"""What the conversation just talked about (an event, a demand, an answer, an offer), kept a few hours in its state."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from handlers.kit.base import Context, ConversationState

RECENT_TTL = timedelta(hours=6)


def remember(ctx: Context, conv: ConversationState, kind: str, ident: str = "") -> None:
    """Remember what the conversation just talked about (event, demand, achievement, answer)."""
    conv.data["recent"] = {"kind": kind, "id": ident, "at": ctx.now.isoformat()}


def fresh(ctx: Context, record: object, within: timedelta) -> bool:
    """Whether a state record stamped with ``"at"`` was written at most ``within`` ago (no stamp: not fresh)."""
    stamp = record.get("at") if isinstance(record, dict) else None
    return bool(stamp) and ctx.now - datetime.fromisoformat(str(stamp)) <= within


def recent(ctx: Context, conv: ConversationState, within: timedelta = RECENT_TTL) -> dict[str, Any]:
    """The remembered topic while fresh (remembered at most ``within`` ago), else {}."""
    memo = conv.data.get("recent") or {}
    return dict(memo) if fresh(ctx, memo, within) else {}
