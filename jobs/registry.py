"""The scheduled jobs: stable names, where their function lives, and when they run.

A job is a plain function ``(*, services, now) -> object`` (the result is printed by ``kc jobs run``);
jobs are idempotent, so running one by hand next to the scheduler is safe.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class JobSpec:
    """One scheduled job."""

    name: str
    target: str  # "module:function"
    trigger: dict[str, Any] = field(default_factory=dict)  # APScheduler trigger kwargs
    description: str = ""

    def resolve(self) -> Callable[..., Any]:
        """Import and return the job function."""
        module, _, attr = self.target.partition(":")
        return getattr(importlib.import_module(module), attr)  # type: ignore[no-any-return]


JOBS: tuple[JobSpec, ...] = (
    JobSpec(
        "outbox_dispatch",
        "bot.wechat.sender:dispatch_outbox",
        {"trigger": "interval", "seconds": 30},
        "发送到期的推送（选择渠道、免打扰、每日上限、失败重试）",
    ),
    JobSpec(
        "draft_expiry",
        "jobs.drafts:expire_drafts",
        {"trigger": "interval", "minutes": 30},
        "清理超过保留期的未提交草稿（用户回来时会收到提示）",
    ),
    JobSpec(
        "match_new",
        "jobs.matching:match_new",
        {"trigger": "interval", "minutes": 2},
        "为新发布的需求、新登记的成果运行匹配并排队提醒",
    ),
    JobSpec(
        "event_reminders",
        "jobs.events:event_reminders",
        {"trigger": "interval", "minutes": 5},
        "活动开始前的提醒（默认 24 小时、2 小时）",
    ),
    JobSpec(
        "event_announcements",
        "jobs.events:event_announcements",
        {"trigger": "interval", "minutes": 15},
        "向订阅了区域/类别的用户通知新活动",
    ),
    JobSpec(
        "event_waitlist_expiry",
        "jobs.events:event_waitlist_expiry",
        {"trigger": "interval", "minutes": 30},
        "报名截止后候补失效并通知",
    ),
    JobSpec(
        "match_digest",
        "jobs.matching:match_digest",
        {"trigger": "cron", "hour": 9, "minute": 0},
        "每日补发尚未提醒过的匹配（同一匹配绝不重复提醒）",
    ),
)


def job_names() -> list[str]:
    """Names of all registered jobs."""
    return [spec.name for spec in JOBS]


def get_job(name: str) -> JobSpec:
    """The job called ``name``; KeyError lists the valid names."""
    for spec in JOBS:
        if spec.name == name:
            return spec
    raise KeyError(f"未知任务 {name}（可选：{'、'.join(job_names())}）")


def run_job(name: str, services: Any, now: datetime | None = None) -> Any:
    """Run one job once, now."""
    return get_job(name).resolve()(services=services, now=now or datetime.now(UTC))
