"""What the WeChat delivery code needs from the deployment (``bot.container.Container`` provides it)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot.settings import Settings
    from bot.store.engine import Database
    from bot.wechat.api import WeChatGateway


class Deployment(Protocol):
    """Settings, database, clock and the per-account WeChat clients."""

    settings: Settings
    db: Database

    def now(self) -> datetime:
        """The deployment's clock."""
        ...

    def gateway_for(self, appid: str) -> WeChatGateway:
        """The outbound API client of account ``appid``."""
        ...
