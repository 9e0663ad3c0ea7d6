"""Builds the router from the capability modules, in an explicit order (policy Q&A is the last fallback).

Each module in ``MODULES`` exposes ``register(router: Router) -> None`` which calls ``router.add(name, fn,
order=...)`` and, for multi-turn flows, ``router.add_flow(flow, fn)``. Orders: menu/events-from-WeChat 10,
account & privacy 20, match replies 30, events 40, demand 50, achievement 60, policy Q&A 100.
"""

from __future__ import annotations

import importlib

from handlers.kit.base import Router

MODULES: tuple[str, ...] = ("menu", "account", "matches", "events", "demand", "achievement", "policy")


def build_router(modules: tuple[str, ...] = MODULES) -> Router:
    """Import each capability module that exists and let it register its handlers."""
    router = Router()
    for name in modules:
        try:
            module = importlib.import_module(f"handlers.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"handlers.{name}":
                raise
            continue
        module.register(router)
    return router
