"""Regenerate the initial Alembic revision from bot/store/models.py (development only, before the first release)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command

from bot.store.engine import MIGRATIONS_DIR, alembic_config

INITIAL = MIGRATIONS_DIR / "versions" / "0001_initial.py"


def main() -> None:
    """Delete and autogenerate 0001_initial against an empty SQLite database."""
    INITIAL.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        cfg = alembic_config(f"sqlite:///{Path(tmp) / 'empty.sqlite3'}")
        command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001")
    generated = next((MIGRATIONS_DIR / "versions").glob("0001_*.py"))
    generated.rename(INITIAL)
    print(f"wrote {INITIAL}")


if __name__ == "__main__":
    main()
