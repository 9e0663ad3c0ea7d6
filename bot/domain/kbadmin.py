"""Knowledge-base administration (the console's 知识库): uploads ingested in the background, the document list,
removal and a 试问 box that shows what the bot would answer.

An upload is a ``kb_uploads`` row holding the file until it is ingested, so whichever worker runs the
ingestion (``jobs/kb_uploads.py``) can read it; its status moves queued → parsing → indexing → done, or
failed with a reason code. A file that cannot be parsed changes nothing in the knowledge base. Uploading a
file with the same name replaces that document.
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path, PurePath

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.domain import audit
from bot.domain.errors import Invalid, NotFound
from bot.store.models import KbUpload
from bot.store.sql import rowcount
from knowledge.editions import same_programme
from knowledge.ingest import SUPPORTED_SUFFIXES, IngestError, parse_file
from knowledge.kb import DocInfo, KnowledgeBase

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
STALE_RUN = timedelta(hours=3)  # an ingestion running this long died with its worker (big PDFs take long): run again
QUEUED, PARSING, INDEXING, DONE, FAILED = "queued", "parsing", "indexing", "done", "failed"
RUNNING = (PARSING, INDEXING)
_UNSAFE = re.compile(r"[\x00-\x1f/\\:*?\"<>|]+")
Sessions = Callable[[], AbstractContextManager[Session]]
log = logging.getLogger(__name__)


class UploadRefused(Invalid):
    """A file refused before ingestion; ``reason``: unsupported | empty | too_large | bad_name."""

    def __init__(self, reason: str, **facts: object) -> None:
        super().__init__(f"upload refused: {reason}", **facts)
        self.reason = reason


class DocumentNotFound(NotFound):
    """No such document in the knowledge base."""


@dataclass(frozen=True)
class UploadView:
    """An upload and its progress."""

    id: int
    filename: str
    doc: str
    status: str
    progress: int
    chunks: int | None
    sections: int | None
    error: str | None
    actor: str
    created_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class DocumentView:
    """A stored document: title, city, its sections and chunk count, edition year, whether it is retired, and the
    documents in use of its city whose titles name the same programme (maybe an older or newer version)."""

    doc: str
    title: str
    city: str
    chunks: int
    sections: tuple[str, ...]
    edition: int | None = None
    retired: bool = False
    alike: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrialSource:
    """A passage the answer (or the search) found, with its score."""

    doc: str
    title: str
    section: str
    score: float


@dataclass(frozen=True)
class Trial:
    """What the bot would reply to a question, why, and whether it would decline."""

    question: str
    answered: bool
    answer: str
    confidence: float
    sources: tuple[TrialSource, ...]
    candidates: tuple[TrialSource, ...]

    @property
    def declined(self) -> bool:
        """Whether the bot would decline (and offer 转人工)."""
        return not self.answered


def safe_name(filename: str) -> str:
    """The file's base name with path parts and control characters removed."""
    name = _UNSAFE.sub("_", PurePath(filename.replace("\\", "/")).name).strip(" .")
    return name[:200]


def _check(filename: str, content: bytes) -> str:
    """The safe file name of an acceptable upload, else ``UploadRefused``."""
    name = safe_name(filename)
    stem, suffix = PurePath(name).stem, PurePath(name).suffix.lower()
    if not stem:
        raise UploadRefused("bad_name")
    if suffix not in SUPPORTED_SUFFIXES:
        raise UploadRefused("unsupported", suffix=suffix, supported=SUPPORTED_SUFFIXES)
    if not content:
        raise UploadRefused("empty")
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadRefused("too_large", limit=MAX_UPLOAD_BYTES)
    return name


def start_upload(session: Session, *, filename: str, content: bytes, actor: str, now: datetime,
                 source: str | None = None) -> int:
    """Queue an upload for ingestion (refused at once when the type, size or name is wrong); its id."""
    name = _check(filename, content)
    row = KbUpload(filename=name, doc=PurePath(name).stem, status=QUEUED, progress=0, content=content,
                   actor=actor, created_at=now)
    session.add(row)
    session.flush()
    audit.record(session, appid=None, actor=actor, action="kb.upload", entity="kb_upload", entity_id=str(row.id),
                 now=now, source=source, filename=name, size=len(content))
    return row.id


def claim_upload(session: Session, *, upload_id: int, now: datetime) -> tuple[str, bytes] | None:
    """Take a queued (or stalled) upload for ingestion: (file name, content), or None when taken or done."""
    claimable = or_(KbUpload.status == QUEUED, (KbUpload.status.in_(RUNNING)) & (KbUpload.started_at < now - STALE_RUN))
    won = rowcount(session.execute(update(KbUpload).where(KbUpload.id == upload_id, claimable).values(
        status=PARSING, progress=10, started_at=now, error=None)))
    row = session.get(KbUpload, upload_id) if won else None
    return (row.filename, row.content or b"") if row is not None else None


def claimable_uploads(session: Session, *, now: datetime) -> list[int]:
    """Uploads waiting for a worker: queued, or running but silent for ``STALE_RUN``."""
    return list(session.scalars(select(KbUpload.id).where(or_(
        KbUpload.status == QUEUED, KbUpload.status.in_(RUNNING) & (KbUpload.started_at < now - STALE_RUN)))
        .order_by(KbUpload.id)))


def mark_indexing(session: Session, *, upload_id: int, chunks: int, sections: int, now: datetime) -> None:
    """The file parsed: its chunks are being embedded and stored."""
    session.execute(update(KbUpload).where(KbUpload.id == upload_id).values(
        status=INDEXING, progress=40, chunks=chunks, sections=sections, started_at=now))


def finish_upload(session: Session, *, upload_id: int, now: datetime, error: str | None = None) -> None:
    """Record the outcome (``error``: a reason code) and drop the stored file."""
    values = {"status": FAILED, "error": error} if error else {"status": DONE, "progress": 100}
    session.execute(update(KbUpload).where(KbUpload.id == upload_id).values(content=None, finished_at=now, **values))


def failure_reason(exc: IngestError) -> str:
    """A reason code for a parse failure: unsupported | empty | unreadable."""
    message = str(exc)
    if message.startswith("unsupported"):
        return "unsupported"
    return "empty" if message.startswith("no text") else "unreadable"


def _upload_view(r: KbUpload) -> UploadView:
    """A detached view of an upload row."""
    return UploadView(r.id, r.filename, r.doc, r.status, r.progress, r.chunks, r.sections, r.error, r.actor,
                      r.created_at, r.finished_at)


def uploads(session: Session, *, limit: int = 20) -> list[UploadView]:
    """The latest uploads, newest first."""
    return [_upload_view(r) for r in session.scalars(select(KbUpload).order_by(KbUpload.id.desc()).limit(limit))]


def upload(session: Session, *, upload_id: int) -> UploadView:
    """One upload's progress (``NotFound`` when unknown)."""
    row = session.get(KbUpload, upload_id)
    if row is None:
        raise NotFound(f"upload {upload_id} not found", upload_id=upload_id)
    return _upload_view(row)


def documents(kb: KnowledgeBase) -> list[DocumentView]:
    """Stored documents with their sections (in order), chunk counts, editions and look-alike documents."""
    index, infos = kb.index(), kb.list_docs()
    titles, out = [i.title for i in infos], []
    for info in infos:
        sections = tuple(dict.fromkeys(c.section for c in index.doc_chunks(info.doc) if c.section))
        alike = tuple(other.doc for other in infos if _alike(info, other, titles))
        out.append(DocumentView(info.doc, info.title, info.city, info.chunks, sections, info.edition, info.retired,
                                alike))
    return out


def _alike(info: DocInfo, other: DocInfo, titles: list[str]) -> bool:
    """Whether ``other`` (in use, same city) names the same programme as ``info`` in its title."""
    if other.doc == info.doc or other.retired or other.city != info.city:
        return False
    return same_programme(info.title, other.title, titles)


def retire_document(session: Session, *, kb: KnowledgeBase, doc: str, retired: bool, actor: str, now: datetime,
                    source: str | None = None) -> None:
    """停用 (or 启用) a document: kept and listed, never answered from (audited); ``DocumentNotFound`` when absent."""
    if not kb.retire(doc, retired):
        raise DocumentNotFound(f"document {doc} not found", doc=doc)
    audit.record(session, appid=None, actor=actor, action="kb.retire" if retired else "kb.restore",
                 entity="kb_document", entity_id=doc[:64], now=now, source=source)


def remove_document(session: Session, *, kb: KnowledgeBase, doc: str, actor: str, now: datetime,
                    source: str | None = None) -> None:
    """Remove a document from the knowledge base (audited); ``DocumentNotFound`` when absent."""
    if not kb.remove(doc):
        raise DocumentNotFound(f"document {doc} not found", doc=doc)
    audit.record(session, appid=None, actor=actor, action="kb.remove", entity="kb_document", entity_id=doc[:64],
                 now=now, source=source)


def trial(kb: KnowledgeBase, *, question: str, home_city: str | None = None) -> Trial:
    """Ask as a user would: the answer, its sources and scores, the search's candidates, declined or not."""
    text = question.strip()
    if not text:
        raise Invalid("empty question")
    found = kb.retrieve(text, home_city=home_city)
    answer = kb.respond(found)
    sources = tuple(TrialSource(s.doc, s.title, s.section, s.score) for s in answer.sources)
    candidates = tuple(TrialSource(h.chunk.doc, h.chunk.title, h.chunk.section, h.score) for h in found.hits[:5])
    return Trial(text, answer.answered, answer.answer, answer.confidence, sources, candidates)


def ingest_upload(*, sessions: Sessions, kb: KnowledgeBase | None, clock: Callable[[], datetime],
                  upload_id: int) -> str | None:
    """Parse, then store one upload in the knowledge base; its final status (None when another run claimed it).

    Each step commits on its own (the console shows the progress); a file that cannot be parsed, or a knowledge
    base that fails, marks the upload failed and leaves the old document as it was."""
    with sessions() as session:
        claimed = claim_upload(session, upload_id=upload_id, now=clock())
    if claimed is None:
        return None
    error = None
    try:
        _ingest(sessions, kb, clock, upload_id, *claimed)
    except IngestError as exc:
        error = failure_reason(exc)
    except Exception:  # the knowledge base failed: the upload is marked failed, the old document stays
        log.exception("ingestion of upload %s failed", upload_id)
        error = "store_failed"
    with sessions() as session:
        finish_upload(session, upload_id=upload_id, now=clock(), error=error)
    return FAILED if error else DONE


def _ingest(sessions: Sessions, kb: KnowledgeBase | None, clock: Callable[[], datetime], upload_id: int,
            filename: str, content: bytes) -> None:
    """Parse first (a bad file changes nothing), then replace the document's chunks."""
    if kb is None:
        raise RuntimeError("this deployment runs without a knowledge base")
    with tempfile.TemporaryDirectory(prefix="kc-upload-") as folder:
        path = Path(folder) / filename
        path.write_bytes(content)
        parsed = parse_file(path)
        with sessions() as session:
            mark_indexing(session, upload_id=upload_id, chunks=len(parsed.chunks),
                          sections=len({c.section for c in parsed.chunks}), now=clock())
        report = kb.ingest([path])
        if report.skipped:
            raise IngestError(report.skipped[0][1])
