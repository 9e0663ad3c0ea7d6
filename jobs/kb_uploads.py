"""Knowledge-base uploads: ingest anything left queued or stalled, with its progress in SQL.

The console starts ``kbadmin.ingest_upload`` in a thread right after the upload commits; this job picks up
anything left queued or stalled (a worker that stopped), so every upload ends done or failed.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain import kbadmin

if TYPE_CHECKING:
    from bot.container import Container


def ingest_upload(*, container: Container, upload_id: int) -> str | None:
    """Ingest one upload with the container's database, knowledge base and clock (see ``kbadmin.ingest_upload``)."""
    return kbadmin.ingest_upload(sessions=container.db.session, kb=container.kb, clock=container.now,
                                 upload_id=upload_id)


def kb_uploads(*, container: Container, now: datetime) -> int:
    """Ingest uploads left queued or stalled; returns how many were run."""
    with container.db.session() as session:
        waiting = kbadmin.claimable_uploads(session, now=now)
    return sum(ingest_upload(container=container, upload_id=upload_id) is not None for upload_id in waiting)
