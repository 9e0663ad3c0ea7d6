"""Chat users of an account: following state, last contact (the 48-hour window), subscribe-message grants."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.domain import audit
from bot.domain.privacy import is_forgotten
from bot.store.models import SubscribeGrant, User
from bot.store.sql import insert_ignore, update_where


@dataclass(frozen=True)
class Grant:
    """One subscribe-message template the user accepted or rejected."""

    template_id: str
    status: str  # accept | reject


def ensure_user(session: Session, *, appid: str, openid: str, now: datetime, subscribed: bool = True) -> bool:
    """Create the user row on first contact; True when it was created now."""
    return insert_ignore(session, User, appid=appid, openid=openid, roles=[], profile={}, subscribed=subscribed,
                         created_at=now, updated_at=now)


def set_subscribed(session: Session, *, appid: str, openid: str, subscribed: bool, now: datetime) -> None:
    """Record whether the user follows the account (created if new)."""
    ensure_user(session, appid=appid, openid=openid, now=now, subscribed=subscribed)
    session.execute(update(User).where(User.appid == appid, User.openid == openid).values(
        subscribed=subscribed, unsubscribed_at=None if subscribed else now, updated_at=now))


def touch(session: Session, *, appid: str, openid: str, at: datetime, now: datetime) -> None:
    """Record the time of the user's latest message (opens WeChat's 48-hour customer-service window).

    Not in the turn that erased the user: nothing about them is re-created then."""
    if is_forgotten(session, appid=appid, openid=openid):
        return
    who = {"appid": appid, "openid": openid}
    if not update_where(session, User, who, last_inbound_at=at):  # first contact: create the row, then stamp it
        ensure_user(session, appid=appid, openid=openid, now=now)
        update_where(session, User, who, last_inbound_at=at)


def record_grants(session: Session, *, appid: str, openid: str, grants: Iterable[Grant], now: datetime) -> int:
    """Store accept/reject per subscribe-message template; returns how many were recorded."""
    count = 0
    for grant in grants:
        if not grant.template_id or grant.status not in {"accept", "reject"}:
            continue
        insert_ignore(session, SubscribeGrant, appid=appid, openid=openid, template_id=grant.template_id,
                      status=grant.status, updated_at=now)
        session.execute(update(SubscribeGrant).where(
            SubscribeGrant.appid == appid, SubscribeGrant.openid == openid,
            SubscribeGrant.template_id == grant.template_id).values(status=grant.status, updated_at=now))
        count += 1
    return count


def record_event(session: Session, *, appid: str, openid: str, event: str, key: str | None, silent: bool,
                 now: datetime) -> None:
    """Keep an audit row for a WeChat event that needs no reply."""
    audit.record(session, appid=appid, actor=openid, action=f"wechat.event.{event or 'unknown'}", entity="user",
                 entity_id=openid, now=now, source="chat", event_key=key, silent=silent)
