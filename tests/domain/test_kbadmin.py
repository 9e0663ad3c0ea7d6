"""Knowledge-base administration: background ingestion with progress, bad files change nothing, re-upload
replaces, the document list, removal, 试问, and the grouped 未答问题 list."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import Clock
from bot.container import Container
from bot.domain import kbadmin, unanswered
from bot.store.engine import Database
from bot.store.models import AuditLog, KbUpload
from jobs.kb_uploads import ingest_upload, kb_uploads
from tests.support.env import call, make_settings

NOW = datetime(2031, 5, 4, 2, 0, tzinfo=UTC)
POLICY_V1 = """# 十堰市青年人才驿站管理办法

## 一、入住条件
来十堰求职的高校毕业生可以免费入住青年人才驿站，最长入住 14 天。

## 二、申请方式
通过"十堰人才"公众号在线申请，审核通过后凭身份证办理入住。
"""
POLICY_V2 = POLICY_V1.replace("最长入住 14 天", "最长入住 21 天")


@pytest.fixture
def svc(tmp_path: Path) -> Iterator[Container]:
    db = Database(f"sqlite:///{tmp_path / 'kc.sqlite3'}")
    db.migrate()
    container = Container(make_settings(tmp_path / "data", embedding_model="none"), db, clock=Clock(NOW))
    yield container
    container.close()


def _upload(svc: Container, name: str, content: bytes) -> int:
    return call(svc.db, kbadmin.start_upload, filename=name, content=content, actor="admin", now=NOW)


def _status(svc: Container, upload_id: int) -> kbadmin.UploadView:
    return call(svc.db, kbadmin.upload, upload_id=upload_id)


def test_upload_is_ingested_in_the_background_and_answered(svc: Container) -> None:
    upload_id = _upload(svc, "../../shiyan_station.md", POLICY_V1.encode())
    assert _status(svc, upload_id).status == "queued"
    assert ingest_upload(container=svc, upload_id=upload_id) == "done"
    assert ingest_upload(container=svc, upload_id=upload_id) is None  # done once
    done = _status(svc, upload_id)
    assert (done.filename, done.doc, done.progress, done.sections) == ("shiyan_station.md", "shiyan_station", 100, 2)
    assert svc.kb is not None
    (doc,) = kbadmin.documents(svc.kb)
    assert doc.doc == "shiyan_station" and doc.chunks >= 2 and doc.sections == ("一、入住条件", "二、申请方式")
    trial = kbadmin.trial(svc.kb, question="十堰青年人才驿站最长能住几天", home_city="十堰")
    assert trial.answered and "14 天" in trial.answer and trial.sources[0].doc == "shiyan_station"
    assert kbadmin.trial(svc.kb, question="比特币现在还能买吗").declined


def test_a_bad_file_fails_clearly_and_changes_nothing_and_a_reupload_replaces(svc: Container) -> None:
    assert svc.kb is not None
    assert kb_uploads(container=svc, now=NOW) == 0
    ingest_upload(container=svc, upload_id=_upload(svc, "station.md", POLICY_V1.encode()))
    broken = _upload(svc, "station.pdf", b"%PDF-1.4 this is not really a pdf")
    assert kb_uploads(container=svc, now=NOW) == 1  # the job picks up what no thread ran
    failed = _status(svc, broken)
    assert (failed.status, failed.error) == ("failed", "unreadable")
    assert [d.doc for d in kbadmin.documents(svc.kb)] == ["station"]
    assert "14 天" in kbadmin.trial(svc.kb, question="青年人才驿站最长入住几天", home_city="十堰").answer
    with pytest.raises(kbadmin.UploadRefused) as refused:
        _upload(svc, "setup.exe", b"MZ...")
    assert refused.value.reason == "unsupported"
    with pytest.raises(kbadmin.UploadRefused):
        _upload(svc, "empty.txt", b"")
    ingest_upload(container=svc, upload_id=_upload(svc, "station.md", POLICY_V2.encode()))
    assert [d.doc for d in kbadmin.documents(svc.kb)] == ["station"]
    assert "21 天" in kbadmin.trial(svc.kb, question="青年人才驿站最长入住几天", home_city="十堰").answer
    call(svc.db, kbadmin.remove_document, kb=svc.kb, doc="station", actor="admin", now=NOW)
    assert kbadmin.documents(svc.kb) == []
    with pytest.raises(kbadmin.DocumentNotFound):
        call(svc.db, kbadmin.remove_document, kb=svc.kb, doc="station", actor="admin", now=NOW)


def test_unanswered_questions_are_kept_and_grouped_by_similarity(svc: Container) -> None:
    asked = [("加计扣除怎么申报", False, 0.1), ("加计扣除什么时候申报", False, 0.2), ("研发费用加计扣除怎么申报呢", True, 0.6),
             ("比特币能买吗", False, 0.0), ("人才公寓租金多少", True, 0.95)]
    for i, (question, answered, confidence) in enumerate(asked):
        call(svc.db, unanswered.record, appid="wx", openid=f"u{i}", question=question, answered=answered,
             confidence=confidence, now=NOW + timedelta(minutes=i))
    with svc.db.session() as s:
        groups = unanswered.open_groups(s, appid="wx")
    assert [(g.title, g.count, g.declined) for g in groups] == [("加计扣除怎么申报", 3, 2), ("比特币能买吗", 1, 1)]
    assert call(svc.db, unanswered.resolve, appid="wx", ids=groups[0].ids, staff="admin", now=NOW) == 3
    with svc.db.session() as s:
        assert [g.title for g in unanswered.open_groups(s, appid="wx")] == ["比特币能买吗"]


def test_an_upload_is_claimed_once_and_its_file_dropped_when_done(any_db: Database) -> None:
    upload_id = call(any_db, kbadmin.start_upload, filename="政策.docx", content=b"PK\x03\x04 bytes", actor="admin",
                     now=NOW)
    assert call(any_db, kbadmin.claimable_uploads, now=NOW) == [upload_id]
    assert call(any_db, kbadmin.claim_upload, upload_id=upload_id, now=NOW) == ("政策.docx", b"PK\x03\x04 bytes")
    assert call(any_db, kbadmin.claim_upload, upload_id=upload_id, now=NOW) is None  # another worker loses
    assert call(any_db, kbadmin.claimable_uploads, now=NOW + timedelta(hours=4)) == [upload_id]  # stalled: again
    call(any_db, kbadmin.finish_upload, upload_id=upload_id, now=NOW, error="unreadable")
    assert call(any_db, kbadmin.claimable_uploads, now=NOW + timedelta(hours=4)) == []
    with any_db.session() as s:
        row = s.get(KbUpload, upload_id)
        assert row is not None and (row.status, row.error, row.content) == ("failed", "unreadable", None)


def test_a_superseded_document_is_retired_kept_listed_and_never_answered_from(svc: Container) -> None:
    assert svc.kb is not None
    old = POLICY_V1.replace("# 十堰市青年人才驿站管理办法", "# 十堰市青年人才驿站管理办法（2025年版）")
    new = POLICY_V2.replace("# 十堰市青年人才驿站管理办法", "# 十堰市青年人才驿站管理办法（2027年版）")
    ingest_upload(container=svc, upload_id=_upload(svc, "station_2025.md", old.encode()))
    ingest_upload(container=svc, upload_id=_upload(svc, "station_2027.md", new.encode()))
    listed = {d.doc: d for d in kbadmin.documents(svc.kb)}
    assert (listed["station_2025"].edition, listed["station_2027"].edition) == (2025, 2027)
    assert listed["station_2025"].alike == ("station_2027",) and listed["station_2027"].alike == ("station_2025",)
    call(svc.db, kbadmin.retire_document, kb=svc.kb, doc="station_2025", retired=True, actor="admin", now=NOW)
    listed = {d.doc: d for d in kbadmin.documents(svc.kb)}
    assert listed["station_2025"].retired and not listed["station_2027"].retired and listed["station_2027"].alike == ()
    for _ in range(3):
        trial = kbadmin.trial(svc.kb, question="青年人才驿站最长入住几天", home_city="十堰")
        assert "21 天" in trial.answer and "14 天" not in trial.answer
        assert all(s.doc == "station_2027" for s in (*trial.sources, *trial.candidates))
    call(svc.db, kbadmin.retire_document, kb=svc.kb, doc="station_2027", retired=True, actor="admin", now=NOW)
    assert kbadmin.trial(svc.kb, question="青年人才驿站最长入住几天", home_city="十堰").declined
    ingest_upload(container=svc, upload_id=_upload(svc, "station_2027.md", new.encode()))  # a re-upload is in use
    assert not {d.doc: d for d in kbadmin.documents(svc.kb)}["station_2027"].retired
    with pytest.raises(kbadmin.DocumentNotFound):
        call(svc.db, kbadmin.retire_document, kb=svc.kb, doc="nothing", retired=True, actor="admin", now=NOW)
    with svc.db.session() as s:
        assert s.scalars(select(AuditLog.action).where(AuditLog.entity_id == "station_2025")).all() == ["kb.retire"]
