"""Hand-off to a person (转人工): requests a liaison officer takes, answers and closes.

A request is ``open`` until a liaison takes it (``assigned``), then ``closed``. While it is open or assigned
the bot steps back (``handlers/handoff.py``): the user's words are added to the request as follow-ups.
A reply goes out as a customer-service message while WeChat's window is open (48 h since the user's last
message, 5 messages per message), else it is held in the in-chat inbox and delivered with the user's next
message. Requests carry the user's region when their records name one; a liaison scoped to a region sees
that region's requests and those whose region is unknown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, or_, select
from sqlalchemy.orm import Session

from bot.domain import audit, transcript
from bot.domain.errors import Closed, Conflict, Invalid, NotFound
from bot.domain.notify import notify
from bot.domain.scope import Scope
from bot.store.cswindow import CsWindow, cs_window
from bot.store.models import (
    HANDOFF_ACTIVE,
    HANDOFF_ASSIGNED,
    HANDOFF_CLOSED,
    HANDOFF_OPEN,
    Achievement,
    Demand,
    Event,
    HandoffReply,
    HandoffRequest,
    Outbox,
    Registration,
)
from bot.store.sql import core, queue_outbox
from bot.texts import handoff as txt

SNAPSHOT_LINES = 10
MAX_FOLLOWUPS = 50
MAX_REPLY = 2000
RATING_WINDOW = timedelta(days=3)  # a rating is accepted this long after the request was closed
REPLY_KIND, ALERT_KIND, CLOSED_KIND = "handoff_reply", "handoff_alert", "handoff_closed"


class HandoffNotFound(NotFound):
    """No such request in the caller's account and scope."""


class HandoffClosed(Closed):
    """The request is closed: no more replies."""


class HandoffTaken(Conflict):
    """Another liaison already took the request."""

    def __init__(self, assignee: str) -> None:
        super().__init__(f"taken by {assignee}", assignee=assignee)
        self.assignee = assignee


class EmptyReply(Invalid):
    """A reply without text (or longer than ``MAX_REPLY``)."""


@dataclass(frozen=True)
class HandoffOpened:
    """A new hand-off request (``existing``: the user already had an active one, returned instead)."""

    id: int
    question: str
    existing: bool = False


@dataclass(frozen=True)
class Line:
    """One line of what the user and the bot said: direction in (user) / out (bot) / staff, text, time."""

    direction: str
    text: str
    at: datetime | None


@dataclass(frozen=True)
class ReplyView:
    """A liaison's reply and what became of it."""

    id: int
    author: str
    text: str
    outcome: str  # queued | sent | held | failed | uncertain
    error: str | None
    created_at: datetime


@dataclass(frozen=True)
class HandoffView:
    """A request as the inbox shows it: the user's words, their last messages, the wait and the window."""

    id: int
    openid: str
    question: str
    status: str
    region: str | None
    created_at: datetime
    waited: timedelta
    assignee: str | None
    window: CsWindow
    lines: tuple[Line, ...]
    replies: tuple[ReplyView, ...] = ()
    rating: int | None = None
    closed_at: datetime | None = None


@dataclass(frozen=True)
class ReplyPlan:
    """A message to the user queued in the caller's transaction: push it now (``held`` False) or it waits in the
    inbox for the user's next message. ``reply_id`` is None for the closing message."""

    reply_id: int | None
    appid: str
    openid: str
    key: str
    text: str
    held: bool
    window: CsWindow


@dataclass(frozen=True)
class ActiveRequest:
    """The user's active request, as the chat side needs it."""

    id: int
    status: str
    assignee: str | None
    followups: int = 0


# -- chat side ------------------------------------------------------------------------------------------------
_ACTIVE = select(HandoffRequest.id).where(  # built once: asked on every chat turn (a Core statement)
    HandoffRequest.appid == bindparam("appid"), HandoffRequest.openid == bindparam("openid"),
    or_(*(HandoffRequest.status == status for status in HANDOFF_ACTIVE))).order_by(HandoffRequest.id.desc()).limit(1)


def active_request(session: Session, *, appid: str, openid: str) -> HandoffRequest | None:
    """The user's open or assigned request (the newest), if any."""
    row_id = core(session, _ACTIVE, {"appid": appid, "openid": openid}).scalar()
    return None if row_id is None else session.get(HandoffRequest, row_id)


def user_region(session: Session, *, appid: str, openid: str) -> str | None:
    """The region the user's records name: latest demand, else achievement, else event signed up for."""
    demand = session.scalar(select(Demand.region).where(Demand.appid == appid, Demand.openid == openid)
                            .order_by(Demand.updated_at.desc()).limit(1))
    if demand:
        return demand
    achievement = session.scalar(select(Achievement.region).where(
        Achievement.appid == appid, Achievement.owner_openid == openid, Achievement.region.is_not(None))
        .order_by(Achievement.updated_at.desc()).limit(1))
    if achievement:
        return achievement
    return session.scalar(select(Event.region).join(Registration, Registration.event_id == Event.id).where(
        Registration.appid == appid, Registration.openid == openid).order_by(Registration.created_at.desc()).limit(1))


def _snapshot(session: Session, appid: str, openid: str, now: datetime) -> list[dict[str, Any]]:
    """The user's last lines of chat before the request, from the transcript."""
    lines = transcript.recent(session, appid=appid, openid=openid, until=now, limit=SNAPSHOT_LINES)
    return [{"direction": line.direction, "text": line.text, "at": line.at.isoformat()} for line in lines]


def open_request(session: Session, *, appid: str, openid: str, question: str, now: datetime) -> HandoffOpened:
    """Record that the user asked for a person, with the question they were stuck on and their last messages.

    A user with an active request gets that one back (``existing``), with the new question as a follow-up."""
    current = active_request(session, appid=appid, openid=openid)
    if current is not None:
        if question and question != current.question:
            _add_followup(current, question, now)
        return HandoffOpened(current.id, current.question, existing=True)
    row = HandoffRequest(appid=appid, openid=openid, question=question, created_at=now, status=HANDOFF_OPEN,
                         region=user_region(session, appid=appid, openid=openid),
                         snapshot=_snapshot(session, appid, openid, now), followups=[])
    session.add(row)
    session.flush()
    audit.record(session, appid=appid, actor=openid, action="handoff.open", entity="handoff",
                 entity_id=str(row.id), now=now, source="chat")
    return HandoffOpened(row.id, question)


def _add_followup(row: HandoffRequest, text: str, now: datetime) -> None:
    """Append the user's words to the request (the oldest dropped past ``MAX_FOLLOWUPS``)."""
    row.followups = [*(row.followups or []), {"text": text, "at": now.isoformat()}][-MAX_FOLLOWUPS:]


def add_followup(session: Session, *, appid: str, openid: str, text: str, now: datetime) -> ActiveRequest | None:
    """While a person handles the user's request, keep what the user writes on it; None when none is active."""
    row = active_request(session, appid=appid, openid=openid)
    if row is None:
        return None
    if text.strip():
        _add_followup(row, text.strip(), now)
    return ActiveRequest(row.id, row.status, row.assignee, len(row.followups or []))


def end_by_user(session: Session, *, appid: str, openid: str, now: datetime) -> bool:
    """The user ends their active request ("结束人工"); False when none was active."""
    row = active_request(session, appid=appid, openid=openid)
    if row is None:
        return False
    row.status, row.closed_at, row.closed_by = HANDOFF_CLOSED, now, "user"
    audit.record(session, appid=appid, actor=openid, action="handoff.close", entity="handoff",
                 entity_id=str(row.id), now=now, source="chat", by="user")
    return True


def awaiting_rating(session: Session, *, appid: str, openid: str, now: datetime) -> HandoffRequest | None:
    """The user's request closed recently whose one-tap rating was asked and not given yet."""
    query = select(HandoffRequest).where(
        HandoffRequest.appid == appid, HandoffRequest.openid == openid, HandoffRequest.status == HANDOFF_CLOSED,
        HandoffRequest.rating_asked_at.is_not(None), HandoffRequest.rating.is_(None),
        HandoffRequest.closed_at >= now - RATING_WINDOW)
    return session.scalars(query.order_by(HandoffRequest.id.desc())).first()


def rate(session: Session, *, appid: str, openid: str, rating: int, now: datetime) -> int | None:
    """Store the user's rating (1–3) of their last closed request; the request id, or None if none waits."""
    if rating not in txt.RATINGS:
        raise Invalid("rating out of range", rating=rating)
    row = awaiting_rating(session, appid=appid, openid=openid, now=now)
    if row is None:
        return None
    row.rating, row.rated_at = rating, now
    audit.record(session, appid=appid, actor=openid, action="handoff.rate", entity="handoff",
                 entity_id=str(row.id), now=now, source="chat", after={"rating": rating})
    return row.id


# -- console side ---------------------------------------------------------------------------------------------
def visible(scope: Scope, region: str | None) -> bool:
    """Whether a request of ``region`` shows to ``scope`` (an unknown region shows to every liaison)."""
    return region is None or scope.allows(region)


def _scoped(scope: Scope) -> ColumnElement[bool]:
    """SQL: requests inside ``scope`` or of unknown region."""
    return or_(HandoffRequest.region.is_(None), scope.clause(HandoffRequest.region))


def _lines(session: Session | None, row: HandoffRequest) -> tuple[Line, ...]:
    """The snapshot at opening, then what was said since: from the transcript when ``session`` is given (the
    user, the bot and the liaisons in order), else the user's follow-ups."""
    snap = [Line(d.get("direction", "in"), d.get("text", ""), _at(d.get("at"))) for d in row.snapshot or []]
    if not snap and row.question:
        snap = [Line("in", row.question, row.created_at)]
    since = _since_opening(session, row) if session is not None else []
    follow = since or [Line("in", d.get("text", ""), _at(d.get("at"))) for d in row.followups or []]
    return tuple(snap + follow)


def _since_opening(session: Session, row: HandoffRequest) -> list[Line]:
    """The transcript from the moment the request was opened (until it was closed)."""
    lines = transcript.recent(session, appid=row.appid, openid=row.openid, until=row.closed_at, limit=100)
    return [Line(line.direction, line.text, line.at) for line in lines if line.at >= row.created_at]


def _at(value: str | None) -> datetime | None:
    """An ISO time from JSON."""
    return datetime.fromisoformat(value) if value else None


def _replies(session: Session, request_id: int) -> tuple[ReplyView, ...]:
    """The request's replies, oldest first."""
    rows = session.scalars(select(HandoffReply).where(HandoffReply.request_id == request_id).order_by(HandoffReply.id))
    return tuple(ReplyView(r.id, r.author, r.text, r.outcome, r.error, r.created_at) for r in rows)


def _view(session: Session, row: HandoffRequest, now: datetime, *, full: bool) -> HandoffView:
    """One request as the inbox shows it."""
    window = cs_window(session, appid=row.appid, openid=row.openid, now=now)
    end = row.closed_at or now
    return HandoffView(row.id, row.openid, row.question, row.status, row.region, row.created_at,
                       end - row.created_at, row.assignee, window, _lines(session if full else None, row),
                       _replies(session, row.id) if full else (), row.rating, row.closed_at)


def queue(session: Session, *, appid: str, scope: Scope, now: datetime,
          status: Sequence[str] = HANDOFF_ACTIVE, limit: int = 200) -> list[HandoffView]:
    """Requests in ``scope`` with these statuses, oldest first."""
    query = (select(HandoffRequest).where(HandoffRequest.appid == appid, HandoffRequest.status.in_(status),
                                          _scoped(scope)).order_by(HandoffRequest.created_at, HandoffRequest.id))
    return [_view(session, row, now, full=False) for row in session.scalars(query.limit(limit))]


def badge(session: Session, *, appid: str, scope: Scope) -> int:
    """How many requests in ``scope`` wait for someone to take them (the console's badge)."""
    return int(session.scalar(select(func.count()).select_from(HandoffRequest).where(
        HandoffRequest.appid == appid, HandoffRequest.status == HANDOFF_OPEN, _scoped(scope))) or 0)


def _get(session: Session, appid: str, request_id: int, scope: Scope) -> HandoffRequest:
    """The request in the account and scope, or ``HandoffNotFound``."""
    row = session.get(HandoffRequest, request_id)
    if row is None or row.appid != appid or not visible(scope, row.region):
        raise HandoffNotFound(f"hand-off {request_id} not found", request_id=request_id)
    return row


def detail(session: Session, *, appid: str, request_id: int, scope: Scope, now: datetime) -> HandoffView:
    """One request with its lines, replies and window (``HandoffNotFound`` outside the scope)."""
    return _view(session, _get(session, appid, request_id, scope), now, full=True)


def take(session: Session, *, appid: str, request_id: int, staff: str, scope: Scope, now: datetime,
         source: str | None = None) -> HandoffView:
    """Assign the request to ``staff`` (``HandoffTaken`` when someone else has it, ``HandoffClosed`` if closed)."""
    row = _get(session, appid, request_id, scope)
    _assign(session, row, staff, now, source)
    return _view(session, row, now, full=True)


def _assign(session: Session, row: HandoffRequest, staff: str, now: datetime, source: str | None) -> None:
    """Give an open request to ``staff``; nothing when it is already theirs."""
    if row.status == HANDOFF_CLOSED:
        raise HandoffClosed(f"hand-off {row.id} is closed")
    if row.assignee == staff:
        return
    if row.assignee is not None:
        raise HandoffTaken(row.assignee)
    row.status, row.assignee, row.assigned_at = HANDOFF_ASSIGNED, staff, now
    audit.record(session, appid=row.appid, actor=staff, action="handoff.take", entity="handoff",
                 entity_id=str(row.id), now=now, source=source, before={"status": HANDOFF_OPEN},
                 after={"status": HANDOFF_ASSIGNED, "assignee": staff})


def _to_user(session: Session, row: HandoffRequest, *, kind: str, key: str, text: str, now: datetime,
             reply_id: int | None = None) -> ReplyPlan:
    """Queue ``text`` for the request's user: a customer-service message inside the window, else the inbox."""
    window = cs_window(session, appid=row.appid, openid=row.openid, now=now)
    held = not window.open
    queue_outbox(session, appid=row.appid, openid=row.openid, kind=kind, key=key, payload={"text": text}, now=now,
                 channel="inbox" if held else "custom", status="inbox" if held else "pending")
    return ReplyPlan(reply_id, row.appid, row.openid, key, text, held, window)


def reply(session: Session, *, appid: str, request_id: int, staff: str, text: str, scope: Scope,
          now: datetime, source: str | None = None) -> ReplyPlan:
    """Record a reply (taking the request if nobody has): queued as a customer-service message inside the
    window (the caller pushes it after commit), else held in the user's inbox for their next message."""
    body = text.strip()
    if not body or len(body) > MAX_REPLY:
        raise EmptyReply("empty or too long reply", limit=MAX_REPLY)
    row = _get(session, appid, request_id, scope)
    _assign(session, row, staff, now, source)
    entry = HandoffReply(request_id=row.id, author=staff, text=body, outbox_key="", outcome="queued", created_at=now)
    session.add(entry)
    session.flush()
    entry.outbox_key = f"handoff:{row.id}:{entry.id}"
    plan = _to_user(session, row, kind=REPLY_KIND, key=entry.outbox_key, text=txt.reply_text(body), now=now,
                    reply_id=entry.id)
    entry.outcome = "held" if plan.held else "queued"
    transcript.record(session, appid=appid, openid=row.openid, direction=transcript.STAFF, text=body, now=now)
    audit.record(session, appid=appid, actor=staff, action="handoff.reply", entity="handoff", entity_id=str(row.id),
                 now=now, source=source, reply_id=entry.id, held=plan.held)
    return plan


def settle_reply(session: Session, *, reply_id: int) -> ReplyView:
    """Record what became of a pushed reply, read from its outbox row (sent, held, uncertain, failed)."""
    entry = session.get(HandoffReply, reply_id)
    if entry is None:
        raise HandoffNotFound(f"reply {reply_id} not found", reply_id=reply_id)
    push = session.scalar(select(Outbox).where(Outbox.idempotency_key == entry.outbox_key))
    if push is not None:
        entry.outcome = {"sent": "sent", "inbox": "held", "uncertain": "uncertain", "dead": "failed"}.get(
            push.status, entry.outcome)
        entry.error = push.last_error
    return ReplyView(entry.id, entry.author, entry.text, entry.outcome, entry.error, entry.created_at)


def close(session: Session, *, appid: str, request_id: int, staff: str, scope: Scope, now: datetime,
          ask_rating: bool = True, source: str | None = None) -> ReplyPlan | None:
    """Close the request and queue the user's closing message (with a one-tap rating when ``ask_rating``), to
    be pushed like a reply; None when it was closed already (nothing is sent twice)."""
    row = _get(session, appid, request_id, scope)
    if row.status == HANDOFF_CLOSED:
        return None
    before = row.status
    row.status, row.closed_at, row.closed_by = HANDOFF_CLOSED, now, staff
    row.assignee = row.assignee or staff
    row.rating_asked_at = now if ask_rating else None
    audit.record(session, appid=appid, actor=staff, action="handoff.close", entity="handoff", entity_id=str(row.id),
                 now=now, source=source, before={"status": before}, after={"status": HANDOFF_CLOSED})
    return _to_user(session, row, kind=CLOSED_KIND, key=f"handoff-closed:{row.id}", text=txt.closed_text(ask_rating),
                    now=now)


StaffOpenids = Sequence[str] | Mapping[str, Sequence[str]]


def recipients(staff: StaffOpenids, region: str | None) -> list[str]:
    """Who is told of a request: every openid of a list; of a mapping region → openids, those of the request's
    region ("十堰市" covers "十堰市茅箭区") and of the key "" (everyone); all of them when the region is unknown."""
    if not isinstance(staff, Mapping):
        return list(staff)
    keys = [k for k in staff if region is None or not k or region.startswith(k.removesuffix("市"))]
    return list(dict.fromkeys(openid for key in keys for openid in staff[key]))


def alert_staff(session: Session, *, openids: StaffOpenids, now: datetime, limit: int = 100) -> int:
    """Tell staff openids of requests not alerted yet (one outbox message each, sent by template when
    ``handoff_alert`` has one configured); returns how many requests were alerted."""
    rows = list(session.scalars(select(HandoffRequest).where(
        HandoffRequest.status.in_(HANDOFF_ACTIVE), HandoffRequest.alerted_at.is_(None)).limit(limit)))
    for row in rows:
        for openid in recipients(openids, row.region):
            notify(session, appid=row.appid, openid=openid, kind=ALERT_KIND, key=f"handoff-alert:{row.id}:{openid}",
                   text=txt.staff_alert_text(row.id, row.question, row.region), now=now)
        row.alerted_at = now
    return len(rows)
