"""Region scope of a console user: an admin (or a liaison without a region) sees every region, a liaison
with a region sees only records whose region starts with it ("十堰市" covers "十堰市茅箭区")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, true

from bot.domain.errors import NotFound


@dataclass(frozen=True)
class Scope:
    """Which records a console user may see: every region (``region`` None) or one region."""

    region: str | None = None

    @property
    def prefix(self) -> str | None:
        """The prefix a record's region must start with ("十堰市" → "十堰", so "十堰" and "十堰市…" match)."""
        return self.region.removesuffix("市") if self.region else None

    def allows(self, region: str | None) -> bool:
        """Whether a record of ``region`` is inside this scope."""
        return self.prefix is None or (region or "").startswith(self.prefix)

    def clause(self, column: Any) -> ColumnElement[bool]:
        """The SQL condition keeping rows of this scope (``column``: the record's region column)."""
        return true() if self.prefix is None else column.startswith(self.prefix, autoescape=True)

    def check(self, region: str | None, *, entity: str, id: str) -> None:
        """NotFound (as if it did not exist) when a record of ``region`` is outside the scope."""
        if not self.allows(region):
            raise NotFound("outside the caller's region", entity=entity, id=id)


EVERYWHERE = Scope()
