"""The 项目库: registering an achievement (chat or console), its owner's demand alerts (interests), listings."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain import audit
from bot.domain.errors import Invalid
from bot.domain.ids import next_short_id
from bot.store.models import Achievement, Demand, Interest
from knowledge.vocab import INDUSTRIES

ACHIEVEMENT_FIELDS = (
    "id", "status", "title", "summary", "field", "institution", "maturity", "ip", "keywords",
    "contact_name", "contact_title", "contact_phone", "owner_openid", "created_at",
)
MATCH_INTEREST = "match"  # Interest.kind of demand alerts (events use "event")


@dataclass(frozen=True)
class AlertTopic:
    """Which new demands a researcher wants to hear about: an industry and/or keywords."""

    industry: str | None = None
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class AchievementInput:
    """The fields of a new achievement plus the alerts its owner wants."""

    title: str
    summary: str
    field: str
    institution: str
    maturity: str
    ip: str | None = None
    keywords: list[str] = dataclasses.field(default_factory=list)
    region: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_title: str | None = None  # 教授 / 老师 / 博士, kept beside the name
    alerts: tuple[AlertTopic, ...] = ()


def submit_achievement(session: Session, *, data: AchievementInput, appid: str, openid: str | None,
                       now: datetime, actor: str | None = None) -> Achievement:
    """Store a new achievement under the next short id, and its owner's alert topics.

    ``actor`` is who entered it (a liaison officer in the console); it defaults to the owner ``openid``.
    """
    who = actor or openid
    if not who:
        raise Invalid("who entered the achievement is unknown", field="actor")
    fields = {f.name: getattr(data, f.name) for f in dataclasses.fields(data) if f.name != "alerts"}
    row = Achievement(id=next_short_id(session, kind="achievement"), appid=appid, owner_openid=openid,
                      created_at=now, updated_at=now, **fields)
    session.add(row)
    if openid:
        subscribe_to_demands(session, appid=appid, openid=openid, topics=data.alerts, now=now)
    audit.record(session, appid=appid, actor=who, action="achievement.submit", entity="achievement",
                 entity_id=row.id, now=now, alerts=len(data.alerts))
    session.flush()
    return row


def subscribe_to_demands(session: Session, *, appid: str, openid: str, topics: tuple[AlertTopic, ...],
                         now: datetime) -> int:
    """Remember the topics of new demands a researcher wants alerts about; returns how many were added."""
    for topic in topics:
        session.add(Interest(appid=appid, openid=openid, kind=MATCH_INTEREST, industry=topic.industry,
                             keywords=list(topic.keywords), created_at=now))
    return len(topics)


def list_topics(session: Session, *, appid: str, openid: str) -> list[str]:
    """The user's demand-alert topics, as named (keyword, else industry), oldest first, once each."""
    rows = session.scalars(select(Interest).where(
        Interest.appid == appid, Interest.openid == openid, Interest.kind == MATCH_INTEREST).order_by(Interest.id))
    return list(dict.fromkeys(n for n in map(_topic_name, rows) if n))


def _topic_name(row: Interest) -> str:
    """How a user names an interest: its industry (the achievement's field, kept with its key terms), else its word."""
    return row.industry or next(iter(row.keywords or []), None) or ""


def add_topics(session: Session, *, appid: str, openid: str, topics: list[str], now: datetime) -> list[str]:
    """Add demand-alert topics ('热处理'); a topic naming an industry also alerts on that industry. Returns the new ones."""
    have = set(list_topics(session, appid=appid, openid=openid))
    new = [t for t in dict.fromkeys(topics) if t not in have]
    subscribe_to_demands(session, appid=appid, openid=openid, now=now, topics=tuple(
        AlertTopic(t if t in INDUSTRIES else None, (t,)) for t in new))
    session.flush()
    return new


def drop_topics(session: Session, *, appid: str, openid: str, topics: list[str]) -> list[str]:
    """Remove demand-alert topics by name (a topic also matches when one contains the other); returns those removed."""
    rows = session.scalars(select(Interest).where(
        Interest.appid == appid, Interest.openid == openid, Interest.kind == MATCH_INTEREST))
    removed = []
    for row in rows:
        name = _topic_name(row)
        if name and any(t in name or name in t for t in topics):
            removed.append(name)
            session.delete(row)
    session.flush()
    return removed


def interested_researchers(session: Session, *, demand: Demand) -> list[str]:
    """The openids (once each, oldest interest first) whose alert topics fit the demand."""
    interests = session.scalars(select(Interest).where(
        Interest.appid == demand.appid, Interest.kind == MATCH_INTEREST).order_by(Interest.id))
    text = f"{demand.title}{demand.description}"
    fitting = (i.openid for i in interests if _fits(i, demand.industry, text))
    return list(dict.fromkeys(fitting))


def _fits(interest: Interest, industry: str, text: str) -> bool:
    """An interest fits when its industry matches or one of its keywords appears."""
    if interest.industry and interest.industry == industry:
        return True
    return any(k and k in text for k in interest.keywords)


def list_achievements(session: Session, *, appid: str) -> list[Achievement]:
    """The account's achievements ordered by id."""
    return list(session.scalars(select(Achievement).where(Achievement.appid == appid).order_by(Achievement.id)))
