"""Chinese texts of events, for older residents: local times, lists, details, replies and every notice.

Shared by the chat handlers, the CLI (and the console) and the outbox notices the domain queues.
Plain wording over plain values: the domain's types are imported for type checking only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.clock import LOCAL_TZ

if TYPE_CHECKING:
    from bot.domain.errors import DomainError
    from bot.domain.events.checkin import CheckinResult
    from bot.domain.events.signup import CancelResult, PartyResult, SignupResult
    from bot.domain.events.views import RegistrationView
    from bot.store.models import Event

WEEKDAYS = "一二三四五六日"
STATUS_TEXT = {"confirmed": "已报名", "waitlisted": "候补", "cancelled": "已取消", "expired": "候补未成功"}
CLOSED_TEXT = {"cancelled": "活动已取消", "started": "活动已开始", "closed": "报名已截止", "deadline_passed": "报名已截止"}
PERIOD_TEXT = {"today": "今天", "tomorrow": "明天", "day_after_tomorrow": "后天", "week_after_next": "下下周",
               "next_weekend": "下周末", "next_week": "下周", "this_weekend": "本周末", "this_week": "本周",
               "next_month": "下个月", "this_month": "本月"}
EXPORT_HEADERS = {"seq": "序号", "status": "状态", "position": "候补位次", "name": "姓名", "phone": "手机号",
                  "company": "单位", "party_size": "人数", "companions": "同行人", "checkin_code": "签到码",
                  "checked_in_at": "签到时间", "created_at": "报名时间"}
EXPORT_SHEET_TITLE = "报名名单"
CANCEL_HINT = "不能参加请发送“取消报名”。"

# --- times --------------------------------------------------------------------------------------


def when_text(when: datetime) -> str:
    """A local time like ``3月13日（周六）09:30``."""
    local = when.astimezone(LOCAL_TZ)
    return f"{local.month}月{local.day}日（周{WEEKDAYS[local.weekday()]}）{local:%H:%M}"


def span_text(start: datetime, end: datetime) -> str:
    """A local time span: ``3月13日（周六）09:30–11:00`` (the end date is repeated only when it differs)."""
    s, e = start.astimezone(LOCAL_TZ), end.astimezone(LOCAL_TZ)
    tail = f"{e:%H:%M}" if s.date() == e.date() else when_text(end)
    return f"{when_text(start)}–{tail}"


def time_place_text(start: datetime, end: datetime, location: str) -> str:
    """The two lines ``时间：…`` and ``地点：…`` of an event."""
    return f"时间：{span_text(start, end)}\n地点：{location}"


# --- lists and details --------------------------------------------------------------------------


def seats_text(event: Event, closed: str | None) -> str:
    """Sign-up availability in a few words; ``closed`` is the domain's reason code (None when open)."""
    if closed:
        return CLOSED_TEXT.get(closed, "报名已截止")
    left = event.capacity - event.seats_taken
    return f"剩余{left}个名额" if left > 0 else "名额已满，可登记候补"


MINE_TEXT = {"confirmed": "｜您已报名", "waitlisted": "｜您在候补名单上"}


def event_line(index: int, event: Event, closed: str | None, status: str | None = None) -> str:
    """One numbered line of an event list (``status``: the user's registration for it, if any)."""
    mine = MINE_TEXT.get(status or "", "")
    return f"{index}. 【{event.id}】{event.title}\n   {when_text(event.start)}｜{event.region}｜{seats_text(event, closed)}{mine}"


def events_list_text(listing: Sequence[tuple[Event, str | None]], booked: Mapping[str, str] | None = None) -> str:
    """A numbered list of (event, closed reason) with how to continue; events in ``booked`` (id → the user's
    registration status) are marked."""
    if not listing:
        return "近期暂时没有符合条件的活动。发送“订阅社区活动”等，有新活动时会通知您。"
    mine = booked or {}
    lines = [event_line(i, event, closed, mine.get(event.id)) for i, (event, closed) in enumerate(listing, start=1)]
    first = listing[0][0].id
    return "近期活动：\n" + "\n".join(lines) + "\n回复序号查看详情，或发送“报名+编号”，如“报名 " + first + "”。"


def period_text(period: str) -> str:
    """A period code of a list filter (``next_week``, ``month:5``) in words."""
    if period.startswith("month:"):
        return f"{period.removeprefix('month:')}月"
    return PERIOD_TEXT.get(period, period)


AUDIENCE_TEXT = {"children": "适合孩子", "elderly": "适合老人"}


def filter_text(region: str | None, category: str | None, period: str | None, audience: str | None = None) -> str:
    """The filters of a list request said back (``下周、谷城``, ``适合孩子``); empty when there are none."""
    said = (period_text(period) if period else None, region, category, AUDIENCE_TEXT.get(audience or ""))
    return "、".join(x for x in said if x)


def party_rule_text(event: Event) -> str:
    """The party-size rule of one event."""
    if event.max_companions <= 0:
        return "每次只能报本人。"
    return f"每次最多报本人加{event.max_companions}名同行人（共{event.max_companions + 1}人）。"


def party_over_limit_text(event: Event, asked: int) -> str:
    """A party larger than one registration may hold, said while signing up: the rule, and what to do instead."""
    most = event.max_companions + 1
    return (f"您说的是{asked}人，但{party_rule_text(event)}这次报不了{asked}人。\n"
            f"请告诉我这次报哪几位（最多{most}人，含您本人）；其余的人可以用他们自己的微信另外报名。")


def party_over_limit_note(asked: int) -> str:
    """The line under a sign-up summary after a party over the limit was not taken."""
    return f"（刚才说的{asked}人超过每次报名的上限，这次只报您本人；要带同行人请直接告诉我，例如“带老伴一起”。）"


def party_change_over_limit_text(event: Event, asked: int, now: int) -> str:
    """A party change that would exceed the limit: refused before asking, the registration stays as it is."""
    return (f"改成{asked}人报不了：{party_rule_text(event)}“{event.title}”的报名保持不变（现在{now}人）。"
            "其余的人可以用他们自己的微信另外报名。")


def event_details_text(event: Event, closed: str | None) -> str:
    """The details of one event for chat: time, place, speaker, content, deadline, seats, party rule."""
    lines = [f"【{event.id}】{event.title}", time_place_text(event.start, event.end, event.location)]
    if event.speaker:
        lines.append(f"主讲：{event.speaker}")
    if event.description:
        lines.append(f"内容：{event.description}")
    lines.append(f"报名截止：{when_text(event.signup_deadline)}")
    lines.append(f"名额：共{event.capacity}个，{seats_text(event, closed)}")
    lines.append(party_rule_text(event))
    return "\n".join(lines)


# --- registrations ------------------------------------------------------------------------------


def party_text(party_size: int, companions: Sequence[str]) -> str:
    """``2人（同行：李德全）``."""
    return f"{party_size}人" + (f"（同行：{'、'.join(companions)}）" if companions else "")


def signup_summary_text(title: str, *, name: str, phone: str, company: str | None, party_size: int,
                        companions: Sequence[str]) -> str:
    """A sign-up as collected so far, for the user to check."""
    who = f"{name} {phone}" + (f"，{company}" if company else "")
    return f"报名“{title}”：{who}，{party_text(party_size, companions)}。"


def registration_text(view: RegistrationView) -> str:
    """One registration for “我的报名”: event, time, place, who, status, party and check-in code."""
    status = STATUS_TEXT.get(view.status, view.status)
    if view.status == "waitlisted" and view.position:
        status = f"候补第{view.position}位"
    if view.event_status == "cancelled":
        status = "活动已取消"
    lines = [f"【{view.event_id}】{view.title}", time_place_text(view.start, view.end, view.location),
             f"报名人：{view.name}｜状态：{status}｜人数：{party_text(view.party_size, view.companions)}"]
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
    """Reply to a confirmed sign-up: who is booked (a relative signed up for shows as such), party, check-in code."""
    return (f"报名成功！\n活动：{view.title}\n{time_place_text(view.start, view.end, view.location)}\n"
            f"报名人：{view.name} {view.phone}\n人数：{party_text(view.party_size, view.companions)}\n"
            f"签到码：{view.checkin_code}\n请提前到场，凭签到码签到。{CANCEL_HINT}")


def waitlisted_text(view: RegistrationView) -> str:
    """Reply to a sign-up that went onto the waitlist."""
    return (f"“{view.title}”名额已满，已为您登记候补，目前排第{view.position}位。"
            "有人取消时按登记先后递补，递补成功会通知您。")


# --- refusals and outcomes ----------------------------------------------------------------------


def refusal_text(refusal: str, event: Event | None) -> str:
    """A clear Chinese message for each refusal code of sign-up, cancellation and check-in."""
    title = f"“{event.title}”" if event else "这个活动"
    deadline = f"（截止时间{when_text(event.signup_deadline)}）" if event else ""
    texts = {
        "not_found": "没有找到这个活动。发送“科普活动”可以查看近期活动。",
        "cancelled": f"{title}已取消，不能报名。",
        "closed": f"{title}已停止报名。",
        "deadline_passed": f"{title}的报名已截止{deadline}。",
        "started": f"{title}已经开始或已结束，不能再报名或取消。",
        "party_too_large": party_rule_text(event) if event else "报名人数超过上限。",
        "invalid_party": "人数不对：人数要包括您本人，同行人数不能超过总人数减一。",
        "already_registered": f"您已经报名了{title}。",
        "not_registered": f"您没有报名{title}，或已经取消过了。",
        "not_confirmed": "这个报名不是正式报名（候补或已取消），不能签到。",
        "no_seats": f"{title}剩下的名额不够再加人了，报名保持不变。",
    }
    return texts[refusal]


def signup_reply(result: SignupResult) -> str:
    """The reply to a sign-up: confirmed (with the code), waitlisted (with the position), or why not."""
    view = result.registration
    if view is not None and result.refusal in (None, "already_registered"):
        prefix = "您已经报过名了。\n" if result.refusal else ""
        return prefix + (confirmed_text(view) if view.status == "confirmed" else waitlisted_text(view))
    return refusal_text(result.refusal or "not_found", result.event)


def cancel_reply(result: CancelResult) -> str:
    """The reply to a cancellation (with a gentle note when it came late), or why not."""
    if result.refusal or result.event is None:
        return refusal_text(result.refusal or "not_found", result.event)
    late = f"（离活动开始已不足{result.late_hours}小时，下次请尽量提前取消。）" if result.late_hours else ""
    return f"已为您取消“{result.event.title}”的报名。{late}欢迎下次参加。"


def proxy_name_ask(phone: str) -> str:
    """Signing a family member up: ask who goes; the user's stored phone is kept unless they send another."""
    return f"请问参加的家人怎么称呼（姓名）？联系电话先用您上次留的 {phone}，要换请直接发新号码。"


def party_change_ask(title: str, name: str, party_size: int, companions: Sequence[str]) -> str:
    """Ask before changing who comes along."""
    unnamed = party_size - 1 - len(companions)
    who = name + (f"，同行：{'、'.join(companions)}" if companions else "") + (f"，另有{unnamed}位同行人" if unnamed > 0 else "")
    who += "" if party_size > 1 else "，没有同行人"
    return f"要把“{title}”的报名改为{party_size}人（{who}）吗？\n回复“确认”修改，回复“不用”保持不变。"


def rename_ask(title: str, old: str, new: str) -> str:
    """Ask before correcting the registrant's name."""
    return f"要把“{title}”的报名人姓名从“{old}”改为“{new}”吗？\n回复“确认”修改，回复“不用”保持不变。"


def renamed_reply(result: PartyResult) -> str:
    """The reply to a corrected registrant name, or why not."""
    view = result.registration
    if result.refusal or view is None:
        return refusal_text(result.refusal or "not_found", result.event)
    return f"已修改：“{view.title}”的报名人现在是{view.name}，{party_text(view.party_size, view.companions)}。签到码不变：{view.checkin_code}。"


def cancel_ask(view: RegistrationView) -> str:
    """Ask before cancelling: which event and whom."""
    return (f"要取消“{view.title}”（{when_text(view.start)}）的报名吗？报名人：{view.name}，"
            f"{party_text(view.party_size, view.companions)}。\n回复“确认”取消，回复“不用”保留报名。")


def party_changed_reply(result: PartyResult) -> str:
    """The reply to a party change, or why not."""
    view = result.registration
    if result.refusal or view is None:
        return refusal_text(result.refusal or "not_found", result.event)
    return f"已修改：“{view.title}”现在报名{party_text(view.party_size, view.companions)}。签到码不变：{view.checkin_code}。"


# (what the question asks, words showing the record covers it, the label): '要带点啥' is answered by '请携带老花镜'.
# The asks are framed ('管不管饭', '好停车吗'), so small talk ('你吃饭了吗', '我先去吃饭了') is no event question.
_UNSTATED = (("停车|车位", "停车|车位", "停车安排"),
             ("管饭|包饭|管不管饭|供饭|有(?:没有)?(?:午饭|盒饭|饭吃)|吃饭(?:怎么办|咋办|的地方)", "饭|餐", "用餐安排"),
             ("带(?:点|些)?(?:什么|啥|哪些|东西|证件)", "携带|带上|带好|请带|需带|自带", "需要携带的东西"),
             ("电梯|轮椅|无障碍", "电梯|轮椅|无障碍", "无障碍设施"))
UNSTATED_ASKS = "|".join(ask for ask, _covered, _label in _UNSTATED)


def _unstated(event: Event, question: str) -> list[str]:
    """What the question asks that the event's record does not say ('好不好停车'): named, never guessed."""
    said = f"{event.description or ''}{event.location}"
    asked = [label for ask, covered, label in _UNSTATED if re.search(ask, question) and not re.search(covered, said)]
    return [f"活动信息里没有写明{'、'.join(asked)}；需要确认可回复“转人工”，由工作人员为您询问。"] if asked else []


PARTY_ASK = re.compile(r"(?:能|可以|可不可以|可)(?:带|报)(?:几|多少)个?人?|最多(?:能|可以)?(?:带|报)(?:几|多少)|"
                       r"带几个|几个人(?:能|可以)|(?:能|可以)(?:带|报)[^，,。；;]{0,6}[吗么嘛]$")  # '能带几个人啊', '可以报三个人吗'


def event_answer_text(event: Event, question: str) -> str:
    """A question about the event asked in passing ('几点开始', '在哪', '谁讲', '好停车吗'), answered from its record;
    a detail the record does not hold is said to be missing."""
    lines = [f"【{event.id}】{event.title}"]
    if any(w in question for w in ("哪", "地点", "地址", "位置", "怎么去")):
        lines.append(f"地点：{event.location}")
    if any(w in question for w in ("几点", "时间", "什么时候", "啥时候", "几号", "哪天", "多久", "开始", "结束")):
        lines.append(f"时间：{span_text(event.start, event.end)}")
    if event.speaker and re.search(r"谁讲|主讲|哪个(?:医生|专家|老师)|什么(?:医生|专家|老师)", question):
        lines.append(f"主讲：{event.speaker}")
    if PARTY_ASK.search(question):
        lines.append(party_rule_text(event))
    unstated = _unstated(event, question)
    if len(lines) == 1:
        lines += [time_place_text(event.start, event.end, event.location)]
        if event.description:
            lines.append(f"内容：{event.description}")
    return "\n".join(lines + unstated)


def checkin_text(result: CheckinResult) -> str:
    """A short line for the operator at the door."""
    reg = result.registration
    if reg is None:
        return "签到码无效，请核对后重试。"
    who = f"{reg.name}（{reg.party_size}人）"
    if result.refusal == "cancelled":
        return f"“{reg.title}”已取消，{who}无需签到。"
    if result.refusal:
        return f"{who}的报名状态是“{STATUS_TEXT.get(reg.status, reg.status)}”，不能签到。"
    if result.already and reg.checked_in_at:
        return f"{who}已于{when_text(reg.checked_in_at)}签到过：{reg.title}"
    return f"{who}签到成功：{reg.title}"


EVENT_ERRORS = {
    "not_found": "没有编号为 {event_id} 的活动",
    "conflict": "活动编号 {event_id} 已存在",
    "closed": "活动 {event_id} 已取消，不能再修改",
    "missing": "缺少必填项：{fields}",
    "unknown_fields": "不能修改的字段：{fields}",
    "naive_time": "{field} 必须带时区，例如 2027-03-13T09:30:00+08:00",
    "deadline_after_start": "报名截止时间不能晚于活动开始时间",
    "end_not_after_start": "结束时间必须晚于开始时间",
    "unknown_category": "类别必须是：{categories}",
    "capacity_below_taken": "名额不能少于已确认的 {seats_taken} 人（且至少为 1）",
    "negative_companions": "同行人数不能为负",
    "unknown_status": "状态只能是 open（开放报名）或 closed（停止报名）",
    "cancel_by_edit": "不能通过修改状态取消活动，请使用“取消活动”（kc events cancel）",
    "unknown_format": "不支持的导出格式 {fmt}（可选：{formats}）",
}


class _Facts(dict[str, object]):
    """Facts for a message template: a fact the error did not carry reads as empty."""

    def __missing__(self, key: str) -> str:
        """An empty string for a missing fact."""
        return ""


def event_error_text(error: DomainError) -> str:
    """Why an event use case refused, in Chinese (for the CLI and the console)."""
    key = getattr(error, "rule", None) or error.code
    template = EVENT_ERRORS.get(key) or EVENT_ERRORS.get(error.code) or "操作未完成（{code}）"
    facts = {k: "、".join(map(str, v)) if isinstance(v, list | tuple) else v for k, v in error.facts.items()}
    return template.format_map(_Facts(facts, code=error.code))


# --- notices ------------------------------------------------------------------------------------


def promoted_text(view: RegistrationView) -> str:
    """Notice to a waitlisted person who got a seat."""
    return (f"好消息！您候补的“{view.title}”有名额了，已转为正式报名。\n"
            f"{time_place_text(view.start, view.end, view.location)}\n签到码：{view.checkin_code}\n{CANCEL_HINT}")


def reminder_text(view: RegistrationView, now: datetime) -> str:
    """Reminder before an event starts."""
    hours = max(1, round((view.start - now) / timedelta(hours=1)))
    soon = f"约{hours}小时后" if hours < 12 else when_text(view.start)
    return (f"活动提醒：您报名的“{view.title}”将于{soon}开始。\n"
            f"{time_place_text(view.start, view.end, view.location)}\n签到码：{view.checkin_code}\n{CANCEL_HINT}")


def change_text(event: Event, kinds: Sequence[str]) -> str:
    """Notice of a change of time and/or place (``kinds``: ``time``, ``place``), with the new values."""
    phrases = {"time": f"时间改为{span_text(event.start, event.end)}", "place": f"地点改为{event.location}"}
    changes = "，".join(phrases[k] for k in ("time", "place") if k in kinds)
    return (f"活动变更通知：您报名的“{event.title}”{changes}。\n"
            f"{time_place_text(event.start, event.end, event.location)}\n{CANCEL_HINT}")


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
