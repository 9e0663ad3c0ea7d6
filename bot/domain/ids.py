"""Human-readable ids (D26, A71, E13) and unguessable check-in codes."""

from __future__ import annotations

import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import Achievement, Counter, Demand, Event, Registration
from bot.store.sql import insert_ignore

PREFIXES: dict[str, tuple[str, type[Demand] | type[Achievement] | type[Event], int]] = {
    "demand": ("D", Demand, 0), "achievement": ("A", Achievement, 0), "event": ("E", Event, 2),  # prefix, rows, digits
}
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the door
CODE_LENGTH = 8


def _max_existing(session: Session, prefix: str, model: type[Demand] | type[Achievement] | type[Event]) -> int:
    """The largest numeric suffix among stored ids like ``D25`` (imports included)."""
    ids = session.scalars(select(model.id).where(model.id.like(f"{prefix}%")))
    numbers = [int(m.group(1)) for i in ids if (m := re.fullmatch(rf"{prefix}(\d+)", i))]
    return max(numbers, default=0)


def next_short_id(session: Session, *, kind: str) -> str:
    """The next short id ('D26') for ``kind``: above both the counter and every stored id."""
    prefix, model, digits = PREFIXES[kind]
    insert_ignore(session, Counter, name=kind, value=0)  # takes SQLite's write lock; no insert race on PostgreSQL
    counter = session.get(Counter, kind, with_for_update=True, populate_existing=True)
    assert counter is not None
    counter.value = max(counter.value, _max_existing(session, prefix, model)) + 1
    session.flush()
    return f"{prefix}{counter.value:0{digits}d}"


def new_checkin_code(session: Session) -> str:
    """A short unguessable check-in code (8 of 32 symbols, 40 bits) not used yet."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.scalar(select(Registration.id).where(Registration.checkin_code == code)) is None:
            return code


def normalise_code(code: str) -> str:
    """Upper-case a typed code and drop spaces and dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())
