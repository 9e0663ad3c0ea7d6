"""The ``kc`` command. Each module of this package that defines ``app`` becomes a command group of its name."""

from __future__ import annotations

import importlib
import pkgutil

import typer

from bot.cli import core

app = typer.Typer(
    help="科创助手命令行：启动服务、导入数据、查看问题库/项目库/活动、知识库与匹配。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
core.register(app)


def _add_groups() -> None:
    """Mount every ``bot.cli.<name>`` module exposing ``app`` as ``kc <name>``."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name in {"core", "common"}:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        group = getattr(module, "app", None)
        if isinstance(group, typer.Typer):
            app.add_typer(group, name=info.name.replace("_", "-"))


_add_groups()


def main() -> None:
    """Entry point of the ``kc`` console script."""
    app()
