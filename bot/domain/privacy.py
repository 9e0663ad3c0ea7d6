"""Personal data of chat users (个人信息保护法): consent, what is stored, deletion/anonymisation."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import String, bindparam, cast, delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot.domain import audit, transcript
from bot.domain.events import signup
from bot.domain.events.rules import ACTIVE
from bot.domain.ids import new_checkin_code
from bot.store.models import (
    Achievement,
    AuditLog,
    Demand,
    HandoffReply,
    HandoffRequest,
    InboundMessage,
    Interest,
    Outbox,
    Registration,
    SubscribeGrant,
    UnansweredQuestion,
    User,
    WechatNonce,
)
from bot.store.sql import core, rowcount

DELETED_NAME = "（已删除）"


def get_user(session: Session, *, appid: str, openid: str, create: bool = False) -> User | None:
    """The user row of ``openid`` (created on demand)."""
    user = session.scalar(select(User).where(User.appid == appid, User.openid == openid))
    if user is None and create:
        user = User(appid=appid, openid=openid, roles=[], profile={})
        session.add(user)
        session.flush()
    return user


def has_consent(session: Session, *, appid: str, openid: str) -> bool:
    """Whether the user has agreed to the personal-information notice."""
    user = get_user(session, appid=appid, openid=openid)
    return bool(user and user.consent_at)


def record_consent(session: Session, *, appid: str, openid: str, now: datetime) -> None:
    """Remember that the user agreed to the notice (once)."""
    user = get_user(session, appid=appid, openid=openid, create=True)
    assert user is not None
    user.consent_at = user.consent_at or now
    audit.record(session, appid=appid, actor=openid, action="privacy.consent", entity="user",
                 entity_id=str(user.id), now=now, source="chat")


def remember_contact(session: Session, *, appid: str, openid: str, name: str | None, phone: str | None,
                     company: str | None, role: str, title: str | None = None) -> None:
    """Keep the contact the user gave on their profile (only after consent); ``title`` is 教授/工/博士."""
    user = get_user(session, appid=appid, openid=openid, create=True)
    assert user is not None
    if not user.consent_at:
        return
    if name:  # a name brings its own title (or none)
        user.contact_title = title
    user.name, user.phone = name or user.name, phone or user.phone
    user.company = company or user.company
    user.roles = sorted({*(user.roles or []), role})


@dataclass
class StoredData:
    """What the system holds about one user."""

    user: dict[str, Any] = field(default_factory=dict)
    demands: list[dict[str, str]] = field(default_factory=list)
    achievements: list[dict[str, str]] = field(default_factory=list)
    interests: int = 0
    registrations: int = 0


# built once: "我的信息" runs these on every ask (bound parameters, compiled once per process)
_WHO = {"appid": bindparam("appid", type_=String), "openid": bindparam("openid", type_=String)}
_PROFILE = select(User.name, User.contact_title, User.phone, User.company, User.consent_at, User.roles).where(
    User.appid == _WHO["appid"], User.openid == _WHO["openid"])
_DEMANDS = select(Demand.id, Demand.title, Demand.status).where(
    Demand.appid == _WHO["appid"], Demand.openid == _WHO["openid"]).order_by(Demand.created_at.desc(), Demand.id.desc())
_ACHIEVEMENTS = select(Achievement.id, Achievement.title, Achievement.status).where(
    Achievement.appid == _WHO["appid"], Achievement.owner_openid == _WHO["openid"])
_COUNTS = select(
    select(func.count()).select_from(Interest).where(
        Interest.appid == _WHO["appid"], Interest.openid == _WHO["openid"]).scalar_subquery(),
    select(func.count()).select_from(Registration).where(
        Registration.appid == _WHO["appid"], Registration.openid == _WHO["openid"],
        Registration.status != "cancelled").scalar_subquery())


def demand_rows(session: Session, *, appid: str, openid: str) -> list[tuple[str, str, str]]:
    """(id, title, status) of the user's demands, newest first (``user_demands`` without the ORM objects)."""
    return [(r.id, r.title, r.status) for r in core(session, _DEMANDS, {"appid": appid, "openid": openid})]


def stored_data(session: Session, *, appid: str, openid: str) -> StoredData:
    """Everything stored about the user, for "我的信息"."""
    who = {"appid": appid, "openid": openid}
    out = StoredData()
    if (user := core(session, _PROFILE, who).first()) is not None:
        out.user = {"name": user.name, "contact_title": user.contact_title, "phone": user.phone, "company": user.company,
                    "consent_at": user.consent_at, "roles": list(user.roles or [])}
    out.demands = [{"id": i, "title": title, "status": status}
                   for i, title, status in demand_rows(session, appid=appid, openid=openid)]
    out.achievements = [{"id": r.id, "title": r.title, "status": r.status} for r in core(session, _ACHIEVEMENTS, who)]
    out.interests, out.registrations = core(session, _COUNTS, who).one()
    return out


FORGOTTEN = "forgotten"  # session.info key: (appid, openid) pairs erased in this unit of work


def pseudonym(openid: str, *, appid: str, key: str) -> str:
    """A stable keyed hash standing in for an erased openid where a row must stay (audit, statistics)."""
    digest = hmac.new(key.encode(), f"{appid}:{openid}".encode(), hashlib.sha256).hexdigest()
    return f"anon:{digest[:20]}"


def is_forgotten(session: Session, *, appid: str, openid: str) -> bool:
    """Whether this unit of work erased the user (so nothing may re-create their data in it)."""
    return (appid, openid) in session.info.get(FORGOTTEN, set())


def delete_user_data(session: Session, *, appid: str, openid: str, now: datetime, key: str) -> dict[str, int]:
    """Erase every copy of the user's personal data; rows that must stay keep a pseudonym; returns counts.

    Registrations are cancelled (seats released, waitlists promoted), demands and achievements keep only
    anonymous statistics, pushes to the user are deleted (sent ones included) and other users' notices that
    quote the user's name or phone are redacted; stored replies, inbound rows, hand-offs and audit rows keep
    a keyed pseudonym instead of the openid.
    """
    alias = pseudonym(openid, appid=appid, key=key)
    personal = _personal_values(session, appid, openid)
    counts = {"registrations": _cancel_registrations(session, appid, openid, alias, now)}
    counts["demands"] = _anonymise(session, Demand, Demand.openid, appid, openid,
                                   contact_name=None, contact_title=None, contact_phone=None, openid=None)
    counts["achievements"] = _anonymise(session, Achievement, Achievement.owner_openid, appid, openid,
                                        contact_name=None, contact_title=None, contact_phone=None,
                                        owner_openid=None)
    counts["interests"] = rowcount(session.execute(delete(Interest).where(Interest.appid == appid, Interest.openid == openid)))
    counts["user"] = rowcount(session.execute(delete(User).where(User.appid == appid, User.openid == openid)))
    counts["messages"] = _forget_messages(session, appid, openid, alias, personal)
    session.info.setdefault(FORGOTTEN, set()).add((appid, openid))
    audit.record(session, appid=appid, actor=alias, action="privacy.delete", entity="user", entity_id=alias,
                 now=now, source="chat", removed=counts)
    return counts


def _personal_values(session: Session, appid: str, openid: str) -> set[str]:
    """The names and phones the user gave anywhere (to redact where other users were told them)."""
    values: set[str] = set()
    user = get_user(session, appid=appid, openid=openid)
    if user is not None:
        values |= {user.name or "", user.phone or ""}
    for reg in session.scalars(select(Registration).where(Registration.appid == appid, Registration.openid == openid)):
        values |= {reg.name or "", reg.phone or "", *(reg.companions or [])}
    records: list[Demand | Achievement] = [
        *session.scalars(select(Demand).where(Demand.appid == appid, Demand.openid == openid)),
        *session.scalars(select(Achievement).where(Achievement.appid == appid, Achievement.owner_openid == openid))]
    values |= {v for row in records for v in (row.contact_name or "", row.contact_phone or "")}
    return {v for v in values if len(v) >= 2 and v != DELETED_NAME}


def _cancel_registrations(session: Session, appid: str, openid: str, alias: str, now: datetime) -> int:
    """Cancel the user's live registrations (freeing seats, promoting others), then anonymise them all."""
    regs = list(session.scalars(select(Registration).where(Registration.appid == appid, Registration.openid == openid)))
    for reg in regs:
        if reg.status in ACTIVE:
            signup.cancel(session, appid=appid, event_id=reg.event_id, openid=openid, now=now)
    for reg in regs:
        reg.status = "cancelled" if reg.status in ACTIVE else reg.status
        reg.cancelled_at = reg.cancelled_at or now
        reg.name, reg.phone, reg.companions, reg.company, reg.openid = DELETED_NAME, "", [], None, alias
        reg.checkin_code = new_checkin_code(session)  # the old code no longer admits anyone
    session.flush()
    return len(regs)


def _forget_messages(session: Session, appid: str, openid: str, alias: str, personal: set[str]) -> int:
    """Delete pushes to the user, redact other users' notices quoting them, pseudonymise what must stay."""
    removed = rowcount(session.execute(delete(Outbox).where(Outbox.appid == appid, Outbox.openid == openid)))
    removed += _redact_notices(session, appid, personal)
    removed += transcript.erase(session, appid=appid, openid=openid)
    for row in session.scalars(select(InboundMessage).where(
            InboundMessage.appid == appid, InboundMessage.openid == openid)):
        row.openid, row.replies, row.fields = alias, [], None
        row.dedup_key = row.dedup_key.replace(openid, alias)
    session.execute(update(WechatNonce).where(WechatNonce.appid == appid,
                                              WechatNonce.dedup_key.contains(openid, autoescape=True))
                    .values(dedup_key=func.replace(WechatNonce.dedup_key, openid, alias)))
    handoffs = select(HandoffRequest.id).where(HandoffRequest.appid == appid, HandoffRequest.openid == openid)
    session.execute(update(HandoffReply).where(HandoffReply.request_id.in_(handoffs)).values(text=""))
    session.execute(update(HandoffRequest).where(HandoffRequest.appid == appid, HandoffRequest.openid == openid)
                    .values(openid=alias, question="", snapshot=[], followups=[]))
    session.execute(delete(UnansweredQuestion).where(UnansweredQuestion.appid == appid,
                                                     UnansweredQuestion.openid == openid))
    session.execute(delete(SubscribeGrant).where(SubscribeGrant.appid == appid, SubscribeGrant.openid == openid))
    _pseudonymise_audit(session, appid, openid, alias)
    return removed


def _redact_notices(session: Session, appid: str, personal: set[str]) -> int:
    """Replace the user's name and phone in released-contact notices to others (the only notices that quote
    another person's details); returns rows changed."""
    changed = 0
    for row in session.scalars(select(Outbox).where(Outbox.appid == appid, Outbox.kind == "contact_release")):
        text = str((row.payload or {}).get("text", ""))
        redacted = text
        for value in sorted(personal, key=len, reverse=True):
            redacted = redacted.replace(value, DELETED_NAME)
        if redacted != text:
            row.payload = {**row.payload, "text": redacted}
            changed += 1
    return changed


def _pseudonymise_audit(session: Session, appid: str, openid: str, alias: str) -> None:
    """Audit rows stay (who did what), with the openid replaced by its pseudonym everywhere in them."""
    rows = session.scalars(select(AuditLog).where(AuditLog.appid == appid, or_(
        AuditLog.actor == openid, AuditLog.entity_id == openid,
        cast(AuditLog.detail, String).contains(openid))))
    for row in rows:
        row.actor = alias if row.actor == openid else row.actor
        row.entity_id = alias if row.entity_id == openid else row.entity_id
        row.detail = json.loads(json.dumps(row.detail or {}, ensure_ascii=False).replace(openid, alias))


def _anonymise(session: Session, model: Any, owner: Any, account: str, who: str, **values: Any) -> int:
    """Blank personal columns on the rows ``owner`` links to the user ``who``."""
    return rowcount(session.execute(update(model).where(model.appid == account, owner == who).values(**values)))
