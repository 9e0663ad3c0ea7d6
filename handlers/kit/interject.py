"""Mid-form asides and flow switches: the hook the form engine calls before it fills a field.

- A question for another capability ("等下，晨光计划是干啥的", "我报的活动在哪") with a confident intent is
  answered by the router on a side copy of the conversation (the form and its draft stay untouched) and the
  form re-asks its pending question.
- "不对，我是来登记成果的" inside the demand form (or the reverse) leaves the form for the other one and
  carries over the facts that fit both: the organisation, the contact person and the phone.
- "？？我问的是铸件缩松 不是问农业" corrects what the user *meant*: it is no question to answer. A field
  holding the rejected topic is forgotten, facts in the meant words are taken, and the form goes on.
- Asking for a person ("找个真人", "我要找人工") leaves the form: the hand-off parks it for "继续填".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from handlers.kit import memo, triage
from handlers.kit.base import Context, ConversationState, Incoming, Reply
from handlers.kit.intents import Prediction, classify, decisive
from knowledge.extract import alert_topics, extract_all, is_affirmative, org_renamed

ASIDES = frozenset({"policy", "help", "identity", "events_browse", "events_mine", "my_records", "privacy_view",
                    "followup", "match_reply", "out_of_scope", "subscription"})  # questions only: '我订了哪些'
FORMS = frozenset({"demand", "achievement"})
ALERTING = frozenset({"achievement", "subscription"})  # forms that take demand-alert topics themselves
SWITCH_CUE = re.compile(r"不对|不是|搞错|弄错|其实|我是来|我是要|我要|我想|应该是|还是|"
                        r"(?:换成|改成)(?=.{0,8}(?:需求|成果|问题|项目|登记|订阅|提醒|推送|报名|活动))")  # not '铸铁换成铝合金'

ORG_KEYS = ("company", "institution")
PERSON = re.compile(r"人工|真人|活人|客服|工作人员|联络员|投诉|领导|换个人|找个人|找人")  # a hand-off names a person
COLLOQUIAL_QUESTION = re.compile(r"干嘛|干吗|干啥|是啥|啥意思|咋|几点|在哪")
NOTHING = re.compile(r"没(?:啥|什么|有什么|其他|别的)(?:问题|事|要改|要补充|了)")  # "nothing to add", not a question
CONTACT_KEYS = ("contact_name", "contact_phone")
PLACE = ("region",)  # a place inside a question is its context ('博士来襄阳有啥补贴'), not the form's answer
POLITE = frozenset({"thanks", "praise", "laugh", "greeting"})  # small talk a form answers in passing
POLITE_MAX = 16
WORDED = re.compile(r"[\u4e00-\u9fff]")
_TOPIC = r"[^，,。！!？?\s]"
MEANT = re.compile(rf"(?:我|俺)?(?:问|想问|要问|咨询|指|想说|想了解)的(?:其实)?是\s*(?P<meant>{_TOPIC}{{2,30}})"
                   rf"|不是(?:问|想问|要问|咨询|说)(?:的)?{_TOPIC}{{1,20}}\s*[，,。 ]*(?:我)?是(?:问|想问|要问|说)(?P<after>{_TOPIC}{{2,30}})")
NOT_MEANT = re.compile(rf"不是(?:问|想问|要问|咨询|说)(?:的)?\s*(?P<rejected>{_TOPIC}{{1,20}}?)(?:的事|方面|的问题|这个)?(?:$|[\s，,。！!？?]|是)")


@dataclass(frozen=True)
class Interjection:
    """Replies for a message that is not an answer to the form; ``resume``: re-ask the pending question."""

    replies: list[Reply]
    resume: bool


def before_fill(form: str, ctx: Context, msg: Incoming, conv: ConversationState, text: str) -> Interjection | None:
    """An aside or a switch to another form, when the intent says so with confidence; else None (fill)."""
    if ctx.router is None:
        return None
    if form in FORMS and subscribes_instead(text):  # '就是想订阅 有纺织和环保方面的需求 发给我'
        return Interjection(switch(ctx, msg, conv), resume=False)
    if form == "achievement" and alerts_before_result(conv, text):  # '我是…的博士生' … '我们课题组想订阅企业需求'
        conv.data[FOR_ALERTS] = True  # the subscription route takes the request as it stands ('那先订我一个')
        try:
            return Interjection(switch(ctx, msg, conv), resume=False)
        finally:
            conv.data.pop(FOR_ALERTS, None)
    pred = ctx.intent(msg)
    if pred.stage == "rule":
        return None
    if form not in ALERTING and _turns_to_alerts(pred, text):  # '我不是企业 以后有…这类需求时通知我'
        return Interjection(switch(ctx, msg, conv), resume=False)
    if not decisive(pred):
        return None
    if pred.intent == "handoff" and PERSON.search(text) and not triage.has_form_facts(text):
        # the hand-off parks the form: what follows is for the liaison, not for it
        conv.park(ctx.now)
        return Interjection(ctx.router.dispatch(ctx, msg, conv), resume=False)
    if pred.intent in FORMS and pred.intent != form and _switches(text):
        return Interjection(switch(ctx, msg, conv), resume=False)
    if pred.intent == "subscription" and form in ALERTING and alert_topics(text):  # '有…的需求的话推给我': its alerts
        return None
    if pred.intent in ASIDES and asks(text) and not triage.has_form_facts(text, besides=PLACE) \
            and not triage.answers_itself(text):  # '襄阳有人才公寓吗'; not '算A还是B？就放A吧'
        return Interjection(aside(ctx, msg, conv), resume=True)
    return None


SUBSCRIBING = re.compile(r"订阅(?!的话)|订(?:个|一个|一下|点)(?:推送|提醒)")  # not "订阅的话 X": the alerts part of the form
BESIDES = re.compile(r"顺便|另外|此外|同时|(?:也|还|再)(?:想|要)?(?:订阅|订)")  # '顺便问一下…想订阅一下': alerts besides the form


SWITCH_OPENING = 16  # characters: a switch is said up front ('不对 我是来提需求的'), or the message is short
SWITCH_SHORT = 40


def _switches(text: str) -> bool:
    """A cue that the user meant another form, said as such: up front or in a short message ('…亚硝酸盐也控制得住，
    这个其实挺不容易的' ends a long description with no switch), and not one that corrects a value said with it
    ('我们是…检验所 哦不对 去年改名了 叫…研究院')."""
    m = SWITCH_CUE.search(text)
    return m is not None and (m.start() < SWITCH_OPENING or len(text) <= SWITCH_SHORT) \
        and not org_renamed(text)


def subscribes_instead(text: str) -> bool:
    """Inside a demand or result form, a subscription asked for outright with its directions ('想订个推送 有企业需求的话
    推给我 领域嘛 航空航天'): what the user came for is the alerts, not the form (alerts asked for besides it stay
    with it)."""
    return bool(SUBSCRIBING.search(text)) and not BESIDES.search(text) and bool(alert_topics(text)) \
        and not triage.wants_achievement(text) and not triage.wants_demand(text)


ASKS_ALERTS = re.compile(r"订阅|订(?:个|一个|一下|下|我一个)|(?:需求|企业)(?:的)?(?:推送|提醒)|"
                         r"(?:想|要)(?:看看|看下|知道|晓得|了解)(?:一下)?.{0,8}(?:企业|厂家|公司).{0,6}需求")
RESULT_NAMED = re.compile(r"成果|项目")
FOR_ALERTS = "for_alerts"  # set while a result form is left for the alerts it was asked for
RESULT_SAID = ("title", "maturity", "ip")  # a summary may be read from the introduction ('以前在轴承厂搞技术')


def alerts_before_result(conv: ConversationState, text: str) -> bool:
    """A result form opened on an introduction alone ('我是汉水大学汽车学院的博士生'), no result told yet and none
    asked for, when the user asks for demand alerts ('我们课题组想订阅企业需求', '想看看企业都有么事需求 主要跟焊接
    有关的'), not besides the result ('顺便订阅…'): the alerts are what they came for, not the form."""
    values = conv.draft.get("values") or {}
    if any(values.get(name) for name in RESULT_SAID) or not ASKS_ALERTS.search(text) or BESIDES.search(text) \
            or RESULT_NAMED.search(text):  # '成果：…信号灯相位推送系统' tells the result
        return False
    said = [s for s in conv.data.get("said", []) if isinstance(s, str)]
    return not any(triage.wants_achievement(s) for s in [*said, text]) and not triage.looks_like_achievement(text)


def _turns_to_alerts(pred: Prediction, text: str) -> bool:
    """A correction of what the user came for that asks for alerts on named topics: alerts are among the two
    best guesses of the intent model."""
    top = [intent for intent, _ in pred.ranked[:2]]
    return "subscription" in top and bool(SWITCH_CUE.search(text)) and bool(alert_topics(text))


def small_talk(ctx: Context, msg: Incoming, conv: ConversationState, text: str) -> Interjection | None:
    """'谢谢啦 辛苦' or '你好' in the middle of a form: the short reply, then the pending question again (it is
    never a value); None for anything else."""
    if ctx.router is None or len(text) > POLITE_MAX or triage.has_form_facts(text) or is_affirmative(text) \
            or not WORDED.search(text) or re.search(r"\d{3,}", text):  # '1380000' is a wrong phone, not '2333'
        return None
    pred = ctx.intent(msg)
    if pred.intent not in POLITE or not decisive(pred):
        return None
    return Interjection(aside(ctx, msg, conv), resume=True)


def clarification(text: str) -> tuple[str, str] | None:
    """What the user says they meant, and what not ("我问的是铸件缩松 不是问农业" → ("铸件缩松", "农业"));
    None for other messages and for a correction of a form value ("我说的是高新区 不是东津": filling handles it)."""
    found = MEANT.search(text)
    if found is None or triage.has_form_facts(text):
        return None
    meant = (found.group("meant") or found.group("after")).removesuffix("的事").removesuffix("的问题")
    rejected = NOT_MEANT.search(text)
    return meant, (rejected.group("rejected") if rejected else "")


def meant_question(ctx: Context, meant: str) -> bool:
    """Whether the meant words are themselves a question for the policy Q&A ("我问的是人才公寓怎么申请")."""
    pred = classify(ctx, meant)
    return pred.intent == "policy" and decisive(pred) and asks(meant)


def asks(text: str) -> bool:
    """A question, colloquial ones included ("晨光计划是干嘛的"); "没啥问题 提交" says there is none."""
    text = NOTHING.sub("", text)
    return triage.is_question(text) or bool(COLLOQUIAL_QUESTION.search(text))


def aside(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply]:
    """Answer through the router on a side state that shares the memory but not the form."""
    assert ctx.router is not None
    side = ConversationState(data=conv.data, updated_at=conv.updated_at)
    return ctx.router.dispatch(ctx, msg, side)


def carried_facts(values: dict[str, object], said: list[str]) -> dict[str, object]:
    """The facts that fit any form — the organisation (under both names) and the contact — from the draft,
    else from what the user said while filling it (a university is no "company" in the demand form)."""
    stated: dict[str, object] = {}
    for text in said:
        stated.update({k: v for k, v in extract_all(text).items() if k in (*ORG_KEYS, *CONTACT_KEYS) and v})
    merged = {**stated, **{k: v for k, v in values.items() if v}}
    org = next((merged[k] for k in ORG_KEYS if merged.get(k)), None)
    facts: dict[str, object] = {k: merged[k] for k in CONTACT_KEYS if merged.get(k)}
    return {**facts, **({k: org for k in ORG_KEYS} if org else {})}


def switch(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply]:
    """Leave this form for the one the message asks for, carrying the shared facts over."""
    assert ctx.router is not None
    said = [s for s in conv.data.get("said", []) if isinstance(s, str) and s != msg.text.strip()]
    carry = carried_facts(dict(conv.draft.get("values") or {}), said)
    conv.clear_flow()
    if carry:
        conv.data["carry"] = carry
    replies = ctx.router.dispatch(ctx, msg, conv)
    conv.data.pop("carry", None)
    return replies


ALERTS_OFFERED = "alerts_offered"  # the remembered topic after a reply offered demand alerts
DECLINED_REPLY = {
    "achievement": "成果不登记也没关系。想在有相关的企业需求时收到提醒的话，告诉我关注哪些方向就行，"
                   "例如“以后有铸造、热处理方面的企业需求推给我”。",
    "demand": "需求先不提也没关系。想咨询政策、看看科普活动或订阅需求提醒，直接告诉我就行。",
}


def offer_alerts(ctx: Context, conv: ConversationState, unit: str = "") -> None:
    """Remember that the reply offered demand alerts, with the unit said so far (kept when they are set)."""
    memo.remember(ctx, conv, ALERTS_OFFERED, unit)


def declined(form: str, noun: str, ctx: Context, msg: Incoming, conv: ConversationState, text: str) -> list[Reply] | None:
    """The open form declined ('成果就不登记了 年纪大了'): alert topics said with it leave for the alerts, else the
    form ends and the reply offers them; None when the message does not decline it (or opens by giving it up,
    which the form's own cancel handles)."""
    if form not in triage.declined_forms(text) or triage.stop_opens(text):
        return None
    if alert_topics(text):
        return switch(ctx, msg, conv)
    if triage.is_form_cancel(text):  # '…先不登了。能不能先订阅企业需求？': the form's cancel, then what follows
        return None
    unit = str((conv.draft.get("values") or {}).get("institution") or "")
    conv.clear_flow()
    if form == "achievement":  # the directions named next subscribe ('handlers.subscriptions.offer_answered')
        offer_alerts(ctx, conv, unit)
    return [Reply(f"好的，已取消，本次{noun}的内容没有保存。"), Reply(DECLINED_REPLY[form])]


def switch_if_named(ctx: Context, msg: Incoming, conv: ConversationState, form: str, command: str,
                    matter: tuple[str, ...]) -> list[Reply] | None:
    """A bare form name ('成果', '需求') switches to that form (as ``command``) only while none of the ``matter``
    fields is recorded: once the matter is told, '成果' answers a question ('属于哪类需求？' → 成果转化)."""
    values = conv.draft.get("values") or {}
    if triage.form_named(msg.text or "") != form or any(values.get(name) for name in matter):
        return None
    return switch(ctx, replace(msg, text=command), conv)
