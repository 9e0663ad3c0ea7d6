"""The capability list is the dispatch order."""

from __future__ import annotations

from handlers.registry import build_router


def test_routes_run_in_the_order_of_the_registry() -> None:
    assert build_router().names == [
        "drafts.expired", "menu", "account", "match-answer", "match-mine", "events", "subscriptions", "demand",
        "achievement",
        "policy-more", "policy-handoff", "policy", "fallback",
    ]
