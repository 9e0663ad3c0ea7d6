"""The single scheduler: APScheduler 3 with a SQLAlchemy job store, run only by the lease holder.

Every ``kc serve`` process starts a ``LeaderScheduler``; a background thread keeps trying to take the
``scheduler`` lease. The holder runs APScheduler; the others stand by and take over when the lease expires.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from jobs.lease import DbLease, holder_id
from jobs.registry import JOBS, JobSpec

if TYPE_CHECKING:
    from bot.container import Container

log = logging.getLogger(__name__)

LEASE_NAME = "scheduler"
_container: Container | None = None  # the leading scheduler's container, used by jobs fired from the job store
_specs: dict[str, JobSpec] = {}


def execute(name: str) -> Any:
    """Run job ``name`` with the leading scheduler's container, at its clock's now."""
    if _container is None or name not in _specs:
        raise RuntimeError(f"job {name} fired but this process runs no scheduler for it")
    return _specs[name].fn(container=_container, now=_container.now())


class LeaderScheduler:
    """Runs the APScheduler instance while this process holds the lease."""

    def __init__(self, container: Container, *, ttl: timedelta = timedelta(seconds=60), specs: tuple[JobSpec, ...] = JOBS):
        self.container, self.specs = container, specs
        self.lease = DbLease(container.db, LEASE_NAME, holder_id(), ttl)
        self._scheduler: Any = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def is_leader(self) -> bool:
        """Whether this process currently runs the scheduler."""
        return self._scheduler is not None

    def start(self) -> None:
        """Start the lease loop in a daemon thread."""
        self._thread = threading.Thread(target=self._loop, name="kc-scheduler-lease", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        """Acquire/renew the lease every ttl/3; start or stop APScheduler accordingly."""
        interval = self.lease.ttl.total_seconds() / 3
        while not self._stop.is_set():
            self.tick(self.container.now())
            self._stop.wait(interval)

    def tick(self, now: datetime) -> bool:
        """One lease round; returns whether we lead afterwards."""
        try:
            leading = self.lease.try_acquire(now)
        except Exception:  # a database hiccup must not kill the loop
            log.exception("scheduler lease check failed")
            leading = False
        if leading and self._scheduler is None:
            self._start_scheduler()
        elif not leading and self._scheduler is not None:
            self._stop_scheduler()
        return leading

    def _start_scheduler(self) -> None:
        """Create APScheduler on the persistent job store and (re)register the jobs."""
        global _container
        from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
        from apscheduler.schedulers.background import BackgroundScheduler

        store = SQLAlchemyJobStore(engine=self.container.db.engine, tablename="apscheduler_jobs")
        scheduler = BackgroundScheduler(
            jobstores={"default": store},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
            timezone=self.container.settings.timezone,
        )
        _container = self.container
        _specs.update({spec.name: spec for spec in self.specs})
        scheduler.start(paused=True)
        for spec in self.specs:
            sync_job(scheduler, spec)
        scheduler.resume()
        self._scheduler = scheduler
        log.info("this process now runs the scheduler (%s)", self.lease.holder)

    def _stop_scheduler(self) -> None:
        """Stop APScheduler (lease lost or shutting down)."""
        self._scheduler.shutdown(wait=False)
        self._scheduler = None
        log.info("scheduler stopped on %s", self.lease.holder)

    def stop(self) -> None:
        """Stop the loop, the scheduler and release the lease."""
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        if self._scheduler is not None:
            self._stop_scheduler()
        self.lease.release()


def sync_job(scheduler: Any, spec: JobSpec) -> None:
    """Add the job unless the store already has it with the same trigger (keeps its next run time)."""
    trigger = dict(spec.trigger)
    kind = trigger.pop("trigger")
    existing = scheduler.get_job(spec.name)
    if existing is not None and existing.kwargs.get("trigger_spec") == spec.trigger:
        return
    scheduler.add_job(
        execute_spec,  # stored by its module path, so the job store survives restarts
        kind,
        id=spec.name,
        name=spec.description or spec.name,
        kwargs={"name": spec.name, "trigger_spec": spec.trigger},
        replace_existing=True,
        **trigger,
    )


def execute_spec(name: str, trigger_spec: dict[str, Any]) -> Any:
    """Job-store entry point (the trigger spec rides along so changes are detected)."""
    return execute(name)
