"""The outbox sender: picks a channel per push, respects quiet hours and daily caps, retries with backoff.

Channels, in order of preference: subscribe message (订阅通知) where the user accepted the kind's template,
template message (模板消息) where one is configured for the kind, customer-service message inside the
48-hour window and its quota, else the in-chat inbox delivered with the user's next message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot.settings import Settings
from bot.store.cswindow import DAILY_CAP_NOTE, cs_window
from bot.store.engine import Database
from bot.store.models import Outbox, SubscribeGrant
from bot.store.sql import rowcount
from bot.wechat.api import WeChatAPIError
from bot.wechat.deployment import Deployment
from bot.wechat.inbox import ANSWER_KINDS  # replies to the user's own question: outside the daily cap

log = logging.getLogger(__name__)

UNREACHABLE = {43004, 45015, 43101}  # not following / outside the 48 h window / subscription refused
QUOTA = {45047, 45009}  # per-user or per-day API quota exhausted


@dataclass
class DispatchReport:
    """What one dispatcher run did."""

    sent: dict[str, int] = field(default_factory=dict)
    inbox: int = 0
    deferred: int = 0
    retried: int = 0
    dead: int = 0
    uncertain: int = 0
    reclaimed: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The counts per outcome (what ``kc jobs run outbox_dispatch`` prints)."""
        return {"sent": self.sent, "inbox": self.inbox, "deferred": self.deferred, "retried": self.retried,
                "dead": self.dead, "uncertain": self.uncertain, "reclaimed": self.reclaimed}

    def count(self, channel: str) -> None:
        """Count one sent message on ``channel``."""
        self.sent[channel] = self.sent.get(channel, 0) + 1


def parse_quiet_hours(spec: str) -> tuple[time, time] | None:
    """``"22:00-08:00"`` → (22:00, 08:00); empty → None."""
    if not spec.strip():
        return None
    start, end = (time.fromisoformat(part.strip()) for part in spec.split("-", 1))
    return start, end


def quiet_until(now: datetime, spec: str, tz: ZoneInfo) -> datetime | None:
    """When quiet hours end if ``now`` lies inside them, else None."""
    window = parse_quiet_hours(spec)
    if window is None:
        return None
    start, end = window
    local = now.astimezone(tz)
    inside = (start <= local.time() or local.time() < end) if start > end else (start <= local.time() < end)
    if not inside:
        return None
    day = local.date() if local.time() < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=tz)


UNCERTAIN_RETRY = timedelta(minutes=10)  # a notice whose delivery is unknown is sent again once, after this


def claim(db: Database, row_id: int, *, now: datetime, lease: timedelta) -> Outbox | None:
    """pending → sending under a ``lease`` (``KC_OUTBOX_CLAIM_SECONDS``), atomically; None when taken."""
    with db.session() as session:
        won = rowcount(session.execute(update(Outbox).where(Outbox.id == row_id, Outbox.status == "pending").values(
            status="sending", attempts=Outbox.attempts + 1, next_attempt_at=now + lease)))
        return session.get(Outbox, row_id) if won else None


def claim_lease(settings: Settings) -> timedelta:
    """How long a sender may hold a claimed row before it counts as dead."""
    return timedelta(seconds=settings.outbox_claim_seconds)


def settle_uncertain(db: Database, row: Outbox, *, now: datetime, error: str) -> str:
    """After a send whose outcome is unknown: a notice goes again once, later; an answer is never repeated.

    Returns the new status ("pending" or "uncertain"); one conditional UPDATE on the row still ``sending``."""
    again = row.kind not in ANSWER_KINDS and not (row.payload or {}).get("resent")
    values: dict[str, Any] = {"status": "pending", "next_attempt_at": now + UNCERTAIN_RETRY,
                              "payload": {**(row.payload or {}), "resent": True}} if again else {"status": "uncertain"}
    with db.session() as session:
        session.execute(update(Outbox).where(Outbox.id == row.id, Outbox.status == "sending")
                        .values(last_error=f"uncertain: {error}", **values))
    return str(values["status"])


def requeue(db: Database, outbox_id: int, *, now: datetime) -> bool:
    """Queue a push again with fresh attempts: dead, uncertain, or stranded in ``sending`` (its claim lapsed)."""
    retryable = or_(Outbox.status.in_(("dead", "uncertain")),
                    and_(Outbox.status == "sending", Outbox.next_attempt_at <= now))
    with db.session() as session:
        return bool(rowcount(session.execute(update(Outbox).where(Outbox.id == outbox_id, retryable)
                                             .values(status="pending", attempts=0, last_error=None,
                                                     next_attempt_at=now))))


def reclaim_stranded(db: Database, *, now: datetime) -> int:
    """Settle `sending` rows whose sender died (claim lease expired) as uncertain sends; returns how many."""
    with db.session() as session:
        stranded = list(session.scalars(select(Outbox).where(Outbox.status == "sending",
                                                             Outbox.next_attempt_at <= now).limit(200)))
    for row in stranded:
        log.warning("outbox %s was left sending by a sender that stopped; settling it as uncertain", row.id)
        settle_uncertain(db, row, now=now, error="the sender stopped during the send")
    return len(stranded)


class Dispatcher:
    """Sends due outbox rows for one deployment (its settings, database and WeChat clients)."""

    def __init__(self, deployment: Deployment) -> None:
        self.deployment, self.settings, self.db = deployment, deployment.settings, deployment.db
        self.tz = ZoneInfo(self.settings.timezone)

    def run(self, now: datetime, limit: int = 200) -> DispatchReport:
        """Dispatch up to ``limit`` due rows; returns counts."""
        report = DispatchReport()
        report.reclaimed = reclaim_stranded(self.db, now=now)
        quiet = quiet_until(now, self.settings.quiet_hours, self.tz)
        for row_id in self._due(now, limit):
            if quiet is not None:
                self._defer(row_id, quiet)
                report.deferred += 1
                continue
            row = claim(self.db, row_id, now=now, lease=claim_lease(self.settings))
            if row is not None:
                self._send(row, now, report)
        return report

    def _due(self, now: datetime, limit: int) -> list[int]:
        """Ids of pending rows whose time has come, oldest first."""
        with self.db.session() as session:
            query = (select(Outbox.id).where(Outbox.status == "pending", Outbox.next_attempt_at <= now)
                     .order_by(Outbox.next_attempt_at, Outbox.id).limit(limit))
            return list(session.scalars(query))

    def _defer(self, row_id: int, until: datetime) -> None:
        """Hold a row until ``until`` (quiet hours, daily cap) without counting an attempt."""
        with self.db.session() as session:
            session.execute(update(Outbox).where(Outbox.id == row_id, Outbox.status == "pending")
                            .values(next_attempt_at=until))

    def _send(self, row: Outbox, now: datetime, report: DispatchReport) -> None:
        """Send one claimed row on the best channel, or defer, inbox or retry it."""
        with self.db.session() as session:
            if self._over_cap(session, row, now):
                self._release(row, self._next_day(now), counted=False, error=DAILY_CAP_NOTE)
                report.deferred += 1
                return
            channel, template = self._channel(session, row, now)
        if channel == "inbox":
            self._finish(row, "inbox", "inbox", now)
            report.inbox += 1
            return
        try:
            self._deliver(row, channel, template)
        except WeChatAPIError as exc:
            self._failed(row, channel, exc, now, report)
            return
        self._finish(row, "sent", channel, now, consume=template if channel == "subscribe" else None)
        report.count(channel)

    def _channel(self, session: Session, row: Outbox, now: datetime) -> tuple[str, str | None]:
        """The best channel for this row and its template id, if any."""
        sub = self.settings.subscribe_template_ids.get(row.kind)
        if sub and self._granted(session, row, sub):
            return "subscribe", sub
        tpl = self.settings.template_ids.get(row.kind)
        if tpl:
            return "template", tpl
        if self._in_cs_window(session, row, now):
            return "custom", None
        return "inbox", None

    def _granted(self, session: Session, row: Outbox, template_id: str) -> bool:
        """Whether the user accepted this subscribe-message template."""
        status = session.scalar(select(SubscribeGrant.status).where(
            SubscribeGrant.appid == row.appid, SubscribeGrant.openid == row.openid,
            SubscribeGrant.template_id == template_id))
        return status == "accept"

    def _in_cs_window(self, session: Session, row: Outbox, now: datetime) -> bool:
        """Inside 48 h of the user's last message, with customer-service quota left."""
        return cs_window(session, appid=row.appid, openid=row.openid, now=now).open

    def _over_cap(self, session: Session, row: Outbox, now: datetime) -> bool:
        """Whether the user already got the daily cap of pushes today (local day)."""
        if row.kind in ANSWER_KINDS:
            return False
        midnight = datetime.combine(now.astimezone(self.tz).date(), time(0), tzinfo=self.tz)
        sent = session.scalar(select(func.count()).select_from(Outbox).where(
            Outbox.appid == row.appid, Outbox.openid == row.openid, Outbox.status == "sent",
            Outbox.kind.not_in(ANSWER_KINDS), Outbox.sent_at >= midnight)) or 0
        return sent >= self.settings.daily_push_cap

    def _next_day(self, now: datetime) -> datetime:
        """The end of tomorrow's quiet hours (or 08:00) in local time."""
        window = parse_quiet_hours(self.settings.quiet_hours)
        morning = window[1] if window else time(8)
        return datetime.combine(now.astimezone(self.tz).date() + timedelta(days=1), morning, tzinfo=self.tz)

    def _deliver(self, row: Outbox, channel: str, template: str | None) -> None:
        """Call the gateway for one channel."""
        gateway, text = self.deployment.gateway_for(row.appid), str(row.payload.get("text", ""))
        if channel == "custom":
            gateway.send_text(row.openid, text)
        elif channel == "template":
            gateway.send_template(row.openid, template or "", row.payload.get("data") or {"content": {"value": text}})
        else:
            data = row.payload.get("data") or {"thing1": {"value": text[:20]}}
            gateway.send_subscribe(row.openid, template or "", data)

    def _failed(self, row: Outbox, channel: str, exc: WeChatAPIError, now: datetime, report: DispatchReport) -> None:
        """Unreachable or quota → inbox; anything else → retry with exponential backoff, dead after N."""
        log.warning("outbox %s via %s failed: %s", row.id, channel, exc)
        if exc.uncertain:
            outcome = settle_uncertain(self.db, row, now=now, error=str(exc))
            report.retried += outcome == "pending"
            report.uncertain += outcome == "uncertain"
        elif exc.errcode in UNREACHABLE or exc.errcode in QUOTA:
            self._finish(row, "inbox", "inbox", now, error=str(exc))
            report.inbox += 1
        elif row.attempts >= self.settings.outbox_max_attempts:
            self._finish(row, "dead", channel, now, error=str(exc))
            report.dead += 1
        else:
            delay = timedelta(seconds=self.settings.outbox_backoff_seconds * 2 ** (row.attempts - 1))
            self._release(row, now + delay, counted=True, error=str(exc))
            report.retried += 1

    def _release(self, row: Outbox, when: datetime, *, counted: bool, error: str | None = None) -> None:
        """Back to pending until ``when`` (an uncounted release gives the attempt back)."""
        values: dict[str, Any] = {"status": "pending", "next_attempt_at": when}
        if not counted:
            values["attempts"] = Outbox.attempts - 1
        if error:
            values["last_error"] = error
        with self.db.session() as session:
            session.execute(update(Outbox).where(Outbox.id == row.id, Outbox.status == "sending").values(**values))

    def _finish(self, row: Outbox, status: str, channel: str, now: datetime, *,
                error: str | None = None, consume: str | None = None) -> None:
        """Record the outcome; a one-time subscribe grant is used up by a send."""
        with self.db.session() as session:
            session.execute(update(Outbox).where(Outbox.id == row.id, Outbox.status == "sending").values(
                status=status, channel=channel, sent_at=now if status == "sent" else None, last_error=error))
            if consume:
                session.execute(delete(SubscribeGrant).where(
                    SubscribeGrant.appid == row.appid, SubscribeGrant.openid == row.openid,
                    SubscribeGrant.template_id == consume))
