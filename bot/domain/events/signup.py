"""Events domain services: sign-up with an atomic capacity check, waitlist, cancellation, check-in, queries.

Every function takes a ``Database`` (it opens its own short transaction) or a ``Session`` (it joins the
caller's transaction) and an aware ``now``; nothing reads the clock. Writes lock the event row first
(``SELECT … FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), so sign-ups of one event are
serialised and get strictly increasing arrival numbers (``seq``) from ``events.reg_seq``.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import cast

from sqlalchemy import CursorResult, Table, func, select, update
from sqlalchemy.orm import Session

from bot.domain.events.search import EventMatch, ListFilter, parse_list_filter, rank_events
from bot.domain.notify import notify
from bot.store.engine import Database, is_sqlite
from bot.store.models import Event, Interest, Registration
from bot.texts import events as txt
from knowledge.vocab import EVENT_CATEGORIES

ACTIVE = ("confirmed", "waitlisted")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_LENGTH = 8
LATE_CANCEL_HOURS = 12
DbOrSession = Database | Session
EVENTS = cast(Table, Event.__table__)


class Refusal(StrEnum):
    """Why a sign-up, cancellation or check-in was refused."""

    NOT_FOUND = "not_found"
    CANCELLED = "cancelled"
    CLOSED = "closed"
    DEADLINE_PASSED = "deadline_passed"
    STARTED = "started"
    PARTY_TOO_LARGE = "party_too_large"
    INVALID_PARTY = "invalid_party"
    ALREADY_REGISTERED = "already_registered"
    NOT_REGISTERED = "not_registered"
    NOT_CONFIRMED = "not_confirmed"


@dataclass(frozen=True)
class RegistrationView:
    """A registration with its event, detached from the session (safe to keep in replies)."""

    id: int
    event_id: str
    title: str
    start: datetime
    end: datetime
    location: str
    event_status: str
    name: str
    phone: str
    company: str | None
    party_size: int
    companions: tuple[str, ...]
    status: str
    seq: int
    position: int | None  # 1-based waitlist position, None unless waitlisted
    checkin_code: str
    checked_in_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class SignupResult:
    """Outcome of ``register``: confirmed / waitlisted, or a refusal (with the existing registration if any)."""

    status: str | None  # confirmed | waitlisted | None when refused
    refusal: Refusal | None = None
    registration: RegistrationView | None = None
    event: Event | None = None
    promoted: tuple[RegistrationView, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether a new registration was made."""
        return self.refusal is None

    @property
    def position(self) -> int | None:
        """Waitlist position (1-based) when waitlisted."""
        return self.registration.position if self.registration else None

    @property
    def message(self) -> str:
        """The Chinese reply for the user."""
        if self.registration and self.refusal in (None, Refusal.ALREADY_REGISTERED):
            view = self.registration
            prefix = "您已经报过名了。\n" if self.refusal else ""
            return prefix + (txt.confirmed_text(view) if view.status == "confirmed" else txt.waitlisted_text(view))
        return refusal_text(self.refusal or Refusal.NOT_FOUND, self.event)


@dataclass(frozen=True)
class CancelResult:
    """Outcome of ``cancel``: the cancelled registration and whom it promoted, or a refusal."""

    refusal: Refusal | None = None
    registration: RegistrationView | None = None
    event: Event | None = None
    promoted: tuple[RegistrationView, ...] = ()
    late: bool = False  # cancelled less than LATE_CANCEL_HOURS before the start

    @property
    def ok(self) -> bool:
        """Whether the registration was cancelled."""
        return self.refusal is None

    @property
    def message(self) -> str:
        """The Chinese reply for the user."""
        if self.refusal or self.event is None:
            return refusal_text(self.refusal or Refusal.NOT_FOUND, self.event)
        late = f"（离活动开始已不足{LATE_CANCEL_HOURS}小时，下次请尽量提前取消。）" if self.late else ""
        return f"已为您取消“{self.event.title}”的报名。{late}欢迎下次参加。"


@dataclass(frozen=True)
class CheckinResult:
    """Outcome of ``checkin``."""

    refusal: Refusal | None = None
    registration: RegistrationView | None = None
    already: bool = False

    @property
    def ok(self) -> bool:
        """Whether the person is (now or already) checked in."""
        return self.refusal is None

    @property
    def message(self) -> str:
        """A short Chinese line for the operator at the door."""
        reg = self.registration
        if reg is None:
            return "签到码无效，请核对后重试。"
        who = f"{reg.name}（{reg.party_size}人）"
        if self.refusal == Refusal.CANCELLED:
            return f"“{reg.title}”已取消，{who}无需签到。"
        if self.refusal:
            return f"{who}的报名状态是“{txt.STATUS_TEXT.get(reg.status, reg.status)}”，不能签到。"
        when = txt.when_text(reg.checked_in_at) if reg.checked_in_at else ""
        return f"{who}{'已于' + when + '签到过' if self.already else '签到成功'}：{reg.title}"


def refusal_text(refusal: Refusal, event: Event | None) -> str:
    """A clear Chinese message for each refusal."""
    title = f"“{event.title}”" if event else "这个活动"
    texts = {
        Refusal.NOT_FOUND: "没有找到这个活动。发送“科普活动”可以查看近期活动。",
        Refusal.CANCELLED: f"{title}已取消，不能报名。",
        Refusal.CLOSED: f"{title}已停止报名。",
        Refusal.DEADLINE_PASSED: f"{title}的报名已截止"
        + (f"（截止时间{txt.when_text(event.signup_deadline)}）。" if event else "。"),
        Refusal.STARTED: f"{title}已经开始或已结束，不能再报名或取消。",
        Refusal.PARTY_TOO_LARGE: txt.party_rule_text(event) if event else "报名人数超过上限。",
        Refusal.INVALID_PARTY: "人数不对：人数要包括您本人，同行人数不能超过总人数减一。",
        Refusal.ALREADY_REGISTERED: f"您已经报名了{title}。",
        Refusal.NOT_REGISTERED: f"您没有报名{title}，或已经取消过了。",
        Refusal.NOT_CONFIRMED: "这个报名不是正式报名（候补或已取消），不能签到。",
    }
    return texts[refusal]


# --- transactions -------------------------------------------------------------------------------


@contextmanager
def write_session(db: Database) -> Iterator[Session]:
    """A transaction that takes the write lock up front (``BEGIN IMMEDIATE`` on SQLite).

    SQLite's default deferred transaction reads first and upgrades to a write lock later; under WAL a
    concurrent commit in between makes that upgrade fail at once (SQLITE_BUSY_SNAPSHOT, not covered by
    the busy timeout). ``BEGIN IMMEDIATE`` waits (busy_timeout) for the lock before reading instead.
    """
    with db.sessions() as session, session.begin():
        if is_sqlite(db.engine):
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        yield session


@contextmanager
def transaction(db: DbOrSession, *, write: bool = False) -> Iterator[Session]:
    """Join the caller's session, or open a (write) transaction on the database."""
    if isinstance(db, Session):
        yield db
    elif write:
        with write_session(db) as session:
            yield session
    else:
        with db.session() as session:
            yield session


def lock_event(session: Session, event_id: str, appid: str | None = None) -> Event | None:
    """Load the event row under a row lock: ``FOR UPDATE`` on PostgreSQL; on SQLite a no-op write takes the
    database write lock first, so the caller's transaction reads the latest committed seats (no stale snapshot)."""
    if is_sqlite(session.get_bind()):
        session.execute(update(EVENTS).where(Event.id == event_id).values(seats_taken=Event.seats_taken))
    query = select(Event).where(Event.id == event_id).with_for_update()
    if appid is not None:
        query = query.where(Event.appid == appid)
    return session.scalars(query.execution_options(populate_existing=True)).first()


# --- outbox -------------------------------------------------------------------------------------


def enqueue_notice(session: Session, *, appid: str, openid: str, key: str, kind: str, text: str,
                   now: datetime, event_id: str | None = None) -> bool:
    """Queue one event notice through the shared outbox helper; True when a new row was added."""
    return notify(session, appid=appid, openid=openid, kind=kind, key=key, text=text, now=now,
                  extra={"event_id": event_id} if event_id else None)


# --- views --------------------------------------------------------------------------------------


def _position(session: Session, reg: Registration) -> int | None:
    """1-based waitlist position of a waitlisted registration."""
    if reg.status != "waitlisted":
        return None
    query = select(func.count()).select_from(Registration).where(
        Registration.event_id == reg.event_id, Registration.status == "waitlisted", Registration.seq <= reg.seq)
    return int(session.scalar(query) or 0)


def view(session: Session, reg: Registration, event: Event) -> RegistrationView:
    """A detached snapshot of ``reg`` with its event and waitlist position."""
    return snapshot(reg, event, _position(session, reg))


def snapshot(reg: Registration, event: Event, position: int | None) -> RegistrationView:
    """A detached snapshot of ``reg`` with its event and a known waitlist position."""
    return RegistrationView(
        id=reg.id, event_id=event.id, title=event.title, start=event.start, end=event.end,
        location=event.location, event_status=event.status, name=reg.name, phone=reg.phone,
        company=reg.company, party_size=reg.party_size, companions=tuple(reg.companions or ()),
        status=reg.status, seq=reg.seq, position=position, checkin_code=reg.checkin_code,
        checked_in_at=reg.checked_in_at, created_at=reg.created_at,
    )


# --- sign-up ------------------------------------------------------------------------------------


def _signup_refusal(event: Event | None, party_size: int, companions: Sequence[str], now: datetime) -> Refusal | None:
    """The first rule a new sign-up breaks, if any."""
    if event is None:
        return Refusal.NOT_FOUND
    if event.status == "cancelled":
        return Refusal.CANCELLED
    if event.start <= now:
        return Refusal.STARTED
    if event.status == "closed":
        return Refusal.CLOSED
    if event.signup_deadline <= now:
        return Refusal.DEADLINE_PASSED
    if party_size < 1 or len(companions) > party_size - 1:
        return Refusal.INVALID_PARTY
    if party_size > 1 + event.max_companions:
        return Refusal.PARTY_TOO_LARGE
    return None


def _next_seq(session: Session, event_id: str) -> int:
    """The next arrival number of the event (atomic increment)."""
    stmt = update(EVENTS).where(Event.id == event_id).values(reg_seq=Event.reg_seq + 1)
    return int(session.execute(stmt.returning(EVENTS.c.reg_seq)).scalar_one())


def _take_seats(session: Session, event_id: str, seats: int) -> bool:
    """Conditionally add ``seats`` to seats_taken; False when they do not fit (nothing changed)."""
    stmt = (update(EVENTS)
            .where(Event.id == event_id, Event.seats_taken + seats <= Event.capacity)
            .values(seats_taken=Event.seats_taken + seats))
    return cast(CursorResult, session.execute(stmt)).rowcount == 1


def new_checkin_code(session: Session) -> str:
    """A short unguessable check-in code (8 of 32 symbols, 40 bits) not used yet."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.scalar(select(Registration.id).where(Registration.checkin_code == code)) is None:
            return code


def _find_registration(session: Session, event_id: str, appid: str, openid: str) -> Registration | None:
    """The (single) registration row of one user for one event."""
    query = select(Registration).where(
        Registration.event_id == event_id, Registration.appid == appid, Registration.openid == openid)
    return session.scalars(query.execution_options(populate_existing=True)).first()


def register(db: DbOrSession, *, appid: str, event_id: str, openid: str, name: str, phone: str,
             party_size: int = 1, companions: Sequence[str] = (), company: str | None = None,
             now: datetime) -> SignupResult:
    """Sign up (confirmed if the party fits, else waitlisted in arrival order) or return why not."""
    with transaction(db, write=True) as session:
        event = lock_event(session, event_id, appid)
        refusal = _signup_refusal(event, party_size, companions, now)
        if refusal or event is None:
            return SignupResult(status=None, refusal=refusal, event=event)
        reg = _find_registration(session, event.id, appid, openid)
        if reg is not None and reg.status in ACTIVE:
            return SignupResult(reg.status, Refusal.ALREADY_REGISTERED, view(session, reg, event), event)
        promoted = fill_from_waitlist(session, event, now)  # repair: free seats go to earlier arrivals first
        seq = _next_seq(session, event.id)
        status = "confirmed" if _take_seats(session, event.id, party_size) else "waitlisted"
        values = dict(name=name.strip(), phone=phone.strip(), company=company, party_size=party_size,
                      companions=list(companions), status=status, seq=seq, cancelled_at=None, checked_in_at=None,
                      created_at=now)
        if reg is None:
            reg = Registration(event_id=event.id, appid=appid, openid=openid,
                               checkin_code=new_checkin_code(session), **values)
            session.add(reg)
        else:
            for key, value in values.items():
                setattr(reg, key, value)
        session.flush()
        session.refresh(event)
        return SignupResult(status, None, view(session, reg, event), event, tuple(promoted))


# --- cancellation and promotion -----------------------------------------------------------------


def fill_from_waitlist(session: Session, event: Event, now: datetime) -> list[RegistrationView]:
    """Promote waitlisted registrations in arrival order while seats are free (first fit, party size
    counted); enqueue one notice per promoted person. Only before the sign-up deadline (the waitlist
    lapses at the deadline) and never for a cancelled or started event."""
    if event.status == "cancelled" or event.signup_deadline <= now or event.start <= now:
        return []
    session.refresh(event)
    free = event.capacity - event.seats_taken
    if free <= 0:
        return []
    waiting = session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status == "waitlisted").order_by(Registration.seq))
    promoted = []
    for reg in waiting:
        if reg.party_size > free or not _take_seats(session, event.id, reg.party_size):
            continue
        free -= reg.party_size
        reg.status = "confirmed"
        snapshot = view(session, reg, event)
        enqueue_notice(session, appid=reg.appid, openid=reg.openid, key=f"promote:{reg.id}:{reg.seq}",
                       kind="event_promoted", text=txt.promoted_text(snapshot), now=now, event_id=event.id)
        promoted.append(snapshot)
        if free <= 0:
            break
    session.flush()
    return promoted


def _release(session: Session, reg: Registration, now: datetime) -> None:
    """Mark ``reg`` cancelled and give back its seats when it held any."""
    if reg.status == "confirmed":
        stmt = (update(EVENTS).where(Event.id == reg.event_id)
                .values(seats_taken=Event.seats_taken - reg.party_size))
        session.execute(stmt)
    reg.status, reg.cancelled_at = "cancelled", now
    session.flush()


def cancel(db: DbOrSession, *, appid: str, event_id: str, openid: str, now: datetime) -> CancelResult:
    """Cancel a user's registration; frees seats and promotes the waitlist in the same transaction."""
    with transaction(db, write=True) as session:
        event = lock_event(session, event_id, appid)
        if event is None:
            return CancelResult(Refusal.NOT_FOUND)
        reg = _find_registration(session, event.id, appid, openid)
        if reg is None or reg.status not in ACTIVE:
            return CancelResult(Refusal.NOT_REGISTERED, event=event)
        if event.start <= now:
            return CancelResult(Refusal.STARTED, view(session, reg, event), event)
        _release(session, reg, now)
        promoted = fill_from_waitlist(session, event, now)
        late = event.start - now < timedelta(hours=LATE_CANCEL_HOURS)
        return CancelResult(None, view(session, reg, event), event, tuple(promoted), late)


# --- queries ------------------------------------------------------------------------------------


def get_event(db: DbOrSession, *, event_id: str, appid: str | None = None) -> Event | None:
    """One event by id (case-insensitive), optionally within one account."""
    with transaction(db) as session:
        query = select(Event).where(func.upper(Event.id) == event_id.strip().upper())
        if appid is not None:
            query = query.where(Event.appid == appid)
        return session.scalars(query).first()


def my_registrations(db: DbOrSession, *, appid: str, openid: str, now: datetime) -> list[RegistrationView]:
    """A user's active registrations of events that have not ended, soonest first."""
    with transaction(db) as session:
        rows = session.execute(
            select(Registration, Event).join(Event, Event.id == Registration.event_id)
            .where(Registration.appid == appid, Registration.openid == openid,
                   Registration.status.in_(ACTIVE), Event.end > now)
            .order_by(Event.start, Event.id))
        return [view(session, reg, event) for reg, event in rows]


def upcoming_events(db: DbOrSession, *, appid: str, now: datetime, region: str | None = None,
                    category: str | None = None, date_range: tuple[datetime, datetime] | None = None,
                    limit: int = 20) -> list[Event]:
    """Events not started and not cancelled, soonest first; region/category match by substring,
    ``date_range`` is [from, to) on the start time."""
    query = select(Event).where(Event.appid == appid, Event.start > now, Event.status != "cancelled")
    if region:
        query = query.where(Event.region.contains(region, autoescape=True))
    if category:
        query = query.where(Event.category.contains(category, autoescape=True))
    if date_range:
        query = query.where(Event.start >= date_range[0], Event.start < date_range[1])
    with transaction(db) as session:
        return list(session.scalars(query.order_by(Event.start, Event.id).limit(limit)))


def find_events(db: DbOrSession, *, appid: str, text: str, now: datetime, limit: int = 5) -> list[EventMatch]:
    """Events (not ended yet) that the user's words point at, best first; an id in the text wins outright."""
    with transaction(db) as session:
        events = list(session.scalars(select(Event).where(Event.appid == appid, Event.end > now)
                                      .order_by(Event.start, Event.id)))
    return rank_events(text, events)[:limit]


def list_filter(db: DbOrSession, *, appid: str, text: str, now: datetime) -> ListFilter:
    """Region / category / date filters in a list request ("社区的", "谷城的", "下周的")."""
    with transaction(db) as session:
        pairs = session.execute(select(Event.region, Event.category).where(Event.appid == appid).distinct()).all()
    regions = sorted({r for r, _ in pairs})
    categories = sorted({c for _, c in pairs} | set(EVENT_CATEGORIES))
    return parse_list_filter(text, now=now, regions=regions, categories=categories)


def event_registrations(db: DbOrSession, *, event_id: str, include_cancelled: bool = False) -> list[RegistrationView]:
    """Registrations of one event: confirmed, then waitlisted, then cancelled; each in arrival order."""
    order = {"confirmed": 0, "waitlisted": 1}
    with transaction(db) as session:
        event = session.get(Event, event_id)
        if event is None:
            return []
        query = select(Registration).where(Registration.event_id == event_id).order_by(Registration.seq)
        if not include_cancelled:
            query = query.where(Registration.status.in_(ACTIVE))
        regs = list(session.scalars(query))
    waiting = [r.id for r in regs if r.status == "waitlisted"]  # regs are in seq order
    views = [snapshot(r, event, waiting.index(r.id) + 1 if r.status == "waitlisted" else None) for r in regs]
    return sorted(views, key=lambda v: (order.get(v.status, 2), v.seq))


# --- check-in -----------------------------------------------------------------------------------


def normalise_code(code: str) -> str:
    """Upper-case a typed code and drop spaces and dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def checkin(db: DbOrSession, *, code: str, now: datetime) -> CheckinResult:
    """Check a confirmed registration in by its code (idempotent: a second scan reports ``already``)."""
    with transaction(db, write=True) as session:
        reg = session.scalars(select(Registration).where(Registration.checkin_code == normalise_code(code))
                              .with_for_update()).first()
        if reg is None:
            return CheckinResult(Refusal.NOT_FOUND)
        event = session.get(Event, reg.event_id)
        assert event is not None
        if event.status == "cancelled":
            return CheckinResult(Refusal.CANCELLED, view(session, reg, event))
        if reg.status != "confirmed":
            return CheckinResult(Refusal.NOT_CONFIRMED, view(session, reg, event))
        already = reg.checked_in_at is not None
        if not already:
            reg.checked_in_at = now
            session.flush()
        return CheckinResult(None, view(session, reg, event), already)


# --- subscriptions ------------------------------------------------------------------------------


def subscribe(db: DbOrSession, *, appid: str, openid: str, region: str | None = None,
              category: str | None = None) -> bool:
    """Subscribe a user to new-event announcements (optionally by region/category); False if already."""
    with transaction(db) as session:
        same = select(Interest.id).where(
            Interest.appid == appid, Interest.openid == openid, Interest.kind == "event",
            Interest.region.is_(None) if region is None else Interest.region == region,
            Interest.category.is_(None) if category is None else Interest.category == category)
        if session.scalar(same) is not None:
            return False
        session.add(Interest(appid=appid, openid=openid, kind="event", region=region, category=category))
        return True


def unsubscribe(db: DbOrSession, *, appid: str, openid: str) -> int:
    """Remove every event subscription of a user; returns how many were removed."""
    with transaction(db) as session:
        rows = list(session.scalars(select(Interest).where(
            Interest.appid == appid, Interest.openid == openid, Interest.kind == "event")))
        for row in rows:
            session.delete(row)
        return len(rows)


# --- scheduled jobs (pure and idempotent; the dispatcher applies quiet hours and caps at send time) ---


def enqueue_reminders(db: DbOrSession, *, now: datetime, hours: Sequence[int] = (24, 2)) -> int:
    """Enqueue one reminder per confirmed registrant of events starting within the reminder windows.

    Only the smallest window that contains the start is used, so a late run never sends a stale 24 h
    reminder next to the 2 h one. Key ``remind:{event}:{reg}:{h}h`` (plus ``:v{n}`` once the event was
    changed, so a new time gets new reminders). Returns how many were newly enqueued.
    """
    windows = sorted({int(h) for h in hours if h > 0})
    if not windows:
        return 0
    with transaction(db, write=True) as session:
        rows = session.execute(
            select(Registration, Event).join(Event, Event.id == Registration.event_id)
            .where(Registration.status == "confirmed", Event.status != "cancelled", Event.start > now,
                   Event.start <= now + timedelta(hours=windows[-1])))
        count = 0
        for reg, event in rows:
            window = next(h for h in windows if event.start - now <= timedelta(hours=h))
            key = f"remind:{event.id}:{reg.id}:{window}h" + (f":v{event.change_version}" if event.change_version else "")
            count += enqueue_notice(session, appid=reg.appid, openid=reg.openid, key=key, kind="event_reminder",
                                    text=txt.reminder_text(view(session, reg, event), now), now=now,
                                    event_id=event.id)
        return count


def _interest_matches(interest: Interest, event: Event) -> bool:
    """Whether an event subscription covers ``event`` (unset fields match everything)."""
    region_ok = not interest.region or interest.region in event.region
    category_ok = not interest.category or interest.category in event.category
    return interest.appid == event.appid and region_ok and category_ok


def _announcement_key(appid: str, openid: str, events: Sequence[Event]) -> str:
    """Idempotency key of one digest: the user and the set of events it announces."""
    digest = hashlib.sha1(",".join(sorted(e.id for e in events)).encode()).hexdigest()[:16]
    return f"announce:{appid}:{openid}:{digest}"


def enqueue_announcements(db: DbOrSession, *, now: datetime) -> int:
    """Announce events not announced yet (and still open for sign-up) to matching subscribers.

    Each subscriber gets one digest per run listing every new event that matches one of their
    subscriptions; the events are then marked announced in the same transaction. Returns notices enqueued.
    """
    with transaction(db, write=True) as session:
        events = list(session.scalars(
            select(Event).where(Event.announced_at.is_(None), Event.status == "open", Event.signup_deadline > now)
            .order_by(Event.start, Event.id).with_for_update()))
        if not events:
            return 0
        interests = session.scalars(select(Interest).where(
            Interest.kind == "event", Interest.appid.in_({e.appid for e in events})).order_by(Interest.id))
        per_user: dict[tuple[str, str], list[Event]] = {}
        for interest in interests:
            chosen = per_user.setdefault((interest.appid, interest.openid), [])
            chosen.extend(e for e in events if e not in chosen and _interest_matches(interest, e))
        count = 0
        for (appid, openid), chosen in per_user.items():
            if chosen:
                chosen.sort(key=lambda e: (e.start, e.id))
                count += enqueue_notice(session, appid=appid, openid=openid, kind="event_announcement",
                                        key=_announcement_key(appid, openid, chosen),
                                        text=txt.announcement_text(chosen), now=now)
        for event in events:
            event.announced_at = now
        return count


def expire_waitlists(db: DbOrSession, *, now: datetime) -> int:
    """At the sign-up deadline the waitlist lapses: mark waitlisted sign-ups expired and tell each person."""
    with transaction(db, write=True) as session:
        rows = list(session.execute(
            select(Registration, Event).join(Event, Event.id == Registration.event_id)
            .where(Registration.status == "waitlisted", Event.signup_deadline <= now)))
        for reg, event in rows:
            reg.status = "expired"
            if event.status != "cancelled":
                enqueue_notice(session, appid=reg.appid, openid=reg.openid, key=f"expired:{reg.id}:{reg.seq}",
                               kind="event_waitlist_expired", text=txt.waitlist_expired_text(event), now=now,
                               event_id=event.id)
        return len(rows)
