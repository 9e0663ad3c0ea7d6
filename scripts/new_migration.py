"""Autogenerate the next Alembic revision from bot/store/models.py: ``make migration MSG="what changed"``."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from bot.store.engine import MIGRATIONS_DIR, Database, alembic_config


def main(message: str) -> None:
    """Upgrade an empty SQLite database to head, then write the revision that brings it to the models."""
    versions = sorted((MIGRATIONS_DIR / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
    rev_id = f"{int(versions[-1].name[:4]) + 1:04d}" if versions else "0001"
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'empty.sqlite3'}"
        Database(url).migrate()
        command.revision(alembic_config(url), message=message, autogenerate=True, rev_id=rev_id)
    print(f"wrote revision {rev_id} in {MIGRATIONS_DIR / 'versions'}")


if __name__ == "__main__":
    main(" ".join(sys.argv[1:]) or "schema change")
