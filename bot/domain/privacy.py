"""Personal data of chat users (个人信息保护法): consent, what is stored, deletion/anonymisation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.domain import audit
from bot.domain.demands import user_demands
from bot.store.models import (
    Achievement,
    Demand,
    InboundMessage,
    Interest,
    Outbox,
    Registration,
    SubscribeGrant,
    User,
)

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
                     company: str | None, role: str) -> None:
    """Keep the contact the user gave on their profile (only after consent)."""
    user = get_user(session, appid=appid, openid=openid, create=True)
    assert user is not None
    if not user.consent_at:
        return
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


def stored_data(session: Session, *, appid: str, openid: str) -> StoredData:
    """Everything stored about the user, for "我的信息"."""
    user = get_user(session, appid=appid, openid=openid)
    out = StoredData()
    if user:
        out.user = {"name": user.name, "phone": user.phone, "company": user.company,
                    "consent_at": user.consent_at, "roles": list(user.roles or [])}
    out.demands = [{"id": d.id, "title": d.title, "status": d.status}
                   for d in user_demands(session, appid=appid, openid=openid)]
    out.achievements = [{"id": a.id, "title": a.title, "status": a.status} for a in session.scalars(
        select(Achievement).where(Achievement.appid == appid, Achievement.owner_openid == openid))]
    out.interests = len(session.scalars(select(Interest.id).where(
        Interest.appid == appid, Interest.openid == openid)).all())
    out.registrations = len(session.scalars(select(Registration.id).where(
        Registration.appid == appid, Registration.openid == openid, Registration.status != "cancelled")).all())
    return out


def delete_user_data(session: Session, *, appid: str, openid: str, now: datetime) -> dict[str, int]:
    """Delete the profile and interests, anonymise contact data on the user's records; returns counts."""
    counts = {
        "demands": _anonymise(session, Demand, Demand.openid, appid, openid,
                              contact_name=None, contact_phone=None, openid=None),
        "achievements": _anonymise(session, Achievement, Achievement.owner_openid, appid, openid,
                                   contact_name=None, contact_phone=None, owner_openid=None),
        "registrations": _anonymise(session, Registration, Registration.openid, appid, openid,
                                    name=DELETED_NAME, phone="", companions=[], company=None),
    }
    counts["interests"] = session.execute(delete(Interest).where(  # type: ignore[attr-defined]
        Interest.appid == appid, Interest.openid == openid)).rowcount
    counts["user"] = session.execute(delete(User).where(User.appid == appid, User.openid == openid)).rowcount  # type: ignore[attr-defined]
    counts["messages"] = _forget_messages(session, appid, openid)
    audit.record(session, appid=appid, actor="user", action="privacy.delete", entity="user", entity_id="",
                 now=now, source="chat", removed=counts)
    return counts


def _forget_messages(session: Session, appid: str, openid: str) -> int:
    """Drop stored replies, queued or held pushes and subscribe grants of the user (they may quote personal data)."""
    removed = session.execute(update(InboundMessage).where(  # type: ignore[attr-defined]
        InboundMessage.appid == appid, InboundMessage.openid == openid).values(replies=[])).rowcount or 0
    removed += session.execute(delete(Outbox).where(  # type: ignore[attr-defined]
        Outbox.appid == appid, Outbox.openid == openid, Outbox.status.in_(("pending", "inbox")))).rowcount or 0
    session.execute(delete(SubscribeGrant).where(SubscribeGrant.appid == appid, SubscribeGrant.openid == openid))
    return int(removed)


def _anonymise(session: Session, model: Any, owner: Any, account: str, who: str, **values: Any) -> int:
    """Blank personal columns on the rows ``owner`` links to the user ``who``."""
    result = session.execute(update(model).where(model.appid == account, owner == who).values(**values))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
