"""The chat capabilities, in an explicit list; each module registers its handlers on the router.

Each module exposes ``register(router: Router) -> None`` which calls ``router.add(name, fn, order=...)``
and, for multi-turn flows, ``router.add_flow(flow, fn)``. Orders: expired-draft notice 5, menu/events from
WeChat 10, account & privacy 20, match replies 30, events 40, demand 50, achievement 60, policy Q&A 95–100
(the last fallback for text), "not understood" 1000. Adding a capability = one module, its test, one line here.
"""

from __future__ import annotations

from types import ModuleType

from handlers import account, achievement, demand, events, matches, menu, policy
from handlers.kit.base import Router

MODULES: tuple[ModuleType, ...] = (menu, account, matches, events, demand, achievement, policy)


def build_router(modules: tuple[ModuleType, ...] = MODULES) -> Router:
    """A router with every capability module's handlers registered."""
    router = Router()
    for module in modules:
        module.register(router)
    return router
