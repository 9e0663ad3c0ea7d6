"""Demand alerts by chat (需求提醒订阅): subscribe without registering a result, add or drop topics, list them.

"我不登成果 就是想有相关需求的时候提醒我" opens a short form (topics, then consent; the unit and a contact are
kept when said, never asked);
"以后有热处理方面的需求也提醒我" adds a topic, "不用再推铸造的了" drops one, "我的订阅" lists them.
Topics are parsed into clean words by ``knowledge.extract.alert_topics``; storage is ``bot.domain.achievements``.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta
from typing import Any

from bot.domain.achievements import add_topics, drop_topics, list_topics
from bot.domain.events.subscriptions import subscriptions_of
from bot.domain.privacy import remember_contact
from handlers import followups
from handlers.account import give_consent, has_consented
from handlers.kit import forms, interject, triage
from handlers.kit.base import Context, ConversationState, Incoming, Reply, Router
from handlers.kit.fields import contact_name_field, contact_title_field, org_field, phone_field
from handlers.kit.intents import CHAT
from knowledge.extract import (
    alert_topics,
    apply_topic_changes,
    extract_all,
    extract_phone,
    is_affirmative,
    is_negative,
    is_person_name,
    parse_topics,
    topic_changes,
    without_alerts,
)
from knowledge.extract.edits import dropped_topics
from knowledge.keywords import names_a_thing
from knowledge.vocab import INDUSTRIES

FLOW = "subscription"
TELL = r"(?:提醒|推给|推送|通知|发给|发我|告诉|跟我说|说一声)"
ONLY_ALERTS = re.compile(rf"((不登|不用登|不登记|不发布).{{0,20}}{TELL}|只(想|要|是想).{{0,10}}(提醒|推送|通知)|"
                         r"[订定]阅.{0,24}(需求|推送|提醒)|需求(推送|提醒)|(想|希望|愿意)(多)?关注.{0,20}需求|"
                         rf"(相关|有).{{0,6}}需求.{{0,8}}(?:{TELL}我|说一声))")
ADD = re.compile(rf"(以后|今后|往后|再有|有).{{0,16}}(需求|项目|难题).{{0,6}}{TELL}|"
                 rf"有(企业|厂家|公司)(要|想|需要)?(做|搞|找|提).{{0,16}}{TELL}")  # '有企业要搞X的 能告诉我一声不'

DROP = re.compile(r"(?:不用|不要|别|不必|不想)(?:再)?(?:给我)?(?:推|提醒|通知|发|推送)(?:送)?(?:我)?(?P<what>.{1,14}?)"
                  r"(?:方面|相关|方向|领域)?的?(?:需求|项目)?(?:了|啦|吧)?[。！!]*$|"
                  r"(?P<what2>.{1,12}?)(?:方面|相关|方向|领域)?的?(?:需求|项目)?(?:不用|不要|别)(?:再)?(?:推|提醒|通知)了?")
MINE = re.compile(r"^(查看|看看)?我的(订阅|提醒|需求提醒|推送)(列表)?[吗呢？?。!！]*$|"
                  r"^我(都|还|现在)?订(阅)?了(些|哪些|什么|些什么|啥|哪几个)(东西|内容)?[吗呢？?。!！]*$")  # 我都订了些什么


_FOLLOW = re.compile(r"(?:想|希望|要|愿意)(?:多)?关注(?:一下|下)?(?P<what>[^，,。；;！!？?\s]{2,20}?)"
                     r"(?:方面|相关|领域|方向|行业|这块)?的?(?:企业|技术)?(?:需求|难题)")  # '想关注一下新材料方面的企业需求'
_SUBSCRIBE = re.compile(r"^(?:我想|我要|想)?订阅\s*(?P<what>.*?)\s*(?:方面|相关)?的?(?:需求|推送|提醒)?(?:推送|提醒)?$")


def _topics_said(text: str, _facts: dict[str, Any]) -> list[str] | None:
    """Topic changes in a message ('再加个粉末冶金', '表面处理不要了' as '-表面处理'), or '订阅 农机 需求'."""
    m = _SUBSCRIBE.search(text) or _FOLLOW.search(text)
    ops = topic_changes(text) + (parse_topics(m.group("what")) if m and m.group("what") else [])
    return list(dict.fromkeys(ops)) or None


def _submit(ctx: Context, msg: Incoming, values: dict[str, Any]) -> list[Reply]:
    """Store the topics and the contact; say what will be sent."""
    added = add_topics(ctx.session, appid=ctx.appid, openid=msg.openid, topics=list(values["interests"]), now=ctx.now)
    remember_contact(ctx.session, appid=ctx.appid, openid=msg.openid, name=values.get("contact_name"),
                     phone=values.get("contact_phone"), company=values.get("institution"), role="researcher",
                     title=values.get("contact_title"))
    shown = "、".join(added or values["interests"])
    return [Reply(f"已订阅需求提醒：{shown}。\n有相关的企业需求发布时会通知您；回复“我的订阅”查看，"
                  "“以后X方面的需求也提醒我”增加，“不用再推X了”取消。")]


def _submit_kept(ctx: Context, msg: Incoming, values: dict[str, Any]) -> list[Reply]:
    """Submit the form opened on the topics already subscribed: those taken out of it meanwhile ('无纺布不要 换成
    印染') are no longer alerted either."""
    gone = [t for t in list_topics(ctx.session, appid=ctx.appid, openid=msg.openid) if t not in values["interests"]]
    if gone:
        drop_topics(ctx.session, appid=ctx.appid, openid=msg.openid, topics=gone)
    return _submit(ctx, msg, values)


def _optional(f: forms.Field) -> forms.Field:
    """The same field, kept when said but never asked (alerts need only the topics)."""
    return dataclasses.replace(f, required=False, asked=False)


FIELDS = (
    _optional(org_field("institution", "所在单位", "", ("单位", "学校", "机构"), keys=("institution", "company"))),
    forms.Field("interests", "提醒方向", "想收到哪些方向的企业需求提醒？可以说领域或关键词，例如“铸造、热处理”。",
                extractor=_topics_said, parser=lambda t: parse_topics(t) or None, formatter="、".join,
                merge=apply_topic_changes,
                aliases=("提醒", "订阅", "方向")),
    _optional(contact_name_field()),
    contact_title_field(),
    _optional(phone_field()),
)
FORM = forms.Form(
    name=FLOW, noun="需求提醒订阅", fields=FIELDS, submit=_submit, edit_example="提醒方向改成 铸造、热处理",
    opener="好的，不登记成果也可以订阅需求提醒。", consent=has_consented, record_consent=give_consent,
)


def my_topics(ctx: Context, msg: Incoming) -> list[Reply]:
    """List the user's demand-alert topics (and event subscriptions, when there are any)."""
    topics = list_topics(ctx.session, appid=ctx.appid, openid=msg.openid)
    events = subscriptions_of(ctx.session, appid=ctx.appid, openid=msg.openid)
    told = f"\n活动通知：{'；'.join(events)}（回复“取消活动订阅”全部取消）。" if events else ""
    if not topics:
        return [Reply(f"您还没有订阅需求提醒。可以说“以后铸造方面的需求提醒我”。{told}")]
    return [Reply(f"您订阅的需求提醒：{'、'.join(topics)}。\n说“以后X方面的需求也提醒我”增加，“不用再推X了”取消。{told}")]


def add_request(ctx: Context, msg: Incoming, conv: ConversationState, text: str) -> list[Reply] | None:
    """'以后有热处理方面的需求也提醒我一下': add topics (a first-time user goes through the short form)."""
    topics = alert_topics(text)
    if not topics:
        return None
    if not has_consented(ctx, msg):
        return forms.start(FORM, ctx, conv, (text,), offered_unit(ctx, conv))
    added = add_topics(ctx.session, appid=ctx.appid, openid=msg.openid, topics=topics, now=ctx.now)
    if not added:
        return [Reply(f"{'、'.join(topics)}已经在您的需求提醒里了。")]
    return [Reply(f"好的，以后有{'、'.join(added)}方面的需求也会提醒您。回复“我的订阅”查看全部。")]


EDIT = re.compile(r"(再加|加上|加个|再订|不要了|去掉|删掉|换成|退订|退掉|只要|只留|只订|只保留|只关注)")


def edit_request(ctx: Context, msg: Incoming, text: str) -> list[Reply] | None:
    """'订阅的再加一个A，B不要了': add and drop topics of one who already has some (None for anyone else)."""
    had = list_topics(ctx.session, appid=ctx.appid, openid=msg.openid)
    ops = topic_changes(text)
    dropped = dropped_topics(had, ops)
    added = [t for t in apply_topic_changes(had, ops) if t not in had]
    if not had or not (added or dropped):
        return None
    if dropped:
        drop_topics(ctx.session, appid=ctx.appid, openid=msg.openid, topics=dropped)
    if added:
        add_topics(ctx.session, appid=ctx.appid, openid=msg.openid, topics=added, now=ctx.now)
    now = list_topics(ctx.session, appid=ctx.appid, openid=msg.openid)
    return [Reply(f"好的，已更新。您订阅的需求提醒：{'、'.join(now) or '（无）'}。")]


def drop_request(ctx: Context, msg: Incoming, text: str) -> list[Reply] | None:
    """'不用再推铸造的了': drop the named topics."""
    m = DROP.search(text)
    what = (m.group("what") or m.group("what2") or "") if m else ""
    topics = parse_topics(what)
    if not topics:
        return None
    removed = drop_topics(ctx.session, appid=ctx.appid, openid=msg.openid, topics=topics)
    if not removed:
        return [Reply(f"您的需求提醒里没有{'、'.join(topics)}。回复“我的订阅”查看。")]
    return [Reply(f"好的，不再推送{'、'.join(removed)}方面的需求。")]


ALSO = re.compile(r"还有|也要|也订|也想|也行|也可以|再加|再订")
JUST_NOW = timedelta(minutes=30)
ALSO_MAX = 20  # characters: '还有那个节能环保的也要' adds a topic; a longer message says something else


def subscribed(ctx: Context, conv: ConversationState) -> None:
    """Remember that the conversation just set demand alerts (a bare '还有X的也要' next adds X)."""
    followups.remember(ctx, conv, "subscription")


def also_request(ctx: Context, msg: Incoming, conv: ConversationState, text: str) -> list[Reply] | None:
    """'还有那个节能环保的也要' just after subscribing: add its topics (None when it is about something else)."""
    if not ALSO.search(text) or len(text) > ALSO_MAX or followups.recent(ctx, conv, JUST_NOW).get("kind") != "subscription":
        return None  # a longer message ('还有，我们是做电池的企业，想找高校合作') is about something else
    had = list_topics(ctx.session, appid=ctx.appid, openid=msg.openid)
    topics = [t for t in topic_changes(text) if not t.startswith("-")]
    if not had or not topics:
        return None
    added = add_topics(ctx.session, appid=ctx.appid, openid=msg.openid, topics=topics, now=ctx.now)
    now = list_topics(ctx.session, appid=ctx.appid, openid=msg.openid)
    return [Reply(f"好的，{'已加上' + '、'.join(added) if added else '已经订阅过了'}。您订阅的需求提醒：{'、'.join(now)}。")]


def route(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """我的订阅, add/drop topics, or the subscribe-only form."""
    text = (msg.text or "").strip()
    if not text or conv.flow:
        return None
    replies = _route(ctx, msg, conv, text)
    if replies is not None and conv.flow != FLOW:
        subscribed(ctx, conv)
    return replies


def _route(ctx: Context, msg: Incoming, conv: ConversationState, text: str) -> list[Reply] | None:
    """The subscription command the text is, if any."""
    if MINE.match(text):
        return my_topics(ctx, msg)
    if (kept := contact_request(ctx, msg, conv, text)) is not None:
        return kept
    if (answered := offer_answered(ctx, msg, conv, text)) is not None:
        return answered
    if DROP.search(text) and (dropped := drop_request(ctx, msg, text)) is not None:
        return dropped
    if offers_result(text):  # a result offered with the alerts: the achievement flow takes both
        return None
    if (also := also_request(ctx, msg, conv, text)) is not None:
        return also
    if EDIT.search(text) and (edited := edit_request(ctx, msg, text)) is not None:
        return edited
    if (ADD.search(text) or ONLY_ALERTS.search(text)) and alert_topics(text):  # topics named: add them
        return add_request(ctx, msg, conv, text)
    left = conv.data.get(interject.FOR_ALERTS)  # a result form just left for the alerts asked ('那先订我一个 …')
    if left and interject.ASKS_ALERTS.search(text):
        return forms.start(FORM, ctx, conv, (text,), offered_unit(ctx, conv))
    researcher = triage.RESEARCHER.search(text) or left
    if ONLY_ALERTS.search(text) or (SEE_NEEDS.search(text) and (triage.declined_forms(text) or researcher)):
        return forms.start(FORM, ctx, conv, (text,), offered_unit(ctx, conv))
    return None


SEE_NEEDS = re.compile(r"(?:想|要)(?:知道|看看|看下|瞧瞧|晓得)(?:一下)?.{0,4}(?:企业|厂家|公司|厂里).{0,8}需求")  # '就想看看企业有么需求'


CONTACT_OPENER = "好的，把联系方式记到您的需求提醒订阅里。"
CONTACT_KEY = "contact"  # the draft holds a contact given after subscribing: its name and phone are asked
CONTACT_FORM = dataclasses.replace(FORM, opener=CONTACT_OPENER, submit=_submit_kept, fields=tuple(
    dataclasses.replace(f, asked=True) if f.name in ("contact_name", "contact_phone") else f for f in FIELDS))


BARE_NAME = 3  # characters: a bare two-character word ('金融', '黄金') is too often no name; '我叫王芳' is cued


def _contact_said(ctx: Context, msg: Incoming, text: str) -> dict[str, Any] | None:
    """A contact and nothing else — a phone, a name ('联系人 邝家旺', '我叫孙晓梅', a bare '张秀英'), a unit: the values
    the message's own words do not fill (the bare name), or None for anything else: a topic, problem, request,
    question or small talk ('谢谢' reads like a name)."""
    if alert_topics(text) or topic_changes(text) or triage.SEEK.search(text) or triage.PROBLEM.search(text) \
            or triage.is_question(text):
        return None
    facts = extract_all(text)
    if extract_phone(text) or facts.get("contact_name") or facts.get("institution"):  # '单位是汉水大学…学院' too
        return {}
    bare = len(text) >= BARE_NAME and is_person_name(text) and not facts  # not '农业' (an industry), '金融'
    return {"contact_name": text.strip(" 。，,.!！")} if bare and ctx.intent(msg).intent not in CHAT else None


def contact_request(ctx: Context, msg: Incoming, conv: ConversationState, text: str) -> list[Reply] | None:
    """A contact sent just after subscribing by chat ('郝静 138…', or the name first: '联系人 邝家旺'): the
    subscription form opens on the topics already subscribed with that contact and asks for what is missing of
    it, so it is confirmed, consented to and kept (None otherwise)."""
    if followups.recent(ctx, conv, JUST_NOW).get("kind") != "subscription":
        return None
    said = _contact_said(ctx, msg, text)
    had = list_topics(ctx.session, appid=ctx.appid, openid=msg.openid) if said is not None else []
    if not had:
        return None
    replies = forms.start(CONTACT_FORM, ctx, conv, (text,), {"interests": had, **(said or {})})
    conv.draft[CONTACT_KEY] = True
    return replies


OFFERED = interject.ALERTS_OFFERED  # the reply just offered demand alerts ('告诉我关注哪些方向就行')
OFFER_TOPIC_MAX = 30  # characters: a longer message without an alert cue says something else


def offered(ctx: Context, conv: ConversationState, text: str) -> None:
    """Remember that the reply to ``text`` offered demand alerts (the directions named next subscribe, with the unit
    the text names: '我是汉水大学材料学院的 没有成果要登记')."""
    interject.offer_alerts(ctx, conv, str(extract_all(text).get("institution") or ""))


def offered_unit(ctx: Context, conv: ConversationState) -> dict[str, Any]:
    """The unit said just before the reply offered alerts ('我是汉水大学材料学院的 没有成果要登记'), as a known value;
    or the unit and contact carried over from the form the user just left for the alerts."""
    memo = followups.recent(ctx, conv, JUST_NOW)
    names = {f.name for f in FIELDS}
    carried = {k: v for k, v in (conv.data.get("carry") or {}).items() if k in names and v not in (None, "", [])}
    return {**carried, "institution": memo["id"]} if memo.get("kind") == OFFERED and memo.get("id") else carried


def _directions(text: str) -> list[str]:
    """The alert directions a message answering the offer names ('医药健康和电子信息两个方向', '有X方面的需求可以推给我');
    [] for a question, a request for a form, a problem, a refusal or a long message without an alert cue."""
    if triage.is_question(text) or triage.wants_demand(text) or triage.wants_achievement(text) \
            or triage.PROBLEM.search(text) or is_negative(text) or triage.is_form_cancel(text):
        return []
    if topics := alert_topics(text):
        return topics
    topics = parse_topics(text)
    named = any(t in INDUSTRIES for t in topics) or (len(text) <= OFFER_TOPIC_MAX and names_a_thing(text))
    return topics if named and not extract_all(text).get("contact_phone") else []


def offer_answered(ctx: Context, msg: Incoming, conv: ConversationState, text: str) -> list[Reply] | None:
    """Directions named right after the reply offered alerts ('告诉我关注哪些方向就行' → '医药健康和电子信息两个
    方向 我们在搞智能可穿戴监测'): the subscribe-only form opens on them (None for anything else)."""
    if followups.recent(ctx, conv, JUST_NOW).get("kind") != OFFERED:
        return None
    unit = offered_unit(ctx, conv)
    if topics := _directions(text):
        return forms.start(FORM, ctx, conv, (text,), {**unit, "interests": topics})
    said = _contact_said(ctx, msg, text)  # a contact first ('我叫钟丽华 手机139…'): kept, the directions asked
    return None if said is None else forms.start(FORM, ctx, conv, (text,), {**unit, **said})


NOT_REGISTERING = re.compile(r"不登|不用登|不想登|不登记|(?:没有?|暂无|暂时没有?|无)(?:什么|啥)?(?:科研|科技)?成果|"
                             r"不是来登|先不登|不是要?(?:来)?(?:发布|登记|挂)")


def offers_result(text: str) -> bool:
    """A research result is offered in the same message as the alert request ('…工艺想挂到项目库…另外热处理
    有需求的话推给我'), unless registering is declined ('我不登成果，就是想…')."""
    if NOT_REGISTERING.search(text):
        return False
    rest = without_alerts(text)
    return triage.wants_achievement(rest) or (bool(rest) and triage.looks_like_achievement(rest))


def _name_at_summary(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """A bare name sent at the summary of a subscription without a contact ('包晓玲'): it is the contact (the form
    never asks for one, so nothing else would take it); None otherwise."""
    values = forms.values_of(conv)
    if conv.step != forms.STAGE_CONFIRM or values.get("contact_name"):
        return None
    text = (msg.text or "").strip(" 。，,.!！")
    if len(text) < BARE_NAME or not is_person_name(text) or extract_all(text) or topic_changes(text) \
            or is_affirmative(text) or is_negative(text):
        return None  # the small-talk check of ``_contact_said`` is not needed: a summary awaits an answer
    values["contact_name"] = text
    return forms.next_step(CONTACT_FORM if conv.draft.get(CONTACT_KEY) else FORM, conv, "已修改。")


def continue_flow(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """Continue the subscribe-only form (the contact one when a contact opened it)."""
    if (named := _name_at_summary(ctx, msg, conv)) is not None:
        return named
    return forms.handle(CONTACT_FORM if conv.draft.get(CONTACT_KEY) else FORM, ctx, msg, conv)


def register(router: Router) -> None:
    """Register the subscription commands and the subscribe-only form."""
    router.add("subscriptions", route)
    router.add_flow(FLOW, continue_flow)
