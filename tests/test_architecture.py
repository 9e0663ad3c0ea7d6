"""An import scan of the tree, independent of the import-linter contracts: layers, cycles, loose modules."""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
UNITS = ("bot.web", "bot.chat", "bot.wechat", "bot.store", "bot.domain", "bot.data", "bot.cli", "bot.texts",
         "bot.settings", "bot.container", "bot.clock", "handlers.kit", "handlers", "jobs", "knowledge")
# unit → units it must never import (directly or through other modules)
NEVER = {
    "knowledge": {"bot", "handlers", "jobs"},
    "bot.domain": {"bot.web", "bot.chat", "bot.wechat", "bot.cli", "bot.container", "handlers", "jobs"},
    "bot.store": {"bot.domain", "bot.web", "bot.chat", "bot.wechat", "bot.cli", "bot.container", "handlers", "jobs"},
    "bot.wechat": {"bot.domain", "bot.web", "bot.chat", "bot.cli", "bot.container", "handlers", "jobs"},
    "bot.texts": {"bot.store", "bot.domain", "bot.web", "bot.chat", "bot.wechat", "handlers", "jobs"},
}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    """The project's import graph without ``if TYPE_CHECKING:`` imports."""
    return grimp.build_graph("bot", "handlers", "jobs", "knowledge", include_external_packages=True,
                             exclude_type_checking_imports=True)


def unit_of(module: str) -> str:
    """The layer unit a module belongs to (the longest matching prefix)."""
    for unit in sorted(UNITS, key=len, reverse=True):
        if module == unit or module.startswith(unit + "."):
            return unit
    return module.split(".")[0]


def unit_graph(graph: grimp.ImportGraph) -> dict[str, set[str]]:
    """Direct imports collapsed to units (self-imports dropped)."""
    edges: dict[str, set[str]] = {}
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            a, b = unit_of(module), unit_of(imported)
            if a != b and b.split(".")[0] in {"bot", "handlers", "jobs", "knowledge"}:
                edges.setdefault(a, set()).add(b)
    return edges


def _reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    """Units reachable from ``start``."""
    seen, todo = set(), [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _within(module: str, packages: set[str]) -> bool:
    """Whether ``module`` is one of ``packages`` or inside one."""
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_no_cycles_between_units(graph: grimp.ImportGraph) -> None:
    edges = unit_graph(graph)
    cycles = sorted(u for u in edges if u in _reachable(edges, u))
    assert cycles == [], f"units on an import cycle: {cycles}"


def test_layers_never_reach_what_sits_above_them(graph: grimp.ImportGraph) -> None:
    edges = unit_graph(graph)
    broken = {unit: sorted(r for r in _reachable(edges, unit) if _within(r, banned)) for unit, banned in NEVER.items()}
    assert {unit: reached for unit, reached in broken.items() if reached} == {}


def test_handlers_use_no_web_wechat_or_sql(graph: grimp.ImportGraph) -> None:
    bad = {"fastapi", "starlette", "wechatpy", "sqlalchemy", "bot.store", "bot.web", "bot.chat", "bot.wechat",
           "bot.cli", "bot.container", "jobs"}
    offenders = sorted(f"{m} -> {i}" for m in graph.find_descendants("handlers") | {"handlers"}
                       for i in graph.find_modules_directly_imported_by(m) if _within(i, bad))
    assert offenders == []


def test_test_fakes_are_not_imported_by_production_code(graph: grimp.ImportGraph) -> None:
    fakes = graph.find_descendants("bot.wechat.testing") | {"bot.wechat.testing"}
    users = {m for f in fakes for m in graph.find_modules_that_directly_import(f)} - fakes
    assert users <= {"bot.cli.chat"}, users  # `kc chat` is the developer's simulator


def test_bot_has_at_most_six_loose_modules() -> None:
    loose = sorted(p.name for p in (ROOT / "bot").glob("*.py"))
    assert len(loose) <= 6, loose
