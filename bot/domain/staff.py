"""Console accounts (联络员后台): argon2id passwords, sign-in with lockout, server-side sessions, region scope.

Sign-in returns a typed outcome instead of raising, so the caller commits the failed-attempt count and the
lock even when the attempt is refused. Sessions live in SQL: signing out or disabling a user ends them.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.domain import audit
from bot.domain.errors import Conflict, Invalid, NotFound
from bot.domain.scope import EVERYWHERE, Scope
from bot.store.models import STAFF_ADMIN, STAFF_ROLES, LoginAttempt, StaffSession, StaffUser
from bot.store.sql import rowcount

MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
SESSION_IDLE = timedelta(hours=12)
MIN_PASSWORD = 8
_hasher = PasswordHasher()  # argon2id with the library's recommended cost
_DUMMY_HASH = _hasher.hash("not-a-real-password")  # spend the same time on unknown names

OK, BAD_PASSWORD, UNKNOWN, LOCKED, DISABLED = "ok", "bad_password", "unknown", "locked", "disabled"




@dataclass(frozen=True)
class Staff:
    """The signed-in console user of one request."""

    id: int
    name: str
    role: str
    region: str | None
    csrf_token: str

    @property
    def is_admin(self) -> bool:
        """Admins see and do everything."""
        return self.role == STAFF_ADMIN

    @property
    def scope(self) -> Scope:
        """The records this user may see (a liaison with a region: that region only)."""
        return EVERYWHERE if self.is_admin else Scope(self.region)


@dataclass(frozen=True)
class SignIn:
    """Outcome of a sign-in: ``token`` (for the cookie) when ok, else the reason and any lock's end."""

    ok: bool
    reason: str
    token: str | None = None
    locked_until: datetime | None = None


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (at least ``MIN_PASSWORD`` characters)."""
    if len(password) < MIN_PASSWORD:
        raise Invalid("password too short", field="password", minimum=MIN_PASSWORD)
    return _hasher.hash(password)


def create_staff(session: Session, *, name: str, role: str, password: str, region: str | None, actor: str,
                 now: datetime, source: str | None = None) -> StaffUser:
    """Add a console account; Conflict when the name is taken."""
    name, region = name.strip(), (region or "").strip() or None
    if not name or len(name) > 64:
        raise Invalid("bad user name", field="name")
    if role not in STAFF_ROLES:
        raise Invalid("unknown role", field="role", allowed=STAFF_ROLES)
    if session.scalar(select(StaffUser.id).where(StaffUser.name == name)) is not None:
        raise Conflict("user exists", entity="staff", id=name)
    user = StaffUser(name=name, role=role, region=region, password_hash=hash_password(password), disabled=False,
                     failed_logins=0, created_at=now, updated_at=now)
    session.add(user)
    session.flush()
    audit.record(session, appid=None, actor=actor, action="staff.create", entity="staff", entity_id=name, now=now,
                 after={"role": role, "region": region}, source=source)
    return user


def list_staff(session: Session) -> list[StaffUser]:
    """Every console account, by name."""
    return list(session.scalars(select(StaffUser).order_by(StaffUser.name)))


def get_staff(session: Session, *, name: str) -> StaffUser:
    """The account called ``name``, or NotFound."""
    user = session.scalar(select(StaffUser).where(StaffUser.name == name))
    if user is None:
        raise NotFound("no such user", entity="staff", id=name)
    return user


def disable_staff(session: Session, *, name: str, actor: str, now: datetime, source: str | None = None) -> int:
    """Disable an account and end its sessions; returns how many sessions ended."""
    user = get_staff(session, name=name)
    before, user.disabled, user.updated_at = user.disabled, True, now
    ended = _end_sessions(session, user.id)
    audit.record(session, appid=None, actor=actor, action="staff.disable", entity="staff", entity_id=name, now=now,
                 before={"disabled": before}, after={"disabled": True}, source=source, sessions=ended)
    return ended


def reset_password(session: Session, *, name: str, password: str, actor: str, now: datetime,
                   source: str | None = None) -> None:
    """Set a new password, lift any lock and end the account's sessions."""
    user = get_staff(session, name=name)
    user.password_hash, user.failed_logins, user.locked_until = hash_password(password), 0, None
    user.updated_at = now
    ended = _end_sessions(session, user.id)
    audit.record(session, appid=None, actor=actor, action="staff.reset_password", entity="staff", entity_id=name,
                 now=now, source=source, sessions=ended)


def sign_in(session: Session, *, name: str, password: str, ip: str | None, now: datetime) -> SignIn:
    """Check a password; open a new session when right, count the failure (and lock) when wrong."""
    user = session.scalar(select(StaffUser).where(StaffUser.name == name.strip()))
    outcome = _check(user, password, now)
    if user is not None:
        outcome = _count(user, outcome, now)
    session.add(LoginAttempt(name=name.strip()[:64], ok=outcome.ok, reason=outcome.reason, ip=ip, at=now))
    if not outcome.ok or user is None:
        return outcome
    return SignIn(True, OK, token=_open_session(session, user, ip=ip, now=now))


def _check(user: StaffUser | None, password: str, now: datetime) -> SignIn:
    """Judge an attempt without changing anything (a locked account refuses even the right password)."""
    if user is None:
        _verify(_DUMMY_HASH, password)
        return SignIn(False, UNKNOWN)
    if user.locked_until is not None and user.locked_until > now:
        return SignIn(False, LOCKED, locked_until=user.locked_until)
    if not _verify(user.password_hash, password):
        return SignIn(False, BAD_PASSWORD)
    return SignIn(False, DISABLED) if user.disabled else SignIn(True, OK)  # only the owner learns it is disabled


def _count(user: StaffUser, outcome: SignIn, now: datetime) -> SignIn:
    """Reset the failure count on success; the fifth consecutive failure locks the account (outcome LOCKED)."""
    if outcome.ok:
        user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    elif outcome.reason == BAD_PASSWORD:
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.failed_logins, user.locked_until = 0, now + LOCK_FOR
            return SignIn(False, LOCKED, locked_until=user.locked_until)
    return outcome


def _verify(hashed: str, password: str) -> bool:
    """Whether ``password`` matches the argon2 hash."""
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    """What the sessions table stores of a cookie token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _open_session(session: Session, user: StaffUser, *, ip: str | None, now: datetime) -> str:
    """A fresh random session token (a new id at every sign-in); the table keeps its hash."""
    token = secrets.token_urlsafe(32)
    session.add(StaffSession(token_hash=_digest(token), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
                             created_at=now, last_seen_at=now, expires_at=now + SESSION_IDLE, ip=ip))
    session.flush()
    return token


def current_staff(session: Session, *, token: str, now: datetime) -> Staff | None:
    """The user of a live session (its idle expiry extended), or None when ended, expired or disabled."""
    row = session.get(StaffSession, _digest(token)) if token else None
    if row is None or row.expires_at <= now:
        return None
    user = session.get(StaffUser, row.user_id)
    if user is None or user.disabled:
        return None
    if now - row.last_seen_at > timedelta(minutes=1):
        row.last_seen_at, row.expires_at = now, now + SESSION_IDLE
    return Staff(user.id, user.name, user.role, user.region, row.csrf_token)


def sign_out(session: Session, *, token: str) -> bool:
    """End the session of ``token``; False when there was none."""
    return rowcount(session.execute(delete(StaffSession).where(StaffSession.token_hash == _digest(token)))) > 0


def _end_sessions(session: Session, user_id: int) -> int:
    """End every session of a user; returns how many."""
    return rowcount(session.execute(delete(StaffSession).where(StaffSession.user_id == user_id)))
