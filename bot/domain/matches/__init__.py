"""Two-way matching use cases (问题库 ↔ 项目库) and the matcher they need, as a ``Protocol``.

``review`` records the matcher's recommendations and alerts each side once; ``lifecycle`` follows a match
from 感兴趣 / 不合适 to the contact release and the liaison's updates; ``index`` keeps the matcher in step
with SQL and with the other processes (the index journal).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from knowledge.matching.journal import Journal


class Hit(Protocol):
    """One ranked record of the other side: its id, a 0–1 score and short reasons."""

    @property
    def id(self) -> str:
        """The other record's id (A… or D…)."""

    @property
    def score(self) -> float:
        """How well it fits, 0–1."""

    @property
    def reasons(self) -> Sequence[str]:
        """Short reasons, best first."""

    @property
    def alertable(self) -> bool:
        """Whether the match is confident enough to push an alert (the matcher's calibrated alert model)."""


class Matching(Protocol):
    """What the use cases need of the matcher (``knowledge.matching.Matcher``)."""

    def index_demands(self, records: list[Any], *, journal: Journal | None = None) -> int:
        """Add or update demands (written to ``journal``); returns how many changed."""

    def index_achievements(self, records: list[Any], *, journal: Journal | None = None) -> int:
        """Add or update achievements (written to ``journal``); returns how many changed."""

    def sync(self, journal: Journal | None = None) -> int:
        """Apply what other processes wrote to ``journal`` since the last sync."""

    def match_demand(self, demand: Any, top: int = 10) -> Sequence[Hit]:
        """Achievements for a demand, best first."""

    def match_achievement(self, achievement: Any, top: int = 10) -> Sequence[Hit]:
        """Demands for an achievement, best first."""
