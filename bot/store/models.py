"""SQLAlchemy 2 models: every table of the product.

Rows that belong to a WeChat account carry ``appid`` so one deployment can serve several 公众号;
demands, achievements and events carry their ``region``. Times are timezone-aware UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.clock import utcnow


class UTCDateTime(TypeDecorator[datetime]):
    """A DateTime that always stores UTC and always returns aware datetimes (also on SQLite)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Normalise to UTC; naive values are refused."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored in a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Attach UTC to values SQLite returns naive."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with the JSON and time types mapped."""

    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, list[str]: JSON, datetime: UTCDateTime}


class Timestamped:
    """Adds created_at / updated_at."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# Demand (问题库) review states.
DEMAND_PENDING, DEMAND_PUBLISHED, DEMAND_MATCHED, DEMAND_CLOSED = "待审核", "已发布", "已对接", "已关闭"
DEMAND_STATUSES = (DEMAND_PENDING, DEMAND_PUBLISHED, DEMAND_MATCHED, DEMAND_CLOSED)
MATCHABLE_DEMAND_STATUSES = (DEMAND_PUBLISHED, DEMAND_MATCHED)  # demands whose matches may be alerted


class User(Timestamped, Base):
    """A WeChat user of one account: roles, consent and the profile they chose to give."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("appid", "openid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appid: Mapped[str] = mapped_column(String(64))
    openid: Mapped[str] = mapped_column(String(128))
    roles: Mapped[list[str]] = mapped_column(default=list)
    name: Mapped[str | None] = mapped_column(String(64))
    contact_title: Mapped[str | None] = mapped_column(String(16))  # 教授 / 工 / 博士 beside the name
    phone: Mapped[str | None] = mapped_column(String(32))
    company: Mapped[str | None] = mapped_column(String(200))
    consent_at: Mapped[datetime | None]
    subscribed: Mapped[bool] = mapped_column(Boolean, default=True)
    unsubscribed_at: Mapped[datetime | None]
    last_inbound_at: Mapped[datetime | None]
    profile: Mapped[dict[str, Any]] = mapped_column(default=dict)


class SubscribeGrant(Base):
    """Whether a user accepted or rejected one subscribe-message (订阅通知) template."""

    __tablename__ = "subscribe_grants"
    __table_args__ = (UniqueConstraint("appid", "openid", "template_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appid: Mapped[str] = mapped_column(String(64))
    openid: Mapped[str] = mapped_column(String(128))
    template_id: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16))  # accept | reject
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Conversation(Base):
    """The persisted dialogue state of one user (flow, step, draft) as typed JSON."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("appid", "openid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appid: Mapped[str] = mapped_column(String(64))
    openid: Mapped[str] = mapped_column(String(128))
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)  # the user's last turn (set by the pipeline)


class InboundMessage(Base):
    """One delivery from WeChat, claimed by its dedup key; holds the reply for retries."""

    __tablename__ = "inbound_messages"
    __table_args__ = (UniqueConstraint("appid", "dedup_key"), Index("ix_inbound_user", "appid", "openid"),
                      Index("ix_inbound_lease", "status", "lease_until"))

    id: Mapped[int] = mapped_column(primary_key=True)
    appid: Mapped[str] = mapped_column(String(64))
    dedup_key: Mapped[str] = mapped_column(String(255))
    openid: Mapped[str] = mapped_column(String(128))
    msg_type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="processing")  # processing|deferred|done|failed
    replies: Mapped[list[Any]] = mapped_column(default=list)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    fields: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the message, kept until it is answered
    owner: Mapped[str | None] = mapped_column(String(64))  # the worker answering it
    lease_until: Mapped[datetime | None]  # renewed while the owner works; past it, another worker takes over


class Demand(Timestamped, Base):
    """A demand in the 问题库 (technology, talent, funding or testing need)."""

    __tablename__ = "demands"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    appid: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    industry: Mapped[str] = mapped_column(String(32))
    need_type: Mapped[str] = mapped_column(String(32))
    region: Mapped[str] = mapped_column(String(64))
    budget: Mapped[str] = mapped_column(String(64))
    budget_low_wan: Mapped[float | None] = mapped_column(Float)
    budget_high_wan: Mapped[float | None] = mapped_column(Float)
    budget_raw: Mapped[str | None] = mapped_column(String(200))  # the user's own words ("八十万左右")
    company: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str | None] = mapped_column(String(64))
    contact_title: Mapped[str | None] = mapped_column(String(16))  # 教授 / 工 / 博士 beside the name
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    openid: Mapped[str | None] = mapped_column(String(128), index=True)
    status: Mapped[str] = mapped_column(String(16), default=DEMAND_PENDING, index=True)
    review_note: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    matched_at: Mapped[datetime | None]  # when matching last ran for this demand


class Achievement(Timestamped, Base):
    """An achievement in the 项目库 (a researcher's result offered for transfer)."""

    __tablename__ = "achievements"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    appid: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(String(32))
    institution: Mapped[str] = mapped_column(String(200))
    maturity: Mapped[str] = mapped_column(String(16))
    ip: Mapped[str | None] = mapped_column(String(200))
    keywords: Mapped[list[str]] = mapped_column(default=list)
    region: Mapped[str | None] = mapped_column(String(64))
    contact_name: Mapped[str | None] = mapped_column(String(64))
    contact_title: Mapped[str | None] = mapped_column(String(16))  # 教授 / 工 / 博士 beside the name
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    owner_openid: Mapped[str | None] = mapped_column(String(128), index=True)
    status: Mapped[str] = mapped_column(String(16), default="已发布")
    matched_at: Mapped[datetime | None]  # when matching last ran for this achievement


class Interest(Base):
    """What a user wants alerts about: matching fields/keywords, or event regions/categories."""

    __tablename__ = "interests"

    id: Mapped[int] = mapped_column(primary_key=True)
    appid: Mapped[str] = mapped_column(String(64))
    openid: Mapped[str] = mapped_column(String(128), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # match | event
    industry: Mapped[str | None] = mapped_column(String(32))
    region: Mapped[str | None] = mapped_column(String(64))
    category: Mapped[str | None] = mapped_column(String(32))
    keywords: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Match(Timestamped, Base):
    """A recommended demand–achievement pair and its lifecycle."""

    __tablename__ = "matches"
    __table_args__ = (UniqueConstraint("demand_id", "achievement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appid: Mapped[str] = mapped_column(String(64))
    demand_id: Mapped[str] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"))
    achievement_id: Mapped[str] = mapped_column(ForeignKey("achievements.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(default=list)
    state: Mapped[str] = mapped_column(String(24), default="recommended", index=True)
    demand_side: Mapped[str | None] = mapped_column(String(16))  # interested | declined
    achievement_side: Mapped[str | None] = mapped_column(String(16))
    decline_reason: Mapped[str | None] = mapped_column(String(200))
    history: Mapped[list[Any]] = mapped_column(default=list)  # [{"state", "at"}]


class Event(Timestamped, Base):
    """An event (健康科普, technology service, training) residents can sign up for."""

    __tablename__ = "events"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    appid: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32))
    start: Mapped[datetime]
    end: Mapped[datetime]
    location: Mapped[str] = mapped_column(String(300))
    region: Mapped[str] = mapped_column(String(64))
    capacity: Mapped[int] = mapped_column(Integer)
    signup_deadline: Mapped[datetime]
    description: Mapped[str] = mapped_column(Text, default="")
    speaker: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed | cancelled
    max_companions: Mapped[int] = mapped_column(Integer, default=2)
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    reg_seq: Mapped[int] = mapped_column(Integer, default=0)  # last arrival number given to a sign-up
    change_version: Mapped[int] = mapped_column(Integer, default=0)  # bumped by each notified change
    announced_at: Mapped[datetime | None]


class Registration(Timestamped, Base):
    """A sign-up for an event: confirmed, waitlisted (in arrival order) or cancelled."""

    __tablename__ = "registrations"
    __table_args__ = (UniqueConstraint("event_id", "appid", "openid"), Index("ix_reg_event_status", "event_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    appid: Mapped[str] = mapped_column(String(64))
    openid: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(32))
    company: Mapped[str | None] = mapped_column(String(200))
    party_size: Mapped[int] = mapped_column(Integer, default=1)
    companions: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16))  # confirmed | waitlisted | cancelled | expired
    seq: Mapped[int] = mapped_column(Integer)
    checkin_code: Mapped[str] = mapped_column(String(16), unique=True)
    checked_in_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]


class Outbox(Base):
    """One outbound push: sent at least once, never duplicated (unique idempotency key)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appid: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    openid: Mapped[str] = mapped_column(String(128), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # match_alert | event_reminder | answer | ...
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    channel: Mapped[str | None] = mapped_column(String(16))  # subscribe|template|custom|inbox
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|sending|sent|inbox|dead|uncertain
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


HANDOFF_OPEN, HANDOFF_ASSIGNED, HANDOFF_CLOSED = "open", "assigned", "closed"
HANDOFF_ACTIVE = (HANDOFF_OPEN, HANDOFF_ASSIGNED)  # a person is (to be) handling it: the bot steps back


class HandoffRequest(Base):
    """A user's request to talk to a liaison officer (转人工): open → assigned → closed."""

    __tablename__ = "handoff_requests"
    __table_args__ = (Index("ix_handoff_user", "appid", "openid", "status"),)  # 'is a person handling this user?'

    id: Mapped[int] = mapped_column(primary_key=True)
    appid: Mapped[str] = mapped_column(String(64))
    openid: Mapped[str] = mapped_column(String(128))
    question: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=HANDOFF_OPEN)  # open | assigned | closed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    region: Mapped[str | None] = mapped_column(String(64))  # from the user's records, when known
    snapshot: Mapped[list[Any]] = mapped_column(default=list)  # [{"direction", "text", "at"}] when opened
    followups: Mapped[list[Any]] = mapped_column(default=list)  # [{"text", "at"}] the user wrote while waiting
    assignee: Mapped[str | None] = mapped_column(String(64))  # the console user who took it
    assigned_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(64))
    rating_asked_at: Mapped[datetime | None]
    rating: Mapped[int | None] = mapped_column(Integer)  # 1 (不满意) … 3 (满意), from the user's one tap
    rated_at: Mapped[datetime | None]
    alerted_at: Mapped[datetime | None]  # when staff were told of it (template message to staff openids)


class HandoffReply(Base):
    """A liaison's reply to a hand-off: sent as a customer-service message, or held for the user's next message."""

    __tablename__ = "handoff_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("handoff_requests.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    outbox_key: Mapped[str] = mapped_column(String(255))
    outcome: Mapped[str] = mapped_column(String(16))  # queued | sent | held | failed | uncertain
    error: Mapped[str | None] = mapped_column(Text)  # WeChat's explanation when the send failed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class KbUpload(Base):
    """An uploaded knowledge-base document and its background ingestion (queued → parsing → indexing → done)."""

    __tablename__ = "kb_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    doc: Mapped[str] = mapped_column(String(255))  # the document id (file name without extension)
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued|parsing|indexing|done|failed
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent
    chunks: Mapped[int | None] = mapped_column(Integer)
    sections: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(32))  # a reason code (unsupported, unreadable, empty, ...)
    content: Mapped[bytes | None] = mapped_column(LargeBinary)  # the file until it is ingested (any worker can)
    actor: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class UnansweredQuestion(Base):
    """A question the bot declined or answered with low confidence: the to-do list of the knowledge base."""

    __tablename__ = "unanswered_questions"
    __table_args__ = (Index("ix_unanswered_open", "appid", "resolved_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appid: Mapped[str] = mapped_column(String(64))
    openid: Mapped[str] = mapped_column(String(128), index=True)
    question: Mapped[str] = mapped_column(Text)
    declined: Mapped[bool] = mapped_column(Boolean)  # False: answered, but with low confidence
    confidence: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(64))


class AuditLog(Base):
    """Who did what to which record, when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    appid: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str | None] = mapped_column(String(32))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class AccessToken(Base):
    """The WeChat access token of one account, shared by every process."""

    __tablename__ = "access_tokens"

    appid: Mapped[str] = mapped_column(String(64), primary_key=True)
    token: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AccountFlag(Base):
    """A per-account fact learned at run time (e.g. customer-service API not permitted → pull mode)."""

    __tablename__ = "account_flags"

    appid: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Lease(Base):
    """A named lease (e.g. the scheduler) held by one process until it expires."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime]


class Counter(Base):
    """Monotonic counters for short human ids (D26, A71, …)."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class WechatNonce(Base):
    """A signed request's nonce, bound to the one message (dedup key) it first came with; shared by workers."""

    __tablename__ = "wechat_nonces"
    __table_args__ = (UniqueConstraint("appid", "nonce"), Index("ix_wechat_nonces_seen", "seen_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    appid: Mapped[str] = mapped_column(String(64))
    nonce: Mapped[str] = mapped_column(String(64))
    dedup_key: Mapped[str] = mapped_column(String(255))
    seen_at: Mapped[datetime]


# Console (联络员后台) accounts. A liaison with a region sees only records of that region.
STAFF_ADMIN, STAFF_LIAISON = "admin", "liaison"
STAFF_ROLES = (STAFF_ADMIN, STAFF_LIAISON)


class StaffUser(Timestamped, Base):
    """A console account (admin or liaison); the password is an argon2id hash."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    region: Mapped[str | None] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)  # consecutive, reset by a success
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]


class StaffSession(Base):
    """A signed-in console session; the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ip: Mapped[str | None] = mapped_column(String(64))


class LoginAttempt(Base):
    """One console sign-in attempt (failed or successful), kept for the record."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    ok: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(32))  # ok | bad_password | unknown | locked | disabled
    ip: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ChatLine(Base):
    """One line of a chat transcript: a user's message or the bot's reply (erased with the user's data)."""

    __tablename__ = "chat_lines"
    __table_args__ = (Index("ix_chat_lines_user", "appid", "openid", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appid: Mapped[str] = mapped_column(String(64))
    openid: Mapped[str] = mapped_column(String(128))
    direction: Mapped[str] = mapped_column(String(8))  # in (user) | out (bot reply) | staff (a liaison's message)
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class MatchIndexEntry(Base):
    """The matcher's index journal: the newest indexed state of each record (fields, tokens, vector) and
    the version it was written under (the ``match_index`` counter); every process follows it."""

    __tablename__ = "match_index"
    __table_args__ = (Index("ix_match_index_version", "version"),)

    side: Mapped[str] = mapped_column(String(16), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))
    fields: Mapped[str] = mapped_column(Text)
    tokens: Mapped[str] = mapped_column(Text)
    tokenizer: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(128))
    vector: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
