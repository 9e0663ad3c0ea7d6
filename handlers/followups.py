"""Follow-ups in context: "在哪里/几点/地址发我" about the last event, "审核了没/我上次那个需求" about the user's
latest demand, "A71是啥技术/详细说说" about a record, "详细一点/还有呢" continuing the last answer.

The conversation remembers the last thing it talked about in ``conv.data["recent"]`` (kind, id, time) for
``handlers.kit.memo.RECENT_TTL``; without a fresh memory the user's own records stand in (their next event, their newest demand).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.domain.demands import user_demands
from bot.domain.errors import NotFound
from bot.domain.events.queries import find_events, get_event, my_registrations
from bot.domain.records import get_achievement, get_demand, user_achievements, visible_to
from bot.texts import events as event_txt
from handlers.kit.base import Context, ConversationState, Incoming, Reply
from handlers.kit.memo import recent, remember
from knowledge.qtype import names_a_topic

if TYPE_CHECKING:
    from bot.store.models import Achievement, Demand, Event

RECORD_KINDS = ("demand", "achievement", "event")
RECORD_ID = re.compile(r"(?<![A-Za-z0-9])([AaDd]\d{1,4})(?![0-9])")
COST = re.compile(r"要钱|收钱|收费|免费|多少钱|花钱|费用|交钱|给钱|掏钱|几多钱")
DATED = re.compile(r"[0-9一二三四五六七八九十]+[月号日]|[周礼]拜[一二三四五六日天]|星期|周[一二三四五六日末]|明天|后天|下周|月底|月初")
SPEAKER = re.compile(r"谁讲|谁来讲|谁主讲|主讲|讲课的|哪个医生|哪位医生|哪个老师|哪位老师|哪位专家|哪个专家")
EVENT_ASK = re.compile(r"在哪|哪里|哪儿|地址|地点|位置|怎么去|怎么走|过去|坐.{0,4}车|公交|地铁|停车|门牌|远不远|"
                       r"几点|什么时候|啥时候|哪天|几号|时间|多久|多长|结束|开始|集合|提前|带啥|带什么|要带|准备|签到|找谁|"
                       + COST.pattern + "|" + SPEAKER.pattern)
NAMES_EVENT = re.compile(r"活动|讲座|培训|课|义诊|开放日|对接会|(?<![A-Za-z])[Ee]\d{1,3}")
BRING = re.compile(r"带啥|带什么|要带|准备")
MORE = re.compile(r"详细|具体|展开|还有|继续|接着|然后呢|再说|多说|意思|介绍")
ACHIEVEMENT_WORDS = re.compile(r"成果|项目库|专利")
ASKING_FILLER = re.compile(r"[\s\W_]|这个|那个|这|那|是|啥|什么|能|能不能|可以|吗|嘛|呢|吧|啊|说|讲|点|些|一下|一点|"
                           r"的|请|再|给我|帮我|麻烦|下|呀|哦|我|你|您|们|一些|更")
STATUS_NOTES = {
    "待审核": "科创联络员会在 1–3 个工作日内审核，通过后发布到问题库并为您匹配科技成果。",
    "已发布": "已发布到问题库，有匹配的科技成果会通知您。",
    "已对接": "已对接到科技成果，联络员正在跟进。",
    "已关闭": "这条需求已关闭。",
}


# --- events -------------------------------------------------------------------------------------

def _event_in_context(ctx: Context, msg: Incoming, conv: ConversationState) -> Event | None:
    """The event the user names, else the remembered one, else their next registered event, else the one event
    the words point at (a date and a topic, with no event word)."""
    if NAMES_EVENT.search(msg.text) and (found := find_events(ctx.session, appid=ctx.appid, text=msg.text,
                                                              now=ctx.now, limit=1)):
        return found[0].event
    memo = recent(ctx, conv)
    if memo.get("kind") == "event" and (event := get_event(ctx.session, appid=ctx.appid, event_id=memo["id"])):
        return event
    views = my_registrations(ctx.session, appid=ctx.appid, openid=msg.openid, now=ctx.now)
    if views:
        return get_event(ctx.session, appid=ctx.appid, event_id=views[0].event_id)
    named = find_events(ctx.session, appid=ctx.appid, text=msg.text, now=ctx.now, limit=2)
    one = named and (named[0].score >= 1.0 or (len(named) == 1 and bool(DATED.search(msg.text))))  # '三月十三号那个…'
    return named[0].event if one else None


def event_answer(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply]:
    """Time and place of the event in context (and what to bring when asked)."""
    event = _event_in_context(ctx, msg, conv)
    if event is None and not NAMES_EVENT.search(msg.text):  # '要准备哪些材料' out of the blue: event or policy?
        return [Reply("您问的是哪个活动，还是哪项政策？说上名称就行，例如“高企认定要准备哪些材料”；"
                      "回复“我的报名”查看已报名的活动。", nothing=names_a_topic(msg.text))]
    if event is None:
        return [Reply("您问的是哪个活动？回复“我的报名”查看已报名的活动，或回复“活动”看近期活动。",
                      nothing=names_a_topic(msg.text))]
    remember(ctx, conv, "event", event.id)
    conv.data["last_event"] = {"id": event.id, "at": ctx.now.isoformat()}  # '帮我报名' next signs up for it
    lines = [f"【{event.id}】{event.title}", event_txt.time_place_text(event.start, event.end, event.location)]
    if BRING.search(msg.text) and event.description:
        lines.append(f"内容：{event.description}")
    if COST.search(msg.text):
        lines.append(cost_line(ctx, event))
    if SPEAKER.search(msg.text):
        lines.append(f"主讲：{event.speaker}" if event.speaker else "主讲：活动信息里没有写。")
    signed = any(v.event_id == event.id for v in my_registrations(ctx.session, appid=ctx.appid, openid=msg.openid,
                                                                  now=ctx.now))
    lines.append("签到码在“我的报名”里，现场出示即可。" if signed else f"想报名请回复“报名 {event.id}”。")
    return [Reply("\n".join(lines))]


def cost_line(ctx: Context, event: Event) -> str:
    """Whether the event costs anything: the event record has no fee, so the knowledge base answers for its
    kind of event ('健康科普…全部免费', with the source), else an honest 'not stated'."""
    kb = ctx.knowledge
    answer = kb.ask(f"{event.category}的活动要收费吗", home_city=ctx.settings.home_city) if kb else None
    if answer is not None and answer.answered:
        return f"费用：{answer.answer}"
    return "费用：活动信息里没有写是否收费；想确认可以回复“转人工”问科创联络员。"


# --- records ------------------------------------------------------------------------------------

def demand_text(demand: Demand, *, own: bool) -> str:
    """A demand for chat (contact details only for its owner)."""
    lines = [f"【{demand.id}】{demand.title}", f"{demand.industry} · {demand.need_type} · {demand.region}",
             demand.description, f"预算：{demand.budget}"]
    if own:
        lines.append(f"状态：{demand.status}。{STATUS_NOTES.get(demand.status, '')}")
    return "\n".join(lines)


def achievement_text(row: Achievement, *, own: bool = False) -> str:
    """An achievement for chat (no contact details: they are released only after both sides agree); its owner
    sees its status instead of the invitation to reply 感兴趣."""
    lines = [f"【{row.id}】{row.title}", f"{row.institution} · {row.field} · {row.maturity}", row.summary]
    if row.ip:
        lines.append(f"知识产权：{row.ip}")
    lines.append(f"状态：{row.status}" if own else f"感兴趣可回复“感兴趣 {row.id}”。")
    return "\n".join(lines)


def record_answer(ctx: Context, msg: Incoming, conv: ConversationState, ident: str) -> list[Reply]:
    """Show a demand (D…) or an achievement (A…) by its id."""
    ident = ident.upper()
    try:
        if ident.startswith("A"):
            row = get_achievement(ctx.session, appid=ctx.appid, achievement_id=ident)
            remember(ctx, conv, "achievement", row.id)
            return [Reply(achievement_text(row, own=row.owner_openid == msg.openid))]
        demand = get_demand(ctx.session, appid=ctx.appid, demand_id=ident)
        if visible_to(demand, msg.openid):
            remember(ctx, conv, "demand", demand.id)
            return [Reply(demand_text(demand, own=demand.openid == msg.openid))]
    except NotFound:
        pass
    return [Reply(f"没有找到编号 {ident} 的{'成果' if ident.startswith('A') else '需求'}，请核对编号。")]


def _overlap(a: str, b: str) -> int:
    """How many character bigrams two texts share."""
    grams = {a[i:i + 2] for i in range(len(a) - 1)}
    return sum(1 for i in range(len(b) - 1) if b[i:i + 2] in grams)


def latest_records(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply]:
    """"审核了没/我上次那个需求": the user's demand the words point at (else the newest) and its status."""
    text = msg.text
    if ACHIEVEMENT_WORDS.search(text):
        rows = user_achievements(ctx.session, appid=ctx.appid, openid=msg.openid)
        if rows:
            remember(ctx, conv, "achievement", rows[0].id)
            return [Reply(f"您登记的成果（共 {len(rows)} 项，最新的一项）：\n{achievement_text(rows[0], own=True)}")]
    demands = user_demands(ctx.session, appid=ctx.appid, openid=msg.openid)
    if not demands:
        return [Reply("您还没有登记过需求。描述一下遇到的技术难题，我帮您登记到问题库。")]
    best = max(demands, key=lambda d: _overlap(text, f"{d.title}{d.description}"))
    chosen = best if _overlap(text, f"{best.title}{best.description}") >= 2 else demands[0]
    remember(ctx, conv, "demand", chosen.id)
    others = f"\n您共登记了 {len(demands)} 条需求，回复“我的需求”查看全部。" if len(demands) > 1 else ""
    return [Reply(f"您的需求 {chosen.id}「{chosen.title}」\n状态：{chosen.status}。{STATUS_NOTES.get(chosen.status, '')}{others}")]


# --- the follow-up ------------------------------------------------------------------------------

def _more(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """"详细说说/还有呢": the remembered record or event in full, or the continuation of the last answer."""
    memo = recent(ctx, conv)
    kind, ident = memo.get("kind"), str(memo.get("id") or "")
    if kind in ("demand", "achievement") and ident:
        return record_answer(ctx, msg, conv, ident)
    if kind == "event" and (event := get_event(ctx.session, appid=ctx.appid, event_id=ident)):
        return [Reply(event_txt.event_details_text(event, None))]
    cursor = conv.data.get("qa_cursor")
    kb = ctx.knowledge if cursor else None
    if cursor and kb is not None:
        answer = kb.more(cursor[0], int(cursor[1]))
        conv.data["qa_cursor"] = list(answer.cursor) if answer.cursor else None
        return [Reply(answer.answer)]
    return None


def bare_more(text: str) -> bool:
    """'详细说说' / '这个是啥意思': a request for more of the same, with no question of its own ('认定下来有啥好处
    说详细点' has one)."""
    if not MORE.search(text):
        return False
    return len(ASKING_FILLER.sub("", MORE.sub("", text))) < 3


def resolve(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """Answer a follow-up from what the conversation talked about last; None = a question about the last
    policy answer (the caller asks the knowledge base with that context)."""
    text = msg.text.strip()
    if found := RECORD_ID.search(text):
        return record_answer(ctx, msg, conv, found.group(1))
    kind = recent(ctx, conv).get("kind")
    if kind == "answer" and conv.data.get("last_question") and not bare_more(text):
        return None
    if EVENT_ASK.search(text) and kind not in ("demand", "achievement"):
        return event_answer(ctx, msg, conv)
    if MORE.search(text) and (more := _more(ctx, msg, conv)) is not None:
        return more
    if EVENT_ASK.search(text):
        return event_answer(ctx, msg, conv)
    return [Reply("您指的是哪一个呢？可以说得具体一点，例如活动名称、需求或成果编号，或者直接问您的问题。",
                  nothing=names_a_topic(text))]  # '破格申报是什么意思' names what it asks about: the documents may know
