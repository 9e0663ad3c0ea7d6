"""Alembic environment: migrations run against the URL the caller configured."""

from __future__ import annotations

from alembic import context

from bot.store.engine import make_engine
from bot.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    """Run migrations online against the configured database."""
    url = config.attributes.get("kc_url") or config.get_main_option("sqlalchemy.url")
    connectable = config.attributes.get("connection") or make_engine(str(url))
    if hasattr(connectable, "connect"):
        with connectable.connect() as connection:
            _run(connection)
    else:
        _run(connectable)


def _run(connection: object) -> None:
    """Configure the context on ``connection`` and run the migrations in one transaction."""
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
