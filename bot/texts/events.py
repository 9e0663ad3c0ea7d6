"""Chinese texts of the events domain: local times, lists, details and every notice, for older residents."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.clock import LOCAL_TZ

if TYPE_CHECKING:
    from bot.domain.events.signup import RegistrationView
    from bot.store.models import Event

WEEKDAYS = "一二三四五六日"
STATUS_TEXT = {"confirmed": "已报名", "waitlisted": "候补", "cancelled": "已取消", "expired": "候补未成功"}


def when_text(when: datetime) -> str:
    """A local time like ``3月13日（周六）09:30``."""
    local = when.astimezone(LOCAL_TZ)
    return f"{local.month}月{local.day}日（周{WEEKDAYS[local.weekday()]}）{local:%H:%M}"


def span_text(start: datetime, end: datetime) -> str:
    """A local time span: ``3月13日（周六）09:30–11:00`` (the end date is repeated only when it differs)."""
    s, e = start.astimezone(LOCAL_TZ), end.astimezone(LOCAL_TZ)
    tail = f"{e:%H:%M}" if s.date() == e.date() else when_text(end)
    return f"{when_text(start)}–{tail}"


def seats_text(event: Event, now: datetime) -> str:
    """Sign-up availability in a few words."""
    if event.status == "cancelled":
        return "活动已取消"
    if event.start <= now:
        return "活动已开始"
    if event.status == "closed" or event.signup_deadline <= now:
        return "报名已截止"
    left = event.capacity - event.seats_taken
    return f"剩余{left}个名额" if left > 0 else "名额已满，可登记候补"


def event_line(index: int, event: Event, now: datetime) -> str:
    """One numbered line of an event list."""
    return f"{index}. 【{event.id}】{event.title}\n   {when_text(event.start)}｜{event.region}｜{seats_text(event, now)}"


def events_list_text(events: Sequence[Event], now: datetime) -> str:
    """A numbered list of events with how to continue."""
    if not events:
        return "近期暂时没有符合条件的活动。发送“订阅社区活动”等，有新活动时会通知您。"
    lines = [event_line(i, e, now) for i, e in enumerate(events, start=1)]
    return "近期活动：\n" + "\n".join(lines) + "\n回复序号查看详情，或发送“报名+编号”，如“报名 " + events[0].id + "”。"


def party_rule_text(event: Event) -> str:
    """The party-size rule of one event."""
    if event.max_companions <= 0:
        return "每次只能报本人。"
    return f"每次最多报本人加{event.max_companions}名同行人（共{event.max_companions + 1}人）。"


def event_details_text(event: Event, now: datetime | None = None) -> str:
    """The details of one event for chat: time, place, speaker, seats, deadline, rules."""
    lines = [f"【{event.id}】{event.title}", f"时间：{span_text(event.start, event.end)}", f"地点：{event.location}"]
    if event.speaker:
        lines.append(f"主讲：{event.speaker}")
    if event.description:
        lines.append(f"内容：{event.description}")
    lines.append(f"报名截止：{when_text(event.signup_deadline)}")
    if now is not None:
        lines.append(f"名额：共{event.capacity}个，{seats_text(event, now)}")
    lines.append(party_rule_text(event))
    return "\n".join(lines)


def registration_text(view: RegistrationView) -> str:
    """One registration for “我的报名”: event, time, place, status, party and check-in code."""
    status = STATUS_TEXT.get(view.status, view.status)
    if view.status == "waitlisted" and view.position:
        status = f"候补第{view.position}位"
    if view.event_status == "cancelled":
        status = "活动已取消"
    party = f"{view.party_size}人" + (f"（同行：{'、'.join(view.companions)}）" if view.companions else "")
    lines = [f"【{view.event_id}】{view.title}", f"时间：{span_text(view.start, view.end)}",
             f"地点：{view.location}", f"状态：{status}｜人数：{party}"]
    if view.status == "confirmed" and view.event_status != "cancelled":
        lines.append(f"签到码：{view.checkin_code}")
    return "\n".join(lines)


def my_registrations_text(views: Sequence[RegistrationView]) -> str:
    """The whole “我的报名” reply."""
    if not views:
        return "您目前没有报名的活动。发送“科普活动”查看近期活动。"
    body = "\n\n".join(f"{i}. " + registration_text(v) for i, v in enumerate(views, start=1))
    return "您的报名：\n" + body + "\n\n不能参加请发送“取消报名”。到场时出示签到码即可签到。"


def confirmed_text(view: RegistrationView) -> str:
    """Reply to a confirmed sign-up."""
    return (f"报名成功！\n活动：{view.title}\n时间：{span_text(view.start, view.end)}\n地点：{view.location}\n"
            f"人数：{view.party_size}人\n签到码：{view.checkin_code}\n请提前到场，凭签到码签到。不能参加请发送“取消报名”。")


def waitlisted_text(view: RegistrationView) -> str:
    """Reply to a sign-up that went onto the waitlist."""
    return (f"“{view.title}”名额已满，已为您登记候补，目前排第{view.position}位。"
            "有人取消时按登记先后递补，递补成功会通知您。")


def promoted_text(view: RegistrationView) -> str:
    """Notice to a waitlisted person who got a seat."""
    return (f"好消息！您候补的“{view.title}”有名额了，已转为正式报名。\n时间：{span_text(view.start, view.end)}\n"
            f"地点：{view.location}\n签到码：{view.checkin_code}\n不能参加请发送“取消报名”。")


def reminder_text(view: RegistrationView, now: datetime) -> str:
    """Reminder before an event starts."""
    hours = max(1, round((view.start - now) / timedelta(hours=1)))
    soon = f"约{hours}小时后" if hours < 12 else when_text(view.start)
    return (f"活动提醒：您报名的“{view.title}”将于{soon}开始。\n时间：{span_text(view.start, view.end)}\n"
            f"地点：{view.location}\n签到码：{view.checkin_code}\n不能参加请发送“取消报名”。")


def change_text(event: Event, changes: Sequence[str]) -> str:
    """Notice of a change of time or place."""
    return (f"活动变更通知：您报名的“{event.title}”{'，'.join(changes)}。\n"
            f"时间：{span_text(event.start, event.end)}\n地点：{event.location}\n不能参加请发送“取消报名”。")


def event_cancelled_text(event: Event, reason: str | None) -> str:
    """Notice that an event was cancelled."""
    why = f"原因：{reason}。" if reason else ""
    return f"活动取消通知：很抱歉，您报名的“{event.title}”（原定{when_text(event.start)}）已取消。{why}给您带来不便，敬请谅解。"


def waitlist_expired_text(event: Event) -> str:
    """Notice that a waitlisted sign-up lapsed at the deadline."""
    return f"很抱歉，“{event.title}”报名已截止，您的候补未能递补成功。欢迎关注其他活动，发送“科普活动”查看。"


def announcement_text(events: Sequence[Event]) -> str:
    """Digest of new events for one subscriber."""
    lines = [f"{i}. 【{e.id}】{e.title}｜{when_text(e.start)}｜{e.region}" for i, e in enumerate(events, start=1)]
    return ("新活动通知：\n" + "\n".join(lines) + f"\n发送“报名+编号”即可报名，如“报名 {events[0].id}”。"
            "发送“退订活动”不再接收。")
