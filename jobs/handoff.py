"""Hand-off job: tell staff openids (``KC_HANDOFF_STAFF_OPENIDS``) of new 转人工 requests."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain.handoff import alert_staff

if TYPE_CHECKING:
    from bot.container import Container


def handoff_alerts(*, container: Container, now: datetime) -> int:
    """Queue one message per staff openid for each request not alerted yet; returns how many requests."""
    openids = container.settings.handoff_staff_openids
    if not openids:
        return 0
    with container.db.session() as session:
        return alert_staff(session, openids=openids, now=now)
