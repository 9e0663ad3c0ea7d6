"""Hand-off to a person (转人工), from asking to closing.

Opening: "人工", "找个真人", "我要投诉" open a request with the user's recent messages and say honestly when a
liaison officer will answer (``KC_HANDOFF_HOURS``, e.g. "周一至周五 9:00-17:30", 北京时间); the intent route
also hands off on colloquial requests. Bot mode: while the request is open, what the user writes is added to
it and the bot says a liaison is on it — unless they clearly ask something else (a command of another
capability, a request to register something, or a question the knowledge base answers confidently).
"结束人工" ends the request; after a liaison closes it, a one-tap "满意 / 一般 / 不满意" is recorded.
Asking for a person in the middle of a form leaves the form (so the words meant for the liaison, and the
rating, are not read as answers to it); its draft is parked for a day and "继续填" picks it up again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain import handoff
from bot.texts import handoff as txt
from handlers.kit import triage
from handlers.kit.base import Context, ConversationState, Incoming, Reply, Router
from handlers.kit.intents import decisive
from knowledge.extract import is_cancel

EXACT = re.compile(r"^\s*(转人工|人工|人工客服|找人工|我要找人工|联系联络员|找联络员|人工服务|找个真人|我要投诉|投诉)[。！!]*\s*$")
WEEKDAYS = "一二三四五六日"
_SPEC = re.compile(r"周([一二三四五六日天])\s*(?:至|到|-|~)\s*周([一二三四五六日天])\s*(\d{1,2}):(\d{2})\s*[-~至到]\s*(\d{1,2}):(\d{2})")
SAID_KEEP = 6  # recent messages carried by a hand-off request


@dataclass(frozen=True)
class Hours:
    """Working hours: weekdays (0 = Monday) and a daily time window."""

    days: frozenset[int]
    start: time
    end: time

    def open_at(self, when: datetime) -> bool:
        """Whether a liaison officer works at ``when`` (local time)."""
        return when.weekday() in self.days and self.start <= when.time() < self.end

    def next_opening(self, when: datetime) -> datetime:
        """The next moment working hours begin after ``when`` (local time)."""
        for ahead in range(8):
            day = (when + timedelta(days=ahead)).date()
            opening = datetime.combine(day, self.start, when.tzinfo)
            if day.weekday() in self.days and opening > when:
                return opening
        return when


def parse_hours(spec: str) -> Hours:
    """'周一至周五 9:00-17:30' → Hours; an unreadable spec falls back to that default."""
    m = _SPEC.search(spec.replace("天", "日")) or _SPEC.search("周一至周五 9:00-17:30")
    assert m is not None
    first, last = WEEKDAYS.index(m.group(1)), WEEKDAYS.index(m.group(2))
    days = frozenset(range(first, last + 1)) if first <= last else frozenset([*range(first, 7), *range(last + 1)])
    return Hours(days, time(int(m.group(3)), int(m.group(4))), time(int(m.group(5)), int(m.group(6))))


def when_text(ctx: Context) -> str:
    """An honest line about when a person will answer, from the working hours and the current time."""
    hours = parse_hours(ctx.settings.handoff_hours)
    local = ctx.now.astimezone(ZoneInfo(ctx.settings.timezone))
    if hours.open_at(local):
        return f"现在是工作时间（{ctx.settings.handoff_hours}），联络员会尽快在这里回复您。"
    opening = hours.next_opening(local)
    day = "今天" if opening.date() == local.date() else "明天" if opening.date() == (local + timedelta(days=1)).date() \
        else f"周{WEEKDAYS[opening.weekday()]}"
    return (f"现在是非工作时间，联络员上班后（{day} {opening:%H:%M} 起）会在这里回复您。"
            f"工作时间：{ctx.settings.handoff_hours}。")


def remember_said(conv: ConversationState, text: str) -> None:
    """Keep the user's last few text messages (a hand-off request carries them)."""
    said = [s for s in conv.data.get("said", []) if isinstance(s, str)]
    if not said or said[-1] != text[:300]:  # a re-dispatched message is seen twice
        conv.data["said"] = [*said, text[:300]][-SAID_KEEP:]


def open_handoff(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply]:
    """Record the request with the recent messages and tell the user when a person will answer."""
    recent = [s for s in conv.data.get("said", []) if s != msg.text.strip()][-SAID_KEEP + 1:]
    own = [] if EXACT.match(msg.text) else [msg.text.strip()]  # "我要投诉 报了名没我名字" carries content
    question = "\n".join([*recent, *own])
    handoff.open_request(ctx.session, appid=msg.appid, openid=msg.openid, question=question, now=ctx.now)
    tail = _tail(str(conv.data.get("last_question") or ""), recent, filling=bool(conv.flow) or conv.parked(ctx.now))
    leave_flow(ctx, conv)
    parked = f"\n{txt.PARKED_TEXT}" if conv.parked(ctx.now) else ""
    return [Reply(f"好的，已为您转接科创联络员。\n{when_text(ctx)}\n{tail}{parked}")]


def _tail(last: str, recent: list[str], *, filling: bool) -> str:
    """What the liaison gets, said to the user: the last question (a form answer, '谢谢' or '好的' is none)."""
    last = last or ("" if filling else next((s for s in reversed(recent) if triage.is_question(s)), ""))
    if last:
        return f"您刚才问的是：{last}\n最近的几条消息已一并转给联络员。"
    return "最近的几条消息已一并转给联络员。" if recent else "您可以先把问题发过来，联络员会一起看到。"


def leave_flow(ctx: Context, conv: ConversationState) -> None:
    """The words for the liaison (and the rating) are no answers to an open flow: a form with a draft waits for
    "继续填"; a flow without one (a pending confirmation, a sign-up step) simply ends."""
    if conv.flow and conv.draft.get("values"):
        conv.park(ctx.now)
    else:
        conv.clear_flow()


def handle_resume(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """"继续填" after a hand-off interrupted a form: the form continues where it stopped."""
    text = (msg.text or "").strip()
    if msg.kind != "text" or ctx.router is None or not triage.is_continue(text) or not conv.unpark(ctx.now):
        return None
    return ctx.router.dispatch(ctx, msg, conv)


END = re.compile(r"^\s*(结束人工|结束人工服务|取消人工|取消转人工|不用人工了|不需要人工了)[。！!]*\s*$")
NEVER_MIND = re.compile(r"不用了|不需要了|没事了|(?:已经|自己)?(?:解决|搞定|弄好)了|不麻烦了")
NEVER_MIND_MAX = 12
POLITE = frozenset({"thanks", "ack", "praise", "laugh", "greeting"})
THANKED = frozenset({"thanks", "praise"})


def _in_passing(text: str) -> bool:
    """A short statement, no question: said in passing, nothing for the liaison to answer."""
    return len(text) <= NEVER_MIND_MAX and not triage.is_question(text)


def _polite(ctx: Context, msg: Incoming, text: str) -> str | None:
    """Thanks, an acknowledgement, praise, a laugh or a hello the intent layer is sure of (short, no question):
    its intent, else None."""
    if not _in_passing(text):
        return None
    pred = ctx.intent(msg)
    return pred.intent if pred.intent in POLITE and decisive(pred) else None


def _never_mind(text: str) -> bool:
    """'算了 不用了', '没事了 自己解决了' while waiting for a person: the user withdraws the request (a question or a
    longer message is something for the liaison)."""
    return _in_passing(text) and bool(is_cancel(text) or NEVER_MIND.search(text))


def _asks_for_a_person(text: str) -> bool:
    """"转人工" again (nothing new for the liaison)."""
    return text.startswith(("转人工", "人工客服", "人工服务", "找人工"))


def _asks_something_else(ctx: Context, text: str) -> bool:
    """Whether the message is for another capability rather than for the liaison."""
    if triage.is_other_command(text) and not _asks_for_a_person(text):
        return True
    if triage.wants_demand(text) or triage.wants_achievement(text):
        return True
    kb = ctx.knowledge
    if kb is None or not triage.is_question(text):
        return False
    try:
        return kb.ask(text, home_city=ctx.settings.home_city).answered
    except Exception:  # the knowledge base failing must not break the hand-off
        return False


def handle_rating(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """Record the one-tap rating of a closed request ("满意", "一般", "不满意" or 1–3)."""
    score = txt.RATING_WORDS.get((msg.text or "").strip().rstrip("。！!"))
    if score is None or msg.kind != "text":
        return None
    if handoff.rate(ctx.session, appid=msg.appid, openid=msg.openid, rating=score, now=ctx.now) is None:
        return None
    return [Reply(txt.RATED_TEXT.format(label=txt.RATINGS[score]))]


def handle(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """While a request is open: keep the user's words for the liaison and say a person is on it."""
    text = (msg.text or "").strip()
    if msg.kind != "text" or not text or conv.flow:
        return None
    if END.match(text):
        ended = handoff.end_by_user(ctx.session, appid=msg.appid, openid=msg.openid, now=ctx.now)
        return [Reply(txt.USER_CLOSED_TEXT)] if ended else None
    if handoff.active_request(ctx.session, appid=msg.appid, openid=msg.openid) is None:
        return None
    if (said := _polite(ctx, msg, text)) is not None:  # '谢了', '好的' while waiting: nothing for the liaison
        return [Reply(txt.POLITE_WAITING_TEXT.format(opening="不客气！" if said in THANKED else "好的。"))]
    if _never_mind(text):
        handoff.end_by_user(ctx.session, appid=msg.appid, openid=msg.openid, now=ctx.now)
        return [Reply(txt.USER_CLOSED_TEXT)]
    if _asks_for_a_person(text):
        return [Reply(txt.WAITING_TEXT)]
    if _asks_something_else(ctx, text):
        return None
    kept = handoff.add_followup(ctx.session, appid=msg.appid, openid=msg.openid, text=text, now=ctx.now)
    return [Reply(txt.FOLLOWUP_TEXT if kept and kept.followups > 1 else txt.WAITING_TEXT)]


def handle_open(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """The exact hand-off words (the intent route also hands off on colloquial requests)."""
    return open_handoff(ctx, msg, conv) if msg.kind == "text" and EXACT.match(msg.text or "") else None


def register(router: Router) -> None:
    """Register hand-off: the rating of a closed request, bot mode while one is open, then opening one."""
    router.add("handoff-rating", handle_rating)
    router.add("handoff-resume", handle_resume)
    router.add("handoff", handle)
    router.add("handoff-open", handle_open)
