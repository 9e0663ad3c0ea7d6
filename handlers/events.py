"""Events in chat: list and filter upcoming events, sign up (name, phone, party), cancel, "我的报名", subscribe.

One flow, ``events``, with steps ``pick`` (a numbered list is on screen), ``contact`` (collecting name,
phone and party for ``draft["event_id"]``), ``consent``, ``confirm`` (reusing a stored contact) and
``cancel_pick`` (which registration to cancel). Every domain call runs in the message's unit of work
(``ctx.session``); the sign-up rules live in ``bot.domain.events`` and the wording in ``bot.texts.events``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from bot.domain.events import signup
from bot.domain.events.queries import (
    find_events,
    get_event,
    list_filter,
    my_registrations,
    named_event,
    upcoming_events,
)
from bot.domain.events.rules import closed_reason
from bot.domain.events.subscriptions import subscribe, unsubscribe
from bot.domain.privacy import get_user, remember_contact
from bot.texts import events as txt
from handlers import followups
from handlers.account import give_consent, has_consented
from handlers.kit import interject, memo, triage
from handlers.kit.base import Context, ConversationState, Incoming, Reply, Router
from handlers.kit.forms import ask_by_surname
from handlers.kit.intents import CHAT, decisive
from knowledge.extract import (
    addressed,
    extract_companions,
    extract_company,
    extract_party_size,
    extract_person_name,
    extract_phone,
    is_affirmative,
    is_cancel,
    is_negative,
    is_person_name,
    mobile_completed,
    mobile_head,
    party,
    patch_phone,
    said_surname,
    stated_party_size,
    swap_pair,
)
from knowledge.extract.party import Party, edit_party, fill_party, goes_instead
from knowledge.lexical import common_word, word_bounds

if TYPE_CHECKING:
    from bot.store.models import Event

FLOW = "events"
ASKS_FOR_EVENTS = re.compile(  # '下个月有没有活动', '最近有讲座吗': "none" is the answer
    r"(有没有|有无|有啥|有什么|有哪些|有冇|还有)[^，,。？?\s]{0,12}(活动|讲座|培训|义诊|课)|"
    r"(活动|讲座|培训|义诊|课)[^，,。？?\s]{0,6}(吗|没有?|冇)[？?]*$"
)
TOPIC_ASKED = re.compile(r"(?:讲|关于|有关|教人?)(?P<topic>[\u4e00-\u9fa5A-Za-z]{2,8}?)(?:方面)?(?:的|知识)")
TOPIC_NOT_A_TOPIC = frozenset({"什么", "啥子", "哪些", "么子", "健康", "科普"})
LIST_WORDS = re.compile(r"^(查看|看看|有什么|有哪些|近期|最近|近期的|最近的)?(.{0,8}的)?(科普活动|活动|讲座|培训)"
                        r"(列表|安排|有哪些|有什么)?[吗呢？?。!！]*$|(有什么|有哪些|近期|最近).{0,8}(活动|讲座|培训)")
SIGNUP = re.compile(r"报名|报个名|想报|能报|可以报|报上|我要参加|想参加|能参加|一起报|报一个|报个|给我报|帮我报|我也报|"
                    r"给.{1,6}报|帮.{1,6}报|一起去|想去|要去参加|去参加|我要报|要报|我也去|我想去|我要去|"
                    r"想克|要克|一起克|也克|克听")  # dialect 克 for 去 ('俺们村几个想克听')
PROXY = re.compile(r"(给|帮|替)(我家|我)?(?:(?!跟|和|与|同)[^\s]){0,4}(老头子|老头|老太太|老伴|爱人|妈|爸|孩子|儿子|女儿|闺女|孙子|孙女|老人|"
                   r"奶奶|爷爷|外婆|外公|姥姥|姥爷|婆婆|公公|岳母|岳父|母亲|父亲)"
                   r".{0,3}报")  # not '帮我跟我老伴报上' (the user comes too)
QUESTION_WORDS = re.compile(r"[吗么呢？?]|有没有|有啥|有什么|哪些|还有")
QUESTION = re.compile(r"(几点|什么时候|啥时候|几号|哪天|在哪|哪里|地点|地址|位置|怎么去|要带|带什么|带啥|交钱|收费|免费|"
                      r"多少钱|多久|多长时间|名额|还能报|报得上|讲什么|讲啥|谁讲|有没有|有啥|有什么|还有吗|还有没有|要钱|收钱|花钱|费用|掏钱|几多钱|"
                      rf"{txt.UNSTATED_ASKS})")  # '好停车吗', '管不管饭': said to be missing when the record lacks them
FULL_CANCEL = re.compile(r"(取消(我的)?(报名|预约)|退了|退掉|帮我退|给我退|撤了|撤掉|撤销|不报了|退(报|出报名)|帮我取消|给我取消|"
                         r"取消吧|取消了吧|都取消|全部取消|都不去了|都去不了|作废|划掉|让给别人)")
NOT_GOING = party.NOT_GOING
NOT_IN_RECORD = "活动介绍里没有写到这一点，需要的话可以回复“转人工”问科创联络员。"
YES = re.compile(r"^(是的?|对|好的?|嗯|行|可以|没问题)|确认|确定")
KEEP = re.compile(r"(不用|不要|别|算了|保留|不取消|先不)")
REST_SAME = re.compile(r"^(?:对|嗯|是的?)?[\s,，]*(?:其他|其它|其余|别的)(?:的)?(?:都|就|信息)?(?:不变|不用改|照旧|一样)")  # yes, only that

REFER = re.compile(r"那个|这个|那场|这场|就是|[A-Za-z][A-Za-z0-9]+")  # ... or an event id
THAT_ONE = re.compile(r"[那这](?:个|场|堂|次)(?!月|星期|礼拜|周|年|季)")  # '那个讲座' points at one; '这个月' does not
EVENT_NOUN = re.compile(r"活动|讲座|培训|科普|课堂|义诊|开放日|对接会|辅导|宣讲|沙龙|讲堂|(?:那个|这个|那堂|这堂|那节)课")
JUST_NOW = timedelta(minutes=30)
GOING = re.compile(r"去|参加|听听|想听|学学|想学|陪")  # joining, once an event is named
SWITCH = re.compile(r"换成|改成|改报|换个|换一个|还是报|改为|换到")
MY_REGS = re.compile(r"^(查看|查询|看看)?我的(报名|活动|预约)[吗呢？?。!！]*$")
CANCEL_REG = re.compile(r"取消(我的)?(报名|预约)|不去了|不去啦|退(报|出报名)|去不了|去不成|参加不了|来不了|撤了|退了|不参加了|作废|撤销")
NOTICE_TOPIC = re.compile(r"活动|讲座|培训|科普")  # what event notices are about
SUBSCRIBE = re.compile(rf"订阅.{{0,10}}({NOTICE_TOPIC.pattern})")
UNSUBSCRIBE = re.compile(r"(取消|退订|不要再?|别再?|不用再?|关掉|关闭).{0,6}(订阅|通知|提醒|推送)")
NUMBER = re.compile(r"^\s*(?:第|选|报名?\s*)?\s*(\d{1,2}|[一二三四五六七八九十])\s*(?:个|号|场)?\s*(?:吧|呗|啊|吧。)?[。.!！]?$")
CN_DIGITS = "一二三四五六七八九十"
ORDINAL = re.compile(r"^\s*(?:第\s*(\d{1,2}|[一二三四五六七八九十])\s*(?:个|号|场)?|(\d{1,2}|[一二三四五六七八九十])\s*(?:个|号|场))"
                     r"(?:那个|这个)?(?:活动|讲座|培训)?[\s，,。:：]*(?P<rest>\S.*)$")  # '第一个 要钱不'
OTHER_CAPABILITIES = ("demand", "achievement", "policy")
LEAVE_FOR = ("privacy_delete", "handoff")
ASK_CONTACT = "请告诉我报名人的姓名和手机号，例如：王芳 13800000000。"
CONSENT_ASK = ("报名需要保存您的姓名和电话，仅用于本次活动的通知和签到（可随时回复“删除我的信息”删除）。\n"
               "回复“同意”继续报名，回复“不同意”则不报名。")


def _number(text: str) -> int | None:
    """A bare choice number ("2", "第二个") → 2."""
    found = NUMBER.match(text)
    if not found:
        return None
    return _numeral(found.group(1))


def _numeral(raw: str) -> int:
    """'2' or '二' → 2."""
    return int(raw) if raw.isdigit() else CN_DIGITS.index(raw) + 1


def _ordinal(text: str) -> tuple[int, str] | None:
    """A list item named by its number with more words after it ('第一个 要钱不', '2号那个在哪') → (2, '在哪')."""
    found = ORDINAL.match(text)
    return (_numeral(found.group(1) or found.group(2)), found.group("rest")) if found else None


def _event(ctx: Context, event_id: str) -> Event | None:
    """The account's event by id."""
    return get_event(ctx.session, appid=ctx.appid, event_id=event_id)


def _matches(ctx: Context, text: str, among: list[str] | None = None) -> list[Event]:
    """Events the text points at (optionally only those in ``among``), best first."""
    found = find_events(ctx.session, appid=ctx.appid, text=text, now=ctx.now, limit=20)
    return [m.event for m in found if among is None or m.event.id in among]


def _listing(ctx: Context, events: Sequence[Event]) -> list[tuple[Event, str | None]]:
    """Each event with why it takes no sign-ups now (None when open), for the list texts."""
    return [(event, closed_reason(event, ctx.now)) for event in events]


# --- listing ------------------------------------------------------------------------------------


def show_list(ctx: Context, msg: Incoming, conv: ConversationState, text: str,
              facts: dict[str, Any] | None = None) -> list[Reply]:
    """A numbered list of upcoming events, filtered by what the text names; remembered for a number reply.

    Words that also name a topic ('下礼拜有没有讲高血压的讲座', '有啥健康讲座') keep only the events they match."""
    flt = list_filter(ctx.session, appid=ctx.appid, text=text, now=ctx.now)
    listed = partial(upcoming_events, ctx.session, appid=ctx.appid, now=ctx.now, region=flt.region,
                     category=flt.category, date_range=flt.date_range, limit=10)
    events = listed(audience=flt.audience)
    if not events and flt.audience:  # none says who it is for: every event, without claiming they suit
        flt = replace(flt, audience=None)
        events = listed()
    named = _matches(ctx, text, [e.id for e in events]) if text else []
    topic = bool(named) and len(named) < len(events)
    if topic:
        events = named
    label = txt.filter_text(flt.region, flt.category, flt.period, flt.audience) or ("和您说的相关" if topic else "")
    missing = None if topic else _topic_without_event(ctx, text)  # '下周有没有讲痛风的'
    if flt.period and not topic and (other := _other_times(ctx, text, partial(listed, date_range=None), events)):
        events, label = other[0], f"{txt.period_text(flt.period)}{other[1]}"  # '下周有没有讲近视的' in another week
    asks_list = bool(ASKS_FOR_EVENTS.search(text) or LIST_WORDS.search(text))
    if not events:  # a question about something else ('报名最多能带几个人') may be answered elsewhere
        return [Reply(txt.events_list_text([]), nothing=not asks_list)]
    if len(events) == 1:
        _remember_event(ctx, conv, events[0].id)
    generic = not (label or asks_list or missing)  # the whole list, for words that name no event and ask for none
    note = f"暂时没有讲“{missing}”的活动，您可以看看这些：\n" if missing else ""
    booked = {v.event_id: v.status for v in _active(ctx, msg)}
    return [replace(r, text=note + r.text, nothing=generic) for r in _offer(ctx, conv, events, label, facts, booked)]


def _topic_without_event(ctx: Context, text: str) -> str | None:
    """The topic the text asks events about ('讲痛风的', '关于防诈骗的') when no upcoming event is on it."""
    found = TOPIC_ASKED.search(text)
    if found is None or (topic := found.group("topic")) in TOPIC_NOT_A_TOPIC:
        return None
    events = upcoming_events(ctx.session, appid=ctx.appid, now=ctx.now, limit=100)
    said = " ".join(f"{e.title} {e.category} {e.description}" for e in events)
    if any(topic[i:i + 2] in said for i in range(len(topic) - 1)):
        return None
    return None if len(topic) == 2 and _matches(ctx, topic) else topic  # '颈椎' is the '颈腰椎' one


def _other_times(ctx: Context, text: str, listed: Callable[[], list[Event]],
                 in_period: list[Event]) -> tuple[list[Event], str] | None:
    """No event in the period asked for is on the topic the text names: the ones on it at other times; with no
    event at all in the period, the next ones. Each with what the label says after the period (None: keep).
    Events the text names that are in the period ('四月份的讲座' naming April's by their date) are no other time."""
    events = listed()
    named = _matches(ctx, text, [e.id for e in events]) if events else []
    if named and len(named) < len(events) and not {e.id for e in named} & {e.id for e in in_period}:
        return named, "没有这类活动，以下是其他时间的"
    return (events[:5], "没有活动，以下是之后的") if events and not in_period else None


def _offer(ctx: Context, conv: ConversationState, events: list[Event], label: str = "",
           facts: dict[str, Any] | None = None, booked: dict[str, str] | None = None) -> list[Reply]:
    """Show ``events`` numbered (those in ``booked``, event id → registration status, marked) and wait for a
    choice (keeping facts already given)."""
    conv.flow, conv.step, conv.draft = FLOW, "pick", {**(facts or {}), "list": [e.id for e in events]}
    head = f"（{label}）" if label else ""
    listing = txt.events_list_text(_listing(ctx, events), booked)
    return [Reply(head + listing + "\n也可以说“社区的”“谷城的”“下周的”筛选。")]


def pick(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """A reply to the list: a number, an event fragment or a filter; anything else leaves the flow."""
    text = msg.text.strip()
    shown: list[str] = conv.draft.get("list") or []
    number = _number(text)
    if number is not None and 1 <= number <= len(shown):
        return start_signup(ctx, msg, conv, shown[number - 1], text="")
    if (item := _item_named(ctx, msg, conv, text, shown)) is not None:
        return item
    asked = conv.draft.get("asked")
    if SIGNUP.search(text) and asked in shown and not _matches(ctx, _event_words(text)):
        return start_signup(ctx, msg, conv, asked, text=text)  # '那帮我报一个 我叫王秀兰' after asking about it
    flt = list_filter(ctx.session, appid=ctx.appid, text=text, now=ctx.now)
    if not flt.empty and not SIGNUP.search(text) and len(text) <= 12:
        return show_list(ctx, msg, conv, text, _facts_of(conv.draft))
    if SIGNUP.search(text) and len(shown) == 1 and not _matches(ctx, text):  # '好 给我报上' under a one-event list
        return start_signup(ctx, msg, conv, shown[0], text=text)
    chosen = _matches(ctx, text, shown) if _about_events(text) else []
    if chosen:
        return start_signup(ctx, msg, conv, chosen[0].id, text=text)
    if narrowed := _narrowed(ctx, msg, conv, text, shown):
        return narrowed
    if (answered := _asked_while_choosing(ctx, conv, text, shown)) is not None:
        return answered
    return _which_one(conv, text, shown)


def _asked_while_choosing(ctx: Context, conv: ConversationState, text: str, shown: list[str]) -> list[Reply] | None:
    """'几点开始' while choosing which listed event to sign up for (a name or phone already given): answered from
    each listed event, and the choice is asked again (the facts given are kept)."""
    d = conv.draft
    if not (d.get("name") or d.get("phone")) or not QUESTION.search(text) or SIGNUP.search(text) or extract_phone(text):
        return None
    events = [e for i in shown[:5] if (e := _event(ctx, i)) is not None]
    if not events:
        return None
    answers = "\n".join(txt.event_answer_text(e, text) for e in events)
    choose = f"您想报名哪一场？请回复序号（1–{len(shown)}），或说出活动名称。" if len(shown) > 1 else "想报名这一场回复“报名”。"
    return [Reply(f"{answers}\n——\n{choose}")]


def _item_named(ctx: Context, msg: Incoming, conv: ConversationState, text: str,
                shown: list[str]) -> list[Reply] | None:
    """One listed item named by its number with more words: a sign-up ('第二个 给我报上') starts; a question
    ('第一个 要钱不', '2号在哪') is answered from that event, which a later '帮我报一个' then means (the list stays
    open for a number)."""
    item = _ordinal(text)
    if item is None or not 1 <= item[0] <= len(shown) or (event := _event(ctx, shown[item[0] - 1])) is None:
        return None
    rest = item[1]
    if SIGNUP.search(rest) or extract_party_size(rest) or extract_companions(rest):
        return start_signup(ctx, msg, conv, event.id, text=rest)
    if not (QUESTION.search(rest) or followups.COST.search(rest) or QUESTION_WORDS.search(rest)):
        return None
    _remember_event(ctx, conv, event.id)
    conv.draft["asked"] = event.id
    return [Reply(f"{_about(ctx, event, rest)}\n想报名这一场回复“报名”，同行的人也可以一起告诉我；看别的回复序号。")]


def _facts_of(draft: dict[str, Any]) -> dict[str, Any]:
    """The sign-up facts a draft already holds (kept when the list changes)."""
    return {k: v for k, v in draft.items() if k in ("name", "phone", "company", "party_size", "companions", "relations", "proxy")}


def _narrowed(ctx: Context, msg: Incoming, conv: ConversationState, text: str, shown: list[str]) -> list[Reply] | None:
    """'讲高血压的有吗' under a list: the shown events that match the topic, or None."""
    if SIGNUP.search(text) or not QUESTION_WORDS.search(text):
        return None
    named = [e.id for e in _matches(ctx, text, shown)]
    return show_list(ctx, msg, conv, text, _facts_of(conv.draft)) if named and len(named) < len(shown) else None


def _which_one(conv: ConversationState, text: str, shown: list[str]) -> list[Reply] | None:
    """'我想报名那个' or a name and phone under a list of several: keep what was said and ask which one."""
    facts = _facts_of_message(text)
    said = {k for k in ("name", "phone", "party_size") if facts.get(k)}
    if not (SIGNUP.search(text) or said) or len(shown) < 2:
        conv.clear_flow()
        return None
    asks = triage.is_question(text) and not said - {"party_size"}  # '报名最多能带几个人' under the list asks a rule
    conv.draft.update({k: v for k, v in facts.items() if k != "proxy" or v})
    kept = "好的，已记下您的姓名和电话。" if {"name", "phone"} <= said else ""
    return [Reply(f"{kept}您想报名哪一场？请回复序号（1–{len(shown)}），或说出活动名称。", nothing=bool(asks))]


def _about_events(text: str) -> bool:
    """Whether the words are about events at all (so policy questions are not taken for an event)."""
    return bool(SIGNUP.search(text) or EVENT_NOUN.search(text) or REFER.search(text))


# --- sign-up ------------------------------------------------------------------------------------


def start_signup(ctx: Context, msg: Incoming, conv: ConversationState, event_id: str, text: str) -> list[Reply]:
    """Show the event's details and start collecting the contact (keeping facts already given)."""
    event = _event(ctx, event_id)
    if event is None:
        conv.clear_flow()
        return [Reply(txt.refusal_text("not_found", None))]
    closed = closed_reason(event, ctx.now)
    details = txt.event_details_text(event, closed)
    if closed is not None:
        conv.clear_flow()
        return [Reply(details), Reply(txt.refusal_text(closed, event))]
    conv.flow, conv.step, conv.draft = FLOW, "contact", {**_told_before(ctx, conv, event), **_facts_of(conv.draft), "event_id": event.id}
    _remember_event(ctx, conv, event.id)
    _merge(conv.draft, text)
    return [Reply(details), *_next(ctx, msg, conv, event)]


ACCOMPANY = re.compile(r"(?:(?:我|俺)(?:也|就)?(?:陪|跟|带)(?:着)?[她他](?:们)?(?:一起|一块)?(?:去|来|过去)?|(?:我|俺)也(?:一起|一块)?去)"
                       r"(?!(?:去|来)?(?:不|过|没))")  # not '我也去不了', '我也去过'


SELF_NAMED = re.compile(r"(?:我|俺)(?:叫|姓)|我的名字")  # '…我也去…我叫邵明辉': the user is the registrant
ESCORT = "陪同家属"  # the unnamed user who signs someone up and goes along ('给我妈报 她叫黄秀英…我陪她去')


def _goes_along(draft: dict[str, Any], text: str) -> None:
    """The user who signed someone else up says they go too, without their own name: one more, '陪同家属'."""
    party = _party_of(draft)
    if draft.get("name") and ACCOMPANY.search(text) and ESCORT not in party.companions and not SELF_NAMED.search(text):
        _set_party(draft, Party(party.size + 1, (*party.companions, ESCORT), party.relations))


def _accompanies(draft: dict[str, Any], name: str, text: str) -> bool:
    """Whether the one who signed someone else up names themself as going along ('我陪她一起去 我叫周敏')."""
    said = draft.get("name")
    return bool(draft.get("proxy") and said and name != said and ACCOMPANY.search(text)
                and name not in (draft.get("companions") or []))


def _addressed(draft: dict[str, Any], text: str) -> str | None:
    """'先生' / '女的' after '我姓李': 李先生 / 李女士 (None otherwise, or once a name is known)."""
    surname = draft.get("surname")
    return addressed(str(surname), text) if surname and not draft.get("name") else None


MY_PHONE = re.compile(r"(?:电话|手机|号码)(?:就)?(?:留|写|填|用)(?:我的|我)|(?:留|写|填|用)我的(?:电话|手机|号码)")


def _signed_up_for(draft: dict[str, Any], name: str, text: str) -> list[str]:
    """Signing someone else up with the user's phone left for them ('奶奶叫彭秀珍，电话留我的，我叫彭小雨'): the
    people named besides the user (the first is the one signed up), else []. Without '电话留我的' the speaker
    who names themself stays the registrant ('我给我儿子报个名…我叫邵明辉')."""
    if not draft.get("proxy") or draft.get("name") or not MY_PHONE.search(text):
        return []
    return [n for n in extract_companions(text) if n != name]


def _someone_else_goes(text: str) -> bool:
    """'给我家老头子报个名', '是我妈去' or '不是我 我爸去' (the user names no one as themself): a relative is signed up."""
    return bool(PROXY.search(text)) or (goes_instead(text) and not SELF_NAMED.search(text))


def _facts_of_message(text: str) -> dict[str, Any]:
    """The name, phone, company and party one message gives on its own (no draft behind it)."""
    facts: dict[str, Any] = {}
    _merge(facts, text)
    return facts


def _merge(draft: dict[str, Any], text: str, *, with_party: bool = True) -> None:
    """Take the name, phone, company and party from one message; the latest statement wins.

    Signing someone else up ('给我家老头子报个名'), '他叫潘德胜' names the person signed up, not a companion."""
    if not draft.get("proxy") and _someone_else_goes(text):
        draft["proxy"] = True
        if draft.pop("stored", None):  # the offered contact was the user's own: '不是我 是我妈去 她叫…'
            draft.pop("name", None)
    draft["proxy"] = bool(draft.get("proxy"))
    if phone := extract_phone(text) or mobile_completed(str(draft.get("phone_head") or ""), text):
        draft["phone"] = phone
        draft.pop("phone_head", None)
    elif not draft.get("phone") and (head := mobile_head(text)):  # '王芳 电话13800', the rest in the next message
        draft["phone_head"] = head
    name = extract_person_name(text) or _bare_name(text, draft) or _addressed(draft, text)
    if not name and not draft.get("name") and not draft["proxy"] and (surname := said_surname(text)):
        draft["surname"] = surname  # '我姓李 电话…': the name question then offers 李先生 / 李女士
    if name and (signed := _signed_up_for(draft, name, text)):  # '奶奶叫彭秀珍，电话留我的…我叫彭小雨'
        going = (*signed[1:], name) if ACCOMPANY.search(text) else tuple(signed[1:])  # '…我陪她一起去'
        draft["name"] = signed[0]
        _set_party(draft, Party(len(going) + 1, going))
        return
    if name and _accompanies(draft, name, text):  # signed a parent up, then '我陪她一起去 我叫周敏': a companion
        _set_party(draft, Party(len(companions := [*(draft.get("companions") or []), name]) + 1, tuple(companions)))
        return
    if name and name not in (draft.get("companions") or []):  # a companion just named is not the user
        draft["name"] = name
        draft.pop("surname", None)
    if company := extract_company(text):
        draft["company"] = company
    names = extract_companions(text)
    if draft["proxy"] and names and not draft.get("name"):
        draft["name"], names = names[0], names[1:]
        draft.setdefault("party_size", 1)
    if not with_party:
        return
    if draft["proxy"]:
        if names:
            _set_party(draft, Party(1 + len(names), tuple(names)))
        _goes_along(draft, text)
        return
    if extract_party_size(text) is not None or names:  # names and relations fill the party, a number sets it
        filled = fill_party(_party_of(draft), text)
        mine = [n for n in filled.companions if n == draft.get("name")]  # the user is no companion of their own
        _set_party(draft, filled.without(mine) if mine else filled)


def _party_of(draft: dict[str, Any]) -> Party:
    """The party a draft holds so far."""
    return Party(int(draft.get("party_size") or 1), tuple(draft.get("companions") or ()), dict(draft.get("relations") or {}))


def _set_party(draft: dict[str, Any], new: Party) -> None:
    """Store a party in a draft."""
    draft["party_size"], draft["companions"], draft["relations"] = new.size, list(new.companions), dict(new.relations)


def _edit(draft: dict[str, Any], text: str) -> str | None:
    """A correction or a party change while signing up ('电话最后四位是1041', '不是邹强 是邹刚', '我老伴不去了',
    '再加一个人 我姐 叫滕玉兰'), applied to the draft: "field", "party", or None when there was none."""
    if phone := patch_phone(draft.get("phone"), text):
        draft["phone"] = phone
        return "field"
    swap = swap_pair(text)
    if swap and swap[0] == draft.get("name") and is_person_name(swap[1]):
        draft["name"] = swap[1]
        return "field"
    if (new := edit_party(_party_of(draft), text)) is not None:
        _set_party(draft, new)
        return "party"
    return None


def _bare_name(text: str, draft: dict[str, Any]) -> str | None:
    """A message that is only a Chinese name, when the name is still missing."""
    plain = text.strip(" 。，,")
    if draft.get("name") or _number(plain) is not None or is_affirmative(plain) or is_negative(plain):
        return None
    return plain if is_person_name(plain) and not REFER.search(plain) else None


def _stored_contact(ctx: Context, msg: Incoming) -> tuple[str | None, str | None]:
    """The name and phone the user gave before (only kept after consent)."""
    user = get_user(ctx.session, appid=ctx.appid, openid=msg.openid)
    return (user.name, user.phone) if user and user.consent_at else (None, None)


def _next(ctx: Context, msg: Incoming, conv: ConversationState, event: Event, kept: Party | None = None) -> list[Reply]:
    """Ask for what is missing, or for consent/confirmation, or sign up. A party over the limit is refused and
    the party said before it (``kept``, else the user alone) stays ('带孙子孙女' then '他们爸爸也想去 加一个')."""
    draft = conv.draft
    if (asked := int(draft.get("party_size") or 1)) > event.max_companions + 1:
        _set_party(draft, kept if kept is not None and kept.size <= event.max_companions + 1 else Party())
        draft["party_refused"] = asked
        return [Reply(txt.party_over_limit_text(event, asked))]
    if not (draft.get("name") and draft.get("phone")):
        return _ask_contact(ctx, msg, conv)
    if not has_consented(ctx, msg):
        conv.step = "consent"
        return [Reply(f"{_summary(draft, event)}\n{CONSENT_ASK}")]
    return sign_up(ctx, msg, conv, event)


def _summary(draft: dict[str, Any], event: Event) -> str:
    """The sign-up as collected so far, for the user to check (with a note when a party over the limit was not taken)."""
    size = int(draft.get("party_size") or 1)
    text = txt.signup_summary_text(event.title, name=draft["name"], phone=draft["phone"], company=draft.get("company"),
                                   party_size=size, companions=tuple(draft.get("companions") or ()))
    refused = draft.get("party_refused")
    return text + ("\n" + txt.party_over_limit_note(int(refused)) if refused and size == 1 else "")


def _ask_contact(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply]:
    """Offer the stored contact for confirmation, or ask for the missing name/phone."""
    name, phone = _stored_contact(ctx, msg)
    draft = conv.draft
    if name and phone and not draft.get("name") and not draft.get("phone"):
        if draft.get("proxy"):  # '我妈想去听': the user's own name is not the one going
            draft["phone"], conv.step = phone, "contact"
            return [Reply(txt.proxy_name_ask(phone))]
        draft["name"], draft["phone"], draft["stored"] = name, phone, True
        conv.step = "confirm"
        return [Reply(f"用您上次留的联系方式报名：{name} {phone}\n回复“确认”报名，或直接发送新的姓名和电话。")]
    conv.step = "contact"
    if draft.get("phone_head"):
        return [Reply(f"手机号好像没发全（{draft['phone_head']}…），请把后面的数字发我。")]
    if draft.get("name"):
        return [Reply(f"{draft['name']}您好，请告诉我您的手机号。")]
    if draft.get("phone"):
        return [Reply(ask_by_surname(draft["surname"]) if draft.get("surname") else "请问报名人怎么称呼（姓名）？")]
    return [Reply(ASK_CONTACT + "\n同行的人也可以一起告诉我，例如“带老伴一起，他叫李德全”。")]


def sign_up(ctx: Context, msg: Incoming, conv: ConversationState, event: Event) -> list[Reply]:
    """Register with the collected facts and report confirmed / waitlisted / refused."""
    d = conv.draft
    result = signup.register(ctx.session, appid=ctx.appid, event_id=event.id, openid=msg.openid, name=d["name"],
                             phone=d["phone"], party_size=int(d.get("party_size") or 1),
                             companions=tuple(d.get("companions") or ()), company=d.get("company"), now=ctx.now)
    conv.clear_flow()
    _remember_event(ctx, conv, event.id)
    conv.data.setdefault("relations", {})[event.id] = dict(d.get("relations") or {})
    if result.ok:  # the same unit of work: the registration and the remembered contact commit together
        remember_contact(ctx.session, appid=ctx.appid, openid=msg.openid, name=d["name"], phone=d["phone"],
                         company=d.get("company"), role="resident")
    return [Reply(txt.signup_reply(result))]


def continue_signup(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """One message while collecting the contact (or awaiting consent / confirmation)."""
    text = msg.text.strip()
    event = _event(ctx, str(conv.draft.get("event_id")))
    if event is None:
        conv.clear_flow()
        return None
    if (other := _other_event(ctx, text, event)) is not None:
        return start_signup(ctx, msg, conv, other.id, text=text)
    if triage.wants_demand(text) or triage.wants_achievement(text):  # changed their mind: another flow takes it
        _leave(conv)
        return None
    if (QUESTION.search(text) or _asks_party_rule(text)) and not extract_phone(text):  # '几点开始', '能带几个人啊'
        return [Reply(_about(ctx, event, text)), Reply("——\n" + _resume(ctx, msg, conv, event))]
    now = _party_of(conv.draft)
    named_later = party.named_by_relation(now, text) is not None or party.written_by_relation(now, text)  # '写老伴就行'
    named_later = named_later or _phone_in_parts(conv.draft, text)
    if not extract_phone(text) and not named_later and (replies := _not_an_answer(ctx, msg, conv, event, text)) is not None:
        return replies or None
    before = dict(conv.draft)
    edited = _edit(conv.draft, text)
    if edited != "field":  # a party change may come with the contact ('王芳 138… 我闺女也想去 叫王静')
        _merge(conv.draft, text, with_party=edited is None)
    changed = conv.draft != before or party.written_by_relation(now, text)
    others = changed or (bool(before.get("companions"))  # '他爸爸就不去了 就我们三个': someone outside the party
                         and party.others_only_not_going(text))
    stop = (FULL_CANCEL.search(text) and not changed) or ((NOT_GOING.search(text) or is_cancel(text)) and not others)
    if stop or (conv.step == "consent" and is_negative(text) and not changed):
        conv.clear_flow()
        who = f"（{before['name']}）" if before.get("name") else ""
        return [Reply(f"好的，本次没有报名“{event.title}”{who}。需要时发送“科普活动”查看活动。")]
    if conv.step == "consent" and is_affirmative(text):
        give_consent(ctx, msg)
    if not changed and not _on_topic(ctx, conv, text, event):
        if conv.step == "contact" and len(text) <= 12:
            return _ask_contact(ctx, msg, conv)
        if _asked_midway(conv, text):  # '我老伴腿脚不好，能坐轮椅去吗': answered as far as known, the sign-up kept
            return [Reply(NOT_IN_RECORD), Reply("——\n" + _resume(ctx, msg, conv, event))]
        _leave(conv)
        return None
    return _acknowledged(conv, before, _next(ctx, msg, conv, event, _party_of(before)))


def _acknowledged(conv: ConversationState, before: dict[str, Any], replies: list[Reply]) -> list[Reply]:
    """Companions just told while the contact is still asked for are said back, so the user sees they were kept."""
    had = before.get("companions") or []
    new = [c for c in conv.draft.get("companions") or [] if c not in had]
    if not new or conv.step not in ("contact", "confirm") or not replies:
        return replies
    size = int(conv.draft.get("party_size") or 1)
    note = f"好的，已记下同行的人：{'、'.join(conv.draft['companions'])}（共{size}人）。\n"
    return [replace(replies[0], text=note + replies[0].text), *replies[1:]]


def _phone_in_parts(draft: dict[str, Any], text: str) -> bool:
    """A mobile told in two messages: its first digits now ('电话13800'), or the rest of one begun before."""
    if draft.get("phone_head") and mobile_completed(str(draft["phone_head"]), text):
        return True
    return not draft.get("phone") and mobile_head(text) is not None


def _asks_party_rule(text: str) -> bool:
    """'能带几个人啊', '可以报三个人吗': a question about how many may come that names nobody (answered with the
    rule; the party is not changed by asking)."""
    if not txt.PARTY_ASK.search(text):
        return False
    facts = _facts_of_message(text)
    return not any(facts.get(k) for k in ("name", "phone", "companions"))


def _asked_midway(conv: ConversationState, text: str) -> bool:
    """A question once part of the contact is given: the sign-up is under way and stays (before that, another
    capability may take the words)."""
    d = conv.draft
    return conv.step == "contact" and bool(d.get("name") or d.get("phone")) and triage.is_question(text)


def _other_event(ctx: Context, text: str, event: Event) -> Event | None:
    """Another event the user means while signing up for ``event``: one asked for ('换成加计扣除那个培训吧'), or one
    pointed at by its topic, date or place ('就是教农药怎么打的那个 枣阳桃园村的')."""
    if SWITCH.search(text) and (other := _matches(ctx, text)) and other[0].id != event.id:
        return other[0]
    if CANCEL_REG.search(text) or not (REFER.search(text) or EVENT_NOUN.search(text) or SIGNUP.search(text)):
        return None
    named, _ = named_event(ctx.session, appid=ctx.appid, text=text, now=ctx.now)  # every cue agrees on it
    return named if named is not None and named.id != event.id else None


def _resume(ctx: Context, msg: Incoming, conv: ConversationState, event: Event) -> str:
    """The pending sign-up question again, after a question in passing."""
    d = conv.draft
    if conv.step == "consent" and d.get("name") and d.get("phone"):
        return f"我们接着报名：\n{_summary(d, event)}\n{CONSENT_ASK}"
    if conv.step == "confirm":
        return "我们接着报名：回复“确认”用上次的联系方式报名，或直接发送新的姓名和电话。"
    return "我们接着报名：\n" + "\n".join(r.text for r in _ask_contact(ctx, msg, conv))


def _remember_event(ctx: Context, conv: ConversationState, event_id: str, said: str = "") -> None:
    """Remember the event talked about, so '几点开始' or '给我报一个' later refer to it (for a day), and make it
    the conversation's topic for follow-ups ('这个要钱不'); the sign-up facts the words ``said`` about it give
    ('138… 某某公司 报开放日') are kept with it until a sign-up starts (and takes them) or talk moves on."""
    facts: dict[str, Any] = {}
    if said:
        before = conv.data.get("last_event") or {}
        facts = dict(before.get("facts") or {}) if before.get("id") == event_id else {}
        facts.update({k: v for k, v in _facts_of_message(said).items() if k in ("name", "phone", "company") and v})
    conv.data["last_event"] = {"id": event_id, "at": ctx.now.isoformat(), **({"facts": facts} if facts else {})}
    followups.remember(ctx, conv, "event", event_id)


def _told_before(ctx: Context, conv: ConversationState, event: Event) -> dict[str, Any]:
    """The name, phone and company said while this event was being talked about, before its sign-up began."""
    last = conv.data.get("last_event") or {}
    return dict(last.get("facts") or {}) if last.get("id") == event.id and memo.fresh(ctx, last, JUST_NOW) else {}


def _last_event(ctx: Context, conv: ConversationState, within: timedelta = timedelta(days=1)) -> Event | None:
    """The event talked about within the last day (or ``within``)."""
    last = conv.data.get("last_event") or {}
    return _event(ctx, str(last["id"])) if memo.fresh(ctx, last, within) else None


def _on_topic(ctx: Context, conv: ConversationState, text: str, event: Event) -> bool:
    """Whether a message that added nothing still belongs to the sign-up (else another handler answers it)."""
    if conv.step == "contact":  # '那他自己报吧 我先报我一个': the party said again, unchanged
        return _mentions(ctx, text, event) or bool(party.ALONE.search(text))
    if conv.step == "confirm":
        return is_affirmative(text)
    return True


def _mentions(ctx: Context, text: str, event: Event) -> bool:
    """Whether the text points at the event being signed up for ("对，就是教用AED的那个")."""
    return is_affirmative(text) or event.id in [e.id for e in _matches(ctx, text)[:3]]


def _not_an_answer(ctx: Context, msg: Incoming, conv: ConversationState, event: Any,
                   text: str) -> list[Reply] | None:
    """A message that is no contact answer: a confident request that ends the sign-up ('把我资料全删了',
    '转人工': [] = that capability takes over), a question answered aside ('你们都存了我啥信息') or small talk
    ('你们这个挺方便的'); else None."""
    pred = ctx.intent(msg)
    if pred.intent in LEAVE_FOR and decisive(pred):
        _leave(conv)
        return []
    aside = interject.before_fill(FLOW, ctx, msg, conv, text) or interject.small_talk(ctx, msg, conv, text)
    if aside is not None:  # '你们这个挺方便的' too: the short reply, then the sign-up goes on
        return aside.replies + ([Reply("——\n" + _resume(ctx, msg, conv, event))] if aside.resume else [])
    return None


def _leave(conv: ConversationState) -> None:
    """Give up the sign-up silently so another handler can answer the message."""
    conv.clear_flow()


# --- cancel, mine, subscribe --------------------------------------------------------------------


def my_regs(ctx: Context, msg: Incoming) -> list[Reply]:
    """The user's active registrations with check-in codes."""
    views = my_registrations(ctx.session, appid=ctx.appid, openid=msg.openid, now=ctx.now)
    return [Reply(txt.my_registrations_text(views), nothing=not views)]


def cancel_request(ctx: Context, msg: Incoming, conv: ConversationState, text: str) -> list[Reply]:
    """Cancel the named (or only) registration; ask which when there are several."""
    views = my_registrations(ctx.session, appid=ctx.appid, openid=msg.openid, now=ctx.now)
    ids = [v.event_id for v in views]
    named = _matches(ctx, text, ids) if SIGNUP.sub("", CANCEL_REG.sub("", text)).strip() else []
    if not views:
        return [Reply("您目前没有报名的活动，无需取消。", nothing=True)]
    if len(views) == 1 or named:
        return do_cancel(ctx, msg, conv, named[0].id if named else ids[0])
    conv.flow, conv.step, conv.draft = FLOW, "cancel_pick", {"list": ids}
    lines = [f"{i}. 【{v.event_id}】{v.title}（{txt.when_text(v.start)}）" for i, v in enumerate(views, start=1)]
    return [Reply("您报名了以下活动，要取消哪一个？请回复序号：\n" + "\n".join(lines))]


def do_cancel(ctx: Context, msg: Incoming, conv: ConversationState, event_id: str) -> list[Reply]:
    """Cancel one registration and say so."""
    conv.clear_flow()
    result = signup.cancel(ctx.session, appid=ctx.appid, event_id=event_id, openid=msg.openid, now=ctx.now)
    return [Reply(txt.cancel_reply(result))]


def cancel_pick(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """Which registration to cancel: a number or a fragment of its title."""
    ids: list[str] = conv.draft.get("list") or []
    number = _number(msg.text)
    if number is not None and 1 <= number <= len(ids):
        return do_cancel(ctx, msg, conv, ids[number - 1])
    named = _matches(ctx, msg.text, ids)
    if named:
        return do_cancel(ctx, msg, conv, named[0].id)
    conv.clear_flow()
    return [Reply("好的，没有取消任何报名。")] if is_cancel(msg.text) or is_negative(msg.text) else None


def subscribe_request(ctx: Context, msg: Incoming, text: str) -> list[Reply]:
    """Subscribe to announcements of new events of the region/category the text names."""
    flt = list_filter(ctx.session, appid=ctx.appid, text=text, now=ctx.now)
    added = subscribe(ctx.session, appid=ctx.appid, openid=msg.openid, region=flt.region, category=flt.category)
    what = "、".join(x for x in (flt.region, flt.category) if x) or "全部"
    if not added:
        return [Reply(f"您已经订阅过{what}活动了，有新活动会通知您。")]
    return [Reply(f"已订阅{what}活动，有新活动发布时会通知您（夜间不打扰）。")]


# --- routing ------------------------------------------------------------------------------------


def _event_words(text: str) -> str:
    """The part of a message that names the event ('颈椎那个讲座 我和同事小陈 小刘三个人' → '颈椎那个讲座')."""
    runs = [_cut_after_noun(p) for p in re.split(r"[\s，,。]+", text)]
    pieces = [p for p in re.split(r"[\s，,。]+", " ".join(runs)) if EVENT_NOUN.search(p) or REFER.search(p)]
    return " ".join(pieces) or text


LONG_RUN = 16  # characters said without a pause (voice input) that hold more than the event


def _cut_after_noun(run: str) -> str:
    """A long run without punctuation cut after the event noun ('…报近视那个讲座我带他们去大的叫…' → '…讲座 我带…'),
    so the words about the party do not drown the words naming the event."""
    return run if len(run) <= LONG_RUN else EVENT_NOUN.sub(lambda m: m.group() + " ", run)


def signup_request(ctx: Context, msg: Incoming, conv: ConversationState, text: str) -> list[Reply] | None:
    """"报名 E04" / "那个心肺复苏的培训还能报不": the event meant, or candidates to choose from."""
    found = _matches(ctx, _event_words(text)) or _matches(ctx, text)
    facts = _facts_of_message(text)
    if len(found) == 1:
        conv.draft = facts
        return start_signup(ctx, msg, conv, found[0].id, text="")
    if found:
        return _offer(ctx, conv, found[:5], "您说的可能是", facts)
    return show_list(ctx, msg, conv, text, facts) if EVENT_NOUN.search(text) else None  # '有啥活动可以带孩子去的'


def _names_event_to_join(ctx: Context, text: str) -> bool:
    """A sign-up said outright: a sign-up word or a party, and words that name one listed event."""
    if not ((SIGNUP.search(text) or extract_party_size(text)) and EVENT_NOUN.search(text)):
        return False
    if CANCEL_REG.search(text) and not party.others_not_going(text):
        return False
    return len(_matches(ctx, _event_words(text))[:2]) == 1


def _for_another_capability(ctx: Context, msg: Incoming) -> bool:
    """The intent model is sure the words are a problem story or a question for another capability
    ("客户退了两批货 咋搞" is no cancellation): the event phrases below are cues, not commands."""
    pred = ctx.intent(msg)
    return pred.intent in OTHER_CAPABILITIES and not pred.unsure


def route(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """Start points: list, sign-up, party change, cancel, "我的报名", subscribe, a question about an event."""
    text = (msg.text or "").strip()
    if msg.kind != "text" or not text or conv.flow:
        return None
    if MY_REGS.match(text):
        return my_regs(ctx, msg)
    if (added := _added_to_registration(ctx, msg, conv, text)) is not None:
        return added
    if (renamed := _registrant_renamed(ctx, msg, conv, text)) is not None:
        return renamed
    if _names_event_to_join(ctx, text):  # '家长课堂 我们一家三口都去': no problem story, whatever the intent model says
        return signup_request(ctx, msg, conv, text)
    if (named := _named_by_cues(ctx, msg, conv, text)) is not None:
        return named
    if (joined := _party_for_last_event(ctx, msg, conv, text)) is not None:
        return joined
    if (joined := _contact_for_last_event(ctx, msg, conv, text)) is not None:
        return joined
    if _for_another_capability(ctx, msg):
        return None
    if (asked := party_or_cancel(ctx, msg, conv, text)) is not None:
        return asked
    if CANCEL_REG.search(text) and not (SIGNUP.search(text) and party.others_not_going(text)):
        return cancel_request(ctx, msg, conv, text)  # not '近视讲座报名 就我自己 孩子上学去不了'
    if UNSUBSCRIBE.search(text) and NOTICE_TOPIC.search(text):  # '取消活动订阅', '活动通知别再推了'
        removed = unsubscribe(ctx.session, appid=ctx.appid, openid=msg.openid)
        return [Reply("好的，已取消全部活动通知订阅。" if removed else "您没有订阅活动通知。")]
    if SUBSCRIBE.search(text):
        return subscribe_request(ctx, msg, text)
    said = extract_party_size(text) or extract_companions(text)  # '防溺水讲座 我带两个孙子去'
    if (SIGNUP.search(text) or said) and (EVENT_NOUN.search(text) or REFER.search(text)):
        return signup_request(ctx, msg, conv, text)
    if SIGNUP.search(text) and (last := _last_event(ctx, conv)) is not None:  # '那给我报一个'
        return start_signup(ctx, msg, conv, last.id, text=text)
    if LIST_WORDS.search(text):
        return show_list(ctx, msg, conv, text)
    return event_question(ctx, msg, conv, text)


def _added_to_registration(ctx: Context, msg: Incoming, conv: ConversationState, text: str) -> list[Reply] | None:
    """'刚才报的那个家长课堂，孩子他爸也想一起去，能加上吗': someone joins an event the user is already signed up
    for, so the registration's party changes (with confirmation) rather than a new sign-up starting."""
    if not (party.ADD.search(text) or party.ALSO.search(text)) or NOT_GOING.search(text) or FULL_CANCEL.search(text):
        return None
    if SWITCH.search(text):  # '我报的那个讲座能换成周六那场吗' changes the event, not who comes
        return None
    ids = [v.event_id for v in _active(ctx, msg)]
    if not ids or not (EVENT_NOUN.search(text) or REFER.search(text)) or not _matches(ctx, _event_words(text), ids):
        return None
    return party_or_cancel(ctx, msg, conv, text)


ALONE_GOING = re.compile(r"报|去|参加|来")  # '就我自己去', '只报我一个': one going, not '就我一个人在家'


def _party_for_last_event(ctx: Context, msg: Incoming, conv: ConversationState, text: str) -> list[Reply] | None:
    """Right after an event was shown, a party said ('我们公司去三个人 我 质量部的 方振…', '去现场 我和我们老板
    两个人') joins it, whatever else the words could be."""
    last = _last_event(ctx, conv, within=JUST_NOW)
    said = stated_party_size(text) or extract_companions(text) or (extract_party_size(text) or 1) > 1
    said = said or bool(party.ALONE.search(text) and ALONE_GOING.search(text))  # '这回只报我一个'
    if last is None or not said or CANCEL_REG.search(text) or last.id in [v.event_id for v in _active(ctx, msg)]:
        return None
    return start_signup(ctx, msg, conv, last.id, text=text)


def _contact_for_last_event(ctx: Context, msg: Incoming, conv: ConversationState, text: str) -> list[Reply] | None:
    """Right after one event was shown, a message that only says who the user is ('我是桃园村的 叫雷振华', 'Name 顾晨,
    tel 138…', a bare '蒋惠') is the answer to its sign-up, not a demand or small talk."""
    last = _last_event(ctx, conv, within=JUST_NOW)
    if last is None or not _only_contact(text) or last.id in [v.event_id for v in _active(ctx, msg)] or _chat(ctx, msg):
        return None
    return start_signup(ctx, msg, conv, last.id, text=text)


def _everyday_opening(text: str) -> bool:
    """'谢谢', '明天见', '再见啦': the words open with an everyday word, so they are no bare name ('陈平安' is one)."""
    bounds = word_bounds(text)
    first = text[:bounds[1]] if len(bounds) > 1 else text
    return len(first) >= 2 and common_word(first)


JUST_LOOKING = re.compile(r"看看|看一下|问问|想问|了解|考虑|再说|等下|回头")  # '我叫王芳 先看看': not signing up yet


def _only_contact(text: str) -> bool:
    """A name or a phone, with no problem, request, question or 'just looking' beside it ('谢谢' is no name)."""
    bare = _bare_name(text, {})
    if not (extract_phone(text) or extract_person_name(text) or (bare and not _everyday_opening(bare))):
        return False
    return not (triage.SEEK.search(text) or triage.PROBLEM.search(text) or QUESTION_WORDS.search(text)
                or CANCEL_REG.search(text) or JUST_LOOKING.search(text))


def _chat(ctx: Context, msg: Incoming) -> bool:
    """Small talk or a help request the intent layer is sure of ('你好', '功能'): it names no event, so the events
    are not loaded and matched for it."""
    pred = ctx.intent(msg)
    return pred.intent in CHAT and decisive(pred)


def _named_by_cues(ctx: Context, msg: Incoming, conv: ConversationState, text: str) -> list[Reply] | None:
    """An event named by its topic, date or place rather than its title ('防溺水 我带孙女孙子', '东津市民中心五月十二号
    那个学按压的', '检测平台开放日 能现场问…吧'): the sign-up starts, or what was asked is answered from the event.

    Two cues, or the topic with words about events, joining or a party, are needed (so '加计扣除怎么算' stays a
    policy question); a cancellation, or an event the user is already signed up for, is left to the rules below."""
    if CANCEL_REG.search(text) or FULL_CANCEL.search(text) or _chat(ctx, msg):
        return None
    event, cues = named_event(ctx.session, appid=ctx.appid, text=text, now=ctx.now)
    party_said = bool(extract_party_size(text) or extract_companions(text))
    joining = bool(SIGNUP.search(text) or party_said or GOING.search(text))
    venue = "venue" in cues and bool(SIGNUP.search(text))  # '石花村那个…我想报个名': the venue and a sign-up said
    if event is None or not ("title" in cues or len(cues) >= 2 or venue):
        return None
    about = EVENT_NOUN.search(text) or REFER.search(text) or ctx.intent(msg).intent.startswith("events")
    if not (joining or about) or event.id in [v.event_id for v in _active(ctx, msg)]:
        return None
    if not joining and not _in_period(event, list_filter(ctx.session, appid=ctx.appid, text=text, now=ctx.now).date_range):
        return show_list(ctx, msg, conv, text)  # '这个月有没有讲糖尿病的' (it is in May)
    if joining and not (QUESTION.search(text) and not SIGNUP.search(text) and not party_said):
        conv.draft = {}
        _merge(conv.draft, text)
        return start_signup(ctx, msg, conv, event.id, text="")
    _remember_event(ctx, conv, event.id, said=text)
    return [Reply(_about(ctx, event, text) + f"\n想报名请回复“报名 {event.id}”，同行的人也可以一起告诉我。")]


def _in_period(event: Event, span: tuple[datetime, datetime] | None) -> bool:
    """Whether the event starts in ``span`` (a list filter's date range; True when the text names no period)."""
    return span is None or span[0] <= event.start < span[1]


def _about(ctx: Context, event: Event, text: str) -> str:
    """A question about the event answered from its record (and, for its cost, from the knowledge base)."""
    answer = txt.event_answer_text(event, text)
    return f"{answer}\n{followups.cost_line(ctx, event)}" if followups.COST.search(text) else answer


def event_question(ctx: Context, msg: Incoming, conv: ConversationState, text: str) -> list[Reply] | None:
    """'加计扣除培训是几号', or '在哪里' right after talking about an event: answered from the event."""
    if not QUESTION.search(text):
        return None
    named = _matches(ctx, text) if EVENT_NOUN.search(text) else []
    flt = list_filter(ctx.session, appid=ctx.appid, text=text, now=ctx.now) if EVENT_NOUN.search(text) else None
    if flt is not None and not flt.empty and (len(named) != 1 or not _in_period(named[0], flt.date_range)):
        return show_list(ctx, msg, conv, text)  # '社区有啥健康讲座没', '这个月有没有讲糖尿病的' (in May)

    event = named[0] if named else (_last_event(ctx, conv) if len(text) <= 12 else None)
    if event is None:
        return None
    _remember_event(ctx, conv, event.id, said=text)
    signed = event.id in [v.event_id for v in _active(ctx, msg)]
    return [Reply(_about(ctx, event, text) + ("" if signed else f"\n想报名请回复“报名 {event.id}”。"))]


# --- party changes and cancellations of a registration ------------------------------------------


def has_active(ctx: Context, msg: Incoming) -> bool:
    """Whether the user holds or waits for a seat at any event (something '算了 不去了' could cancel)."""
    return bool(_active(ctx, msg))


def _active(ctx: Context, msg: Incoming) -> list[Any]:
    """The user's registrations that hold or wait for a seat."""
    views = my_registrations(ctx.session, appid=ctx.appid, openid=msg.openid, now=ctx.now)
    return [v for v in views if v.status in ("confirmed", "waitlisted")]


def _which(ctx: Context, conv: ConversationState, views: list[Any], text: str) -> Any | None:
    """The registration the text is about: named, the event just talked about, or the only one."""
    named = _matches(ctx, text, [v.event_id for v in views]) if EVENT_NOUN.search(text) else []
    last = conv.data.get("last_event", {}).get("id")
    for event_id in [e.id for e in named[:1]] + [last]:
        hit = next((v for v in views if v.event_id == event_id), None)
        if hit is not None:
            return hit
    return views[0] if len(views) == 1 else None


def new_party(view: Any, text: str, relations: dict[str, str] | None = None) -> tuple[int, list[str]] | None:
    """The party a message asks for ('老伴不去了', '就我一个人去', '再加一个人', '带我同事小陈和小刘'), or None."""
    now = Party(view.party_size, tuple(view.companions), dict(relations or {}))
    if (edited := edit_party(now, text)) is not None:
        return edited.size, list(edited.companions)
    names, size = extract_companions(text), extract_party_size(text)
    if names or (size and size > 1 and re.search(r"(带|和|跟|加上)", text)):  # a new party said outright
        return max(size or 1, 1 + len(names)), names
    return None


def _asks_for_others(ctx: Context, text: str, booked: list[str]) -> bool:
    """Whether the message asks which events there are ('最近有什么讲座', '有没有讲养生的') without naming one booked."""
    asks = ASKS_FOR_EVENTS.search(text) or LIST_WORDS.search(text)
    return bool(asks) and not THAT_ONE.search(text) and not _matches(ctx, _event_words(text), booked)


def _drops_someone(text: str) -> bool:
    """'帮我把他退了': a cancel word about a companion, not the whole sign-up."""
    m = party.DROP.search(text)
    return bool(m and not re.fullmatch(r"我|我们|俺|咱|报名|我的报名", m.group("who")))


def party_or_cancel(ctx: Context, msg: Incoming, conv: ConversationState, text: str) -> list[Reply] | None:
    """A change to a registration: who comes along, or a cancellation; always confirmed before it happens."""
    changes = (NOT_GOING.search(text) or FULL_CANCEL.search(text) or party.ADD.search(text) or party.ALSO.search(text)
               or re.search(r"带|加上", text) or party.ALONE.search(text) or party.RESTATED.search(text)
               or party.SET_SIZE.search(text) or party.LESS.search(text) or _drops_someone(text)
               or party.says_correction(text))  # '我老婆名字打错了 是万晓红'
    if not changes and not extract_companions(text):
        return None
    views = _active(ctx, msg)
    if views and _asks_for_others(ctx, text, [v.event_id for v in views]):
        return None  # '这个月有什么讲座没得 我想带我老伴去听听': the list, not a change to what is booked
    view = _which(ctx, conv, views, text) if views else None
    relations = conv.data.get("relations", {}).get(view.event_id, {}) if view is not None else {}
    named = [c for c in view.companions if relations.get(c) != c] if view is not None else []  # not '老伴' alone
    if view is None or (not changes and view.party_size - 1 <= len(named)):
        return None  # a name alone ('老伴叫冯德明') only names someone counted but not yet named
    whole = FULL_CANCEL.search(text) and not _drops_someone(text)  # '把他退了' drops one companion
    whole = whole and not (view.party_size > 1 and party.self_still_goes(text))  # '都不去了 我一个人去听'
    asked = None if whole else new_party(view, text, relations)
    if asked is None and not (FULL_CANCEL.search(text) or NOT_GOING.search(text)):
        return None
    if asked is None and len(views) > 1 and not (EVENT_NOUN.search(text) and _matches(ctx, text)):
        return None  # several registrations and none named: the numbered question asks which
    if asked is None:
        question = txt.cancel_ask(view)
        conv.flow, conv.step, conv.draft = FLOW, "cancel_confirm", {"event_id": view.event_id, "ask": question}
        return [Reply(question)]
    size, companions = asked
    event = _event(ctx, view.event_id)
    if event is not None and size > event.max_companions + 1:
        return [Reply(txt.party_change_over_limit_text(event, size, view.party_size))]
    question = txt.party_change_ask(view.title, view.name, size, companions)
    conv.flow, conv.step = FLOW, "party_confirm"
    conv.draft = {"event_id": view.event_id, "party_size": size, "companions": companions, "ask": question,
                  "title": view.title, "name": view.name, "limit": event.max_companions + 1 if event else size}
    return [Reply(question)]


OWN_NAME = re.compile(r"(?:我|俺|本人)(?:自己)?的?(?:名字|姓名)|报名人")  # '我自己名字打错了'


def _registrant_renamed(ctx: Context, msg: Incoming, conv: ConversationState, text: str) -> list[Reply] | None:
    """'不好意思 我自己名字打错了 是骆婷': the registrant's own name corrected after signing up (asked before it
    changes); a message about a companion ('我老婆名字打错了') is left to the party change."""
    if not party.says_correction(text):
        return None
    views = _active(ctx, msg)
    view = _which(ctx, conv, views, text) if views else None
    own = bool(OWN_NAME.search(text))
    if view is None or (not own and any(c in text for c in view.companions)):
        return None
    right = party.corrected_name(view.name, text, whose_said=own)
    if right is None or right in view.companions:
        return None
    question = txt.rename_ask(view.title, view.name, right)
    conv.flow, conv.step, conv.draft = FLOW, "rename_confirm", {"event_id": view.event_id, "name": right, "ask": question}
    return [Reply(question)]


def _renamed(ctx: Context, msg: Incoming, conv: ConversationState, asked: dict[str, Any]) -> list[Reply]:
    """Carry out the registrant-name correction ``asked`` once confirmed (the remembered contact follows it)."""
    conv.clear_flow()
    result = signup.rename(ctx.session, appid=ctx.appid, event_id=str(asked["event_id"]), openid=msg.openid,
                           name=str(asked["name"]), now=ctx.now)
    if result.ok and result.registration is not None:
        remember_contact(ctx.session, appid=ctx.appid, openid=msg.openid, name=result.registration.name, phone=None,
                         company=None, role="resident")
    return [Reply(txt.renamed_reply(result))]


def _party_refined(conv: ConversationState, said: str) -> list[Reply] | None:
    """Before the party change is confirmed, names for the people in it ('小陈叫陈思远', '他俩叫陈思远、刘佳') or
    another change refine it: the question is asked again with them."""
    d = conv.draft
    now = Party(int(d["party_size"]), tuple(d.get("companions") or ()))
    names = extract_companions(said) + party.standalone_names(said)
    new = edit_party(now, said) or (fill_party(now, said) if names else None)
    if new is None or (new.size, new.companions) == (now.size, now.companions) or new.size > int(d.get("limit") or 0):
        return None
    question = txt.party_change_ask(str(d.get("title") or ""), str(d.get("name") or ""), new.size, new.companions)
    d.update(party_size=new.size, companions=list(new.companions), ask=question)
    return [Reply(question)]


def _cancel_instead(ctx: Context, msg: Incoming, conv: ConversationState, said: str) -> list[Reply] | None:
    """'算了 他不去我一个人也懒得跑 都不去了 给我们撤了吧' while a party change is asked: the whole registration is
    to go instead (asked before it happens)."""
    if not FULL_CANCEL.search(said) or _drops_someone(said) or party.self_still_goes(said):
        return None
    view = next((v for v in _active(ctx, msg) if v.event_id == conv.draft.get("event_id")), None)
    if view is None:
        return None
    question = txt.cancel_ask(view)
    conv.step, conv.draft = "cancel_confirm", {"event_id": view.event_id, "ask": question}
    return [Reply(question)]


def confirm_change(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """'确认' carries out the asked cancellation or party change; '谢谢'/'你好' get their short reply and the
    question again (politeness decides nothing); anything else keeps the registration."""
    d, step = conv.draft, conv.step
    said = msg.text.strip()
    yes = (is_affirmative(said) and not is_negative(said)) or bool(YES.search(said) and not KEEP.search(said))
    yes = yes or bool(REST_SAME.search(said))
    polite = None if yes or is_negative(said) else interject.small_talk(ctx, msg, conv, said)
    if polite is not None and d.get("ask"):
        return [*polite.replies, Reply(str(d["ask"]))]
    if not yes and step == "party_confirm" and (instead := _cancel_instead(ctx, msg, conv, said)):
        return instead
    if not yes and step == "party_confirm" and d.get("title") and (refined := _party_refined(conv, said)):
        return refined
    if not yes:
        conv.clear_flow()
        return [Reply("好的，报名保持不变。")] if len(msg.text) <= 12 else None
    if step == "cancel_confirm":
        return do_cancel(ctx, msg, conv, d["event_id"])
    if step == "rename_confirm":
        return _renamed(ctx, msg, conv, d)
    conv.clear_flow()
    result = signup.change_party(ctx.session, appid=ctx.appid, event_id=d["event_id"], openid=msg.openid,
                                 party_size=int(d["party_size"]), companions=tuple(d["companions"]), now=ctx.now)
    return [Reply(txt.party_changed_reply(result))]


def continue_flow(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """Continue the events flow; top-level commands (我的报名, 取消报名, a new list) still work inside it."""
    text = (msg.text or "").strip()
    if msg.kind != "text" or not text:
        return None
    leaving = CANCEL_REG.search(text) and conv.step in ("pick", "cancel_pick")
    if MY_REGS.match(text) or leaving or LIST_WORDS.search(text):
        conv.clear_flow()
        return route(ctx, msg, conv)
    steps = {"pick": pick, "cancel_pick": cancel_pick, "cancel_confirm": confirm_change, "party_confirm": confirm_change,
             "rename_confirm": confirm_change}
    return steps.get(conv.step or "", continue_signup)(ctx, msg, conv)


def register(router: Router) -> None:
    """Register the events route and its flow handler."""
    router.add("events", route)
    router.add_flow(FLOW, continue_flow)
