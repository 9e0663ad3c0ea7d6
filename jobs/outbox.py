"""The outbox job: send the pushes that are due."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.wechat.sender import Dispatcher

if TYPE_CHECKING:
    from bot.container import Container


def outbox_dispatch(*, container: Container, now: datetime) -> dict[str, Any]:
    """Send due outbox rows (channel choice, quiet hours, daily cap, retries); the counts per outcome."""
    return Dispatcher(container).run(now).as_dict()
