"""Console page modules; each exposes ``router`` (an ``APIRouter`` with prefix ``/console``)."""

from __future__ import annotations

from fastapi import APIRouter

from bot.web.console.pages import achievements, dashboard, demands, matches, simulator

ROUTERS: tuple[APIRouter, ...] = (dashboard.router, demands.router, achievements.router, matches.router,
                                 simulator.router)
