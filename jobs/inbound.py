"""The recovery job: answer deliveries whose worker died mid-answer and for which no retry came."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.chat.pipeline import Pipeline

if TYPE_CHECKING:
    from bot.container import Container


def recover_inbound(*, container: Container, now: datetime) -> int:
    """Take over unanswered deliveries whose lease ran out, answer and push them; returns how many."""
    pipeline = Pipeline(container)
    taken = pipeline.recover()
    pipeline.close()  # deliver, then let the pool's threads end
    return taken
