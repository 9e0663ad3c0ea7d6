"""Knowledge-base uploads: ingest an uploaded file in the background, with its progress in SQL.

The console starts ``ingest_upload`` in a thread right after the upload commits; the ``kb_uploads`` job
picks up anything left queued or stalled (a worker that stopped), so every upload ends done or failed.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.domain import kbadmin
from knowledge.ingest import IngestError, parse_file

if TYPE_CHECKING:
    from bot.container import Container

log = logging.getLogger(__name__)


def ingest_upload(*, container: Container, upload_id: int) -> str | None:
    """Parse, then store one upload in the knowledge base; returns its final status (None when not claimed)."""
    with container.db.session() as session:
        claimed = kbadmin.claim_upload(session, upload_id=upload_id, now=container.now())
    if claimed is None:
        return None
    filename, content = claimed
    error = None
    try:
        _ingest(container, upload_id, filename, content)
    except IngestError as exc:
        error = kbadmin.failure_reason(exc)
    except Exception:  # the knowledge base failed: the upload is marked failed, the old document stays
        log.exception("ingestion of upload %s failed", upload_id)
        error = "store_failed"
    with container.db.session() as session:
        kbadmin.finish_upload(session, upload_id=upload_id, now=container.now(), error=error)
    return kbadmin.FAILED if error else kbadmin.DONE


def _ingest(container: Container, upload_id: int, filename: str, content: bytes) -> None:
    """Parse first (a bad file changes nothing), then replace the document's chunks."""
    kb = container.kb
    if kb is None:
        raise RuntimeError("this deployment runs without a knowledge base")
    with tempfile.TemporaryDirectory(prefix="kc-upload-") as folder:
        path = Path(folder) / filename
        path.write_bytes(content)
        parsed = parse_file(path)
        with container.db.session() as session:
            kbadmin.mark_indexing(session, upload_id=upload_id, chunks=len(parsed.chunks),
                                  sections=len({c.section for c in parsed.chunks}), now=container.now())
        report = kb.ingest([path])
        if report.skipped:
            raise IngestError(report.skipped[0][1])


def kb_uploads(*, container: Container, now: datetime) -> int:
    """Ingest uploads left queued or stalled; returns how many were run."""
    with container.db.session() as session:
        waiting = kbadmin.claimable_uploads(session, now=now)
    return sum(ingest_upload(container=container, upload_id=upload_id) is not None for upload_id in waiting)
