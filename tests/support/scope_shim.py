"""TEMP: a copy of console1's bot.domain.scope.Scope until that branch is merged (to be removed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, true


@dataclass(frozen=True)
class Scope:
    """Region scope."""

    region: str | None = None

    @property
    def prefix(self) -> str | None:
        """Prefix."""
        return self.region.removesuffix("市") if self.region else None

    def allows(self, region: str | None) -> bool:
        """Allows."""
        return self.prefix is None or (region or "").startswith(self.prefix)

    def clause(self, column: Any) -> ColumnElement[bool]:
        """Clause."""
        return true() if self.prefix is None else column.startswith(self.prefix, autoescape=True)


EVERYWHERE = Scope()
