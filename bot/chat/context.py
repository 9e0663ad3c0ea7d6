"""Builds the typed ``Context`` a handler receives for one message."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.container import Container
from handlers.kit.base import Context


def make_context(container: Container, session: Session, *, appid: str, now: datetime | None = None,
                 lean: bool = False) -> Context:
    """The context of one message: its transaction, the account, the clock and the lazily built engines.

    ``lean``: the turn runs in the request, and reaching for an engine raises ``NeedsWorker``."""
    return Context(now=now or container.now(), appid=appid, session=session, settings=container.settings,
                   knowledge_source=lambda: container.kb, matching_source=lambda: container.matcher,
                   router=container.router, lean=lean)
