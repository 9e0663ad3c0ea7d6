"""The scheduled jobs: stable names, their functions and when they run.

A job is a plain function ``(*, container, now) -> object`` (the result is printed by ``kc jobs run``)
that opens its own unit of work and calls the domain; jobs are idempotent, so running one by hand next
to the scheduler is safe.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from jobs.drafts import expire_drafts
from jobs.events import event_announcements, event_reminders, event_waitlist_expiry
from jobs.handoff import handoff_alerts
from jobs.inbound import recover_inbound
from jobs.kb_uploads import kb_uploads
from jobs.matching import match_digest, match_new
from jobs.outbox import outbox_dispatch

if TYPE_CHECKING:
    from bot.container import Container

JobFn = Callable[..., Any]


@dataclass(frozen=True)
class JobSpec:
    """One scheduled job."""

    name: str
    fn: JobFn
    trigger: dict[str, Any] = field(default_factory=dict)  # APScheduler trigger kwargs
    description: str = ""


JOBS: tuple[JobSpec, ...] = (
    JobSpec("outbox_dispatch", outbox_dispatch, {"trigger": "interval", "seconds": 30},
            "发送到期的推送（选择渠道、免打扰、每日上限、失败重试）"),
    JobSpec("inbound_recovery", recover_inbound, {"trigger": "interval", "seconds": 30},
            "接管处理中途崩溃的消息：重新计算答复并推送一次（或致歉）"),
    JobSpec("draft_expiry", expire_drafts, {"trigger": "interval", "minutes": 30},
            "清理超过保留期的未提交草稿（用户回来时会收到提示）"),
    JobSpec("match_new", match_new, {"trigger": "interval", "minutes": 2},
            "为新发布的需求、新登记的成果运行匹配并排队提醒"),
    JobSpec("event_reminders", event_reminders, {"trigger": "interval", "minutes": 5},
            "活动开始前的提醒（默认 24 小时、2 小时）"),
    JobSpec("event_announcements", event_announcements, {"trigger": "interval", "minutes": 15},
            "向订阅了区域/类别的用户通知新活动"),
    JobSpec("event_waitlist_expiry", event_waitlist_expiry, {"trigger": "interval", "minutes": 30},
            "报名截止后候补失效并通知"),
    JobSpec("handoff_alerts", handoff_alerts, {"trigger": "interval", "minutes": 1},
            "新的转人工请求通知工作人员（KC_HANDOFF_STAFF_OPENIDS，配置了 handoff_alert 模板时用模板消息）"),
    JobSpec("kb_uploads", kb_uploads, {"trigger": "interval", "seconds": 30},
            "导入后台上传、尚未导入（或导入中断）的知识库文档"),
    JobSpec("match_digest", match_digest, {"trigger": "cron", "hour": 9, "minute": 0},
            "每日补发尚未提醒过的匹配（同一匹配绝不重复提醒）"),
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


def run_job(name: str, container: Container, now: datetime | None = None) -> Any:
    """Run one job once, at ``now`` (the container's clock when not given)."""
    return get_job(name).fn(container=container, now=now or container.now())
