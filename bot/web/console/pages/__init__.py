"""Console page modules; each exposes ``router`` (an ``APIRouter`` with prefix ``/console``)."""

from __future__ import annotations

from fastapi import APIRouter

from bot.web.console.pages import (
                                 achievements,
                                 dashboard,
                                 demands,
                                 events,
                                 handoff,
                                 kb,
                                 matches,
                                 outbox,
                                 simulator,
)

ROUTERS: tuple[APIRouter, ...] = (dashboard.router, demands.router, achievements.router, matches.router,
                                 simulator.router, handoff.router, events.router, kb.router, outbox.router)
