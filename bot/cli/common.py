"""Helpers shared by the ``kc`` command groups: services, JSON and table output, clean errors."""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime
from typing import Any, NoReturn

import typer

from bot.container import Container
from bot.settings import ConfigError, get_settings


def setup_logging(verbose: bool = False) -> None:
    """Log to stderr in a compact format."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("alembic", "httpx", "chromadb", "jieba"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def services(*, migrate: bool = True) -> Container:
    """Build the service container from settings, or exit with a readable error."""
    settings = get_settings()
    try:
        settings.check_production()
        return Container.create(settings, migrate=migrate)
    except ConfigError as exc:
        fail(str(exc))


class ProgressBar:
    """A tqdm bar on stderr, opened on the first update once the total is known and large enough."""

    def __init__(self, desc: str, unit: str, *, min_total: int = 200) -> None:
        self.desc, self.unit, self.min_total = desc, unit, min_total
        self._bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        """Show ``done`` of ``total`` (small jobs show nothing)."""
        if total < self.min_total:
            return
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=self.desc, unit=self.unit, file=sys.stderr)
        self._bar.update(done - self._bar.n)

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.close()


def fail(message: str, code: int = 1) -> NoReturn:
    """Print an error in red to stderr and exit non-zero."""
    typer.secho(f"错误：{message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def _default(value: Any) -> Any:
    """JSON encoder for datetimes."""
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_json(data: Any) -> None:
    """Print ``data`` as UTF-8 JSON (Chinese kept readable)."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_default))


def _width(text: str) -> int:
    """Display width: CJK characters count double."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    """Pad ``text`` to ``width`` display columns."""
    return text + " " * max(0, width - _width(text))


def print_table(rows: list[dict[str, Any]], columns: list[str], *, max_cell: int = 24) -> None:
    """Print rows as an aligned plain-text table (CJK-aware)."""
    if not rows:
        typer.echo("（无记录）")
        return
    cells = [[_clip(_cell(row.get(c)), max_cell) for c in columns] for row in rows]
    widths = [max(_width(c), *(_width(r[i]) for r in cells)) for i, c in enumerate(columns)]
    typer.echo("  ".join(_pad(c, w) for c, w in zip(columns, widths, strict=True)))
    for row in cells:
        typer.echo("  ".join(_pad(v, w) for v, w in zip(row, widths, strict=True)))
    typer.echo(f"共 {len(rows)} 条")


def _cell(value: Any) -> str:
    """Render one cell: None as empty, lists joined, times without seconds."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(map(str, value))
    return str(value)


def _clip(text: str, limit: int) -> str:
    """Shorten long cells with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
