"""The capability list is the dispatch order."""

from __future__ import annotations

from handlers.registry import build_router


def test_routes_run_in_the_order_of_the_registry() -> None:
    assert build_router().names == [
        "drafts.expired", "menu", "handoff-rating", "handoff-resume", "handoff", "handoff-open", "account", "match-answer",
        "match-mine", "events", "subscriptions", "demand-offer", "intent", "demand", "achievement", "policy-more", "policy", "fallback",
    ]
