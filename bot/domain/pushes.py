"""The push queue as the console's 推送 desk shows it: what waits, what failed, and a per-day view per channel.

Statuses (``bot.wechat.sender``): pending (due, or retrying after a failure), sending, inbox (held for the
user's next message), sent, dead (gave up; 重试 queues it again), uncertain (sent but unconfirmed).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.clock import LOCAL_TZ
from bot.store.cswindow import DAILY_CAP_NOTE
from bot.store.models import Outbox

WAITING = ("pending", "sending", "inbox", "dead", "uncertain")
QUOTA_CODES = {45047: "quota", 45009: "quota", 45015: "window", 43004: "unfollowed", 43101: "refused"}
_ERRCODE = re.compile(r"errcode (\d+)")
_MARKUP = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class PushView:
    """One push: whom, what kind, where it stands, the channel, attempts and the last error."""

    id: int
    kind: str
    openid: str
    status: str  # pending | sending | inbox | dead | uncertain | failed (retrying) | deferred (daily cap)
    channel: str | None
    attempts: int
    last_error: str | None
    errcode: int | None
    created_at: datetime
    next_attempt_at: datetime
    preview: str


@dataclass
class DayView:
    """One local day: pushes sent per channel, held in the inbox, and how many quotas or the window blocked."""

    day: date
    sent: Counter[str] = field(default_factory=Counter)
    held: int = 0
    blocked: Counter[str] = field(default_factory=Counter)  # quota | window | unfollowed | refused | cap
    dead: int = 0


def errcode(error: str | None) -> int | None:
    """WeChat's errcode inside a stored error text, if any."""
    found = _ERRCODE.search(error or "")
    return int(found.group(1)) if found else None


def _status(row: Outbox) -> str:
    """The row's status as the desk shows it: a pending row held by the daily cap is ``deferred``, one with an
    error ``failed`` (retrying)."""
    if row.status != "pending" or not row.last_error:
        return row.status
    return "deferred" if row.last_error == DAILY_CAP_NOTE else "failed"


def _blocked(row: Outbox) -> str | None:
    """What limit held the row back, if any: quota | window | unfollowed | refused | cap."""
    return "cap" if row.last_error == DAILY_CAP_NOTE else QUOTA_CODES.get(errcode(row.last_error) or 0)


def _view(row: Outbox) -> PushView:
    """A detached view of one push."""
    status = _status(row)
    text = _MARKUP.sub("", str((row.payload or {}).get("text", "")))
    return PushView(row.id, row.kind, row.openid, status, row.channel, row.attempts, row.last_error,
                    errcode(row.last_error), row.created_at, row.next_attempt_at, text[:80])


def waiting(session: Session, *, status: str | None = None, limit: int = 300) -> list[PushView]:
    """Pushes not (yet) delivered: pending, failed, sending, held, dead, uncertain — newest first."""
    query = select(Outbox)
    if status == "failed":
        query = query.where(Outbox.status == "pending", Outbox.last_error.is_not(None),
                            Outbox.last_error != DAILY_CAP_NOTE)
    elif status == "deferred":
        query = query.where(Outbox.status == "pending", Outbox.last_error == DAILY_CAP_NOTE)
    elif status:
        query = query.where(Outbox.status == status)
    else:
        query = query.where(Outbox.status.in_(WAITING))
    return [_view(row) for row in session.scalars(query.order_by(Outbox.id.desc()).limit(limit))]


def per_day(session: Session, *, now: datetime, days: int = 14) -> list[DayView]:
    """The last ``days`` local days, newest first: sent per channel, held, quota/window blocks, dead."""
    today = now.astimezone(LOCAL_TZ).date()
    since = datetime.combine(today - timedelta(days=days - 1), time(0), tzinfo=LOCAL_TZ)
    out: dict[date, DayView] = defaultdict(lambda: DayView(today))
    rows = session.scalars(select(Outbox).where(or_(Outbox.sent_at >= since, Outbox.created_at >= since)))
    for row in rows:
        stamp = row.sent_at if row.status == "sent" and row.sent_at else row.created_at
        day = stamp.astimezone(LOCAL_TZ).date()
        view = out.setdefault(day, DayView(day))
        if row.status == "sent":
            view.sent[row.channel or "custom"] += 1
        elif row.status == "inbox":
            view.held += 1
        elif row.status == "dead":
            view.dead += 1
        reason = _blocked(row)
        if reason:
            view.blocked[reason] += 1
    return [out.get(today - timedelta(days=i), DayView(today - timedelta(days=i))) for i in range(days)]
