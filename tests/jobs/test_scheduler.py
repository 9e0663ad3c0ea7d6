"""The scheduler lease, the persistent job store and the draft-expiry job."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from bot.cli import app as kc_app
from bot.container import Container
from bot.store.engine import Database
from bot.store.models import Conversation
from handlers.kit.base import ConversationState
from jobs.lease import DbLease
from jobs.registry import JOBS, JobSpec, run_job
from jobs.scheduler import LeaderScheduler

T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
RUNS: list[str] = []
RUNS_LOCK = threading.Lock()


def record_run(*, container: object, now: datetime) -> str:
    """A test job: remember that it ran."""
    with RUNS_LOCK:
        RUNS.append(now.isoformat())
    return "ok"


def test_lease_is_exclusive_until_it_expires(any_db: Database) -> None:
    ttl = timedelta(seconds=30)
    a, b = DbLease(any_db, "scheduler", "a", ttl), DbLease(any_db, "scheduler", "b", ttl)
    assert a.try_acquire(T0) and not b.try_acquire(T0)
    assert a.try_acquire(T0 + timedelta(seconds=20))  # renew
    assert not b.try_acquire(T0 + timedelta(seconds=40))  # renewed until T0+50s
    assert b.try_acquire(T0 + timedelta(seconds=51)) and not a.try_acquire(T0 + timedelta(seconds=52))
    b.release()
    assert a.try_acquire(T0 + timedelta(seconds=53))


def test_concurrent_acquire_has_one_winner(any_db: Database) -> None:
    leases = [DbLease(any_db, "scheduler", f"h{i}", timedelta(seconds=30)) for i in range(8)]
    results: list[bool] = []
    threads = [threading.Thread(target=lambda lease=lease: results.append(lease.try_acquire(T0))) for lease in leases]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 1


def test_only_one_of_two_schedulers_runs_jobs(services: Container) -> None:
    RUNS.clear()
    spec = JobSpec("probe", record_run, {"trigger": "interval", "seconds": 1})
    other = Container(services.settings, Database(services.db.url))
    first = LeaderScheduler(services, specs=(spec,), ttl=timedelta(seconds=30))
    second = LeaderScheduler(other, specs=(spec,), ttl=timedelta(seconds=30))
    try:
        assert first.tick(datetime.now(UTC)) and not second.tick(datetime.now(UTC))
        time.sleep(2.5)
        assert first.is_leader and not second.is_leader
        assert 1 <= len(RUNS) <= 3
    finally:
        first.stop()
        second.stop()
        other.close()


def test_job_store_survives_restart(services: Container) -> None:
    spec = JobSpec("probe", record_run, {"trigger": "interval", "hours": 6})
    first = LeaderScheduler(services, specs=(spec,))
    first.tick(datetime.now(UTC))
    stored = first._scheduler.get_job("probe").next_run_time
    first.stop()
    with services.db.session() as s:
        assert s.execute(text("SELECT id FROM apscheduler_jobs")).scalars().all() == ["probe"]
    second = LeaderScheduler(services, specs=(spec,))
    second.tick(datetime.now(UTC))
    try:
        assert second._scheduler.get_job("probe").next_run_time == stored
    finally:
        second.stop()


def _conversation(services: Container, openid: str, flow: str | None, updated: datetime) -> None:
    state = ConversationState(flow=flow, step="phone", draft={"company": "襄阳某公司"})
    with services.db.session() as s:
        s.add(Conversation(appid="wx_dev", openid=openid, state=state.to_json(), updated_at=updated))


def test_draft_expiry_job_drops_only_old_drafts(services: Container) -> None:
    now = T0 + timedelta(days=30)
    _conversation(services, "old", "demand", now - timedelta(days=8))
    _conversation(services, "fresh", "demand", now - timedelta(days=6))
    assert run_job("draft_expiry", services, now) == 1
    assert run_job("draft_expiry", services, now) == 0
    with services.db.session() as s:
        states = {c.openid: ConversationState.from_json(c.state) for c in s.scalars(select(Conversation))}
    assert states["old"].flow is None and states["old"].draft == {}
    assert states["old"].data["expired_flow"] == "demand"
    assert states["fresh"].flow == "demand" and states["fresh"].draft


def test_every_registered_job_takes_container_and_now() -> None:
    import inspect

    for spec in JOBS:
        params = inspect.signature(spec.fn).parameters
        assert set(params) == {"container", "now"}, spec.name
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params.values()), spec.name


def test_kc_jobs_list_and_run(services: Container, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KC_DATA_DIR", str(services.settings.data_dir))
    runner = CliRunner()
    listed = runner.invoke(kc_app, ["jobs", "list", "--json"])
    assert listed.exit_code == 0 and "draft_expiry" in {j["name"] for j in json.loads(listed.output)}
    ran = runner.invoke(kc_app, ["jobs", "run", "draft_expiry", "--json"])
    assert ran.exit_code == 0 and json.loads(ran.output) == {"job": "draft_expiry", "result": 0}
    bad = runner.invoke(kc_app, ["jobs", "run", "nope"])
    assert bad.exit_code != 0 and "未知任务" in bad.output
