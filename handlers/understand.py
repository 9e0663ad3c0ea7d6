"""The intent route: every text message nobody answered by an exact rule gets an intent with a confidence
(``ctx.intent``) and goes to the capability it names — small talk, help, hand-off, follow-ups, the forms,
policy Q&A, events, records and privacy. Below the confidence threshold, or when two capabilities are
close, the bot asks "您是想：1 … 2 …？"; the number (or the words) answers, and the chosen capability
continues with the *original* message, so the user never retypes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from bot.domain import unanswered
from bot.domain.achievements import add_topics
from handlers import (
    account,
    achievement,
    demand,
    events,
    followups,
    handoff,
    matches,
    menu,
    policy,
    smalltalk,
    subscriptions,
)
from handlers.kit import forms, interject, triage
from handlers.kit.base import Context, ConversationState, Incoming, Reply, Router
from handlers.kit.intents import CHAT, SHORT, SMALL_TALK, decisive, group
from knowledge import qtype
from knowledge.extract import alert_topics, is_cancel
from knowledge.inputs import NOT_CHINESE_TEXT, input_problem
from knowledge.intents import Prediction
from knowledge.vocab import INDUSTRIES

CLARIFY = "clarify"
NEED_DOUBT = 0.1  # a policy question the model also gives this much "demand" is double-checked against the rules
CARRIED = (("company|institution", "单位"), ("contact_name", "联系人"), ("contact_phone", "电话"))
Action = Callable[[Context, Incoming, ConversationState], "list[Reply] | None"]
LABELS: dict[str, tuple[str, str]] = {  # intent → (option text, words that pick it)
    "demand": ("登记技术需求", r"需求|难题|问题库|技术|企业"),
    "achievement": ("登记科研成果", r"成果|项目库|专利"),
    "policy": ("问政策", r"政策|问|咨询|补贴|申报"),
    "events_browse": ("看科普活动", r"活动|讲座|培训"),
    "events_signup": ("报名活动", r"报名|报个"),
    "events_cancel": ("取消报名", r"取消|退"),
    "events_mine": ("查看我的报名", r"我的报名"),
    "my_records": ("查看我的需求和成果", r"我的需求|进度|审核"),
    "match_reply": ("查看匹配结果", r"匹配"),
    "privacy_view": ("查看我的信息", r"我的信息|资料"),
    "privacy_delete": ("删除我的信息", r"删"),
    "subscription": ("订阅通知", r"订阅|通知|提醒"),
    "handoff": ("转人工", r"人工|真人|联络员"),
    "followup": ("接着刚才的话题", r"刚才|接着"),
}
DEFAULT_OPTIONS = ("demand", "achievement", "policy", "events_browse")
STRAY = {  # a command with nothing open: "确认" after a finished flow is an acknowledgement, a number is not understood
    "ack": [Reply("好的。还有什么需要，随时告诉我。")],
    "choice": [Reply(menu.NOT_UNDERSTOOD + menu.CAPABILITIES)],
}
NUMBER = re.compile(r"^\s*(?:第|选)?\s*([1-9]|[一二三四五六七八九])\s*(?:个|项|号)?\s*[。.!！]?\s*$")
CN_DIGITS = "一二三四五六七八九"
LONE_CHAT = re.compile(r"[^\u3400-\u9fff]|[好嗯恩哦噢行对是啊呀哈嘿喂在谢滚赞牛棒]")  # emoji, '好', '嗯'
TOO_LONG_PREFIX = "太长了"
SEARCHED = frozenset({"policy", "followup", "out_of_scope"})  # answered from the knowledge base: Chinese only
OUT_OF_SCOPE = ("这个问题不在我能帮忙的范围内。我是科协的科创助手，主要负责：技术需求对接、科研成果登记、科技政策咨询、"
                "科普活动报名。需要的话回复“帮助”看看，或回复“转人工”。")


# --- the capabilities ---------------------------------------------------------------------------

def _carry(ctx: Context, conv: ConversationState, form: forms.Form, replies: list[Reply]) -> list[Reply]:
    """Fill the new form with facts carried over from the form the user just left (institution, contact)."""
    carried = conv.data.pop("carry", None) or {}
    values = forms.values_of(conv)
    names = {f.name for f in form.fields}
    changed = False
    for key, value in list(carried.items()):
        if key in names and value not in (None, "", []) and values.get(key) in (None, "", []):
            values[key], changed = value, True
        elif key not in names:
            carried.pop(key)
    if not changed:
        return replies
    kept = "、".join(label for key, label in CARRIED if any(k in carried for k in key.split("|")))
    return forms.next_step(form, conv, f"{form.opener}\n已沿用您刚才说的{kept}。")


def start_demand(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply]:
    """Open the demand form with the message as the first description (a self-introduction is remembered);
    a result a research unit offers opens the achievement form instead."""
    if triage.looks_like_achievement(msg.text) and not triage.wants_demand(msg.text):
        return start_achievement(ctx, msg, conv)
    replies = demand.route(ctx, msg, conv) or demand.start_after_intro(ctx, msg, conv, msg.text)
    return _carry(ctx, conv, demand.FORM, replies) if conv.flow == demand.FLOW else replies


def start_achievement(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply]:
    """Open the achievement form with the message as the first description; a need the rules read, with no
    result offered ('有两个专利，想拿专利去银行质押贷款'), opens the demand form instead."""
    if triage.asks_help(msg.text):
        return start_demand(ctx, msg, conv)
    return _carry(ctx, conv, achievement.FORM, achievement.route(ctx, msg, conv) or achievement.start(ctx, conv, msg.text))


def ask_policy(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """A policy question — unless the model also sees a need and the rules read a problem description:
    then ask which one is meant (a description must never end in a policy passage)."""
    runner_up = dict(ctx.intent(msg).ranked).get("demand", 0.0)
    if runner_up >= NEED_DOUBT and triage.looks_like_need(msg.text):
        return clarify(ctx, msg, conv, ("demand", "policy"))
    return policy.handle_question(ctx, msg, conv)


def browse_events(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """Events: the rule route for its phrasings, else the list filtered by what the message names."""
    return events.route(ctx, msg, conv) or events.show_list(ctx, msg, conv, msg.text)


def sign_up(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """A sign-up request in the user's words."""
    return events.signup_request(ctx, msg, conv, msg.text) or events.show_list(ctx, msg, conv, "")


def subscribe(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply]:
    """Event announcements, or alerts about new demands in a field ("汽车零部件的需求都推给我")."""
    if events.EVENT_NOUN.search(msg.text) or "活动" in msg.text:
        return events.subscribe_request(ctx, msg, msg.text)
    topics = _topics_to_subscribe(msg.text)
    if not topics and triage.is_question(msg.text):  # '我订了哪些': what is subscribed, not a new topic
        return subscriptions.my_topics(ctx, msg)
    if not topics:
        return [Reply("想收到哪个领域的企业需求提醒？例如“汽车零部件的需求推给我”。科研人员也可以回复“登记成果”，登记时一并设置。")]
    add_topics(ctx.session, appid=ctx.appid, openid=msg.openid, topics=topics, now=ctx.now)
    subscriptions.subscribed(ctx, conv)
    kind = "领域" if all(t in INDUSTRIES for t in topics) else "方面"
    return [Reply(f"已订阅“{'、'.join(topics)}”{kind}的企业需求提醒，有新需求发布时会通知您（夜间不打扰）。")]


def _topics_to_subscribe(text: str) -> list[str]:
    """The topics of a subscribe request in the user's words ('我订一下 半导体封装 和 电子信息', '农机方面的需求发给我'),
    else the catalogue industry the message names."""
    listed = "" if triage.is_question(text) else re.sub(r"(的)?(需求|企业需求).*$", "", text)  # not '订阅要钱不'
    said = alert_topics(text) or (achievement.parse_alerts(listed) or {}).get("topics") or []
    industry = triage.industry_named(text)
    return [t for t in said if not t.startswith("-")] or ([industry] if industry else [])


def match_reply(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """"D12这个我有兴趣" / "A07不合适 已有方案" in any order; without an id, the user's matches."""
    found = followups.RECORD_ID.search(msg.text)
    if found is None:
        return matches.handle_mine(ctx, replace(msg, text="我的匹配"), conv)
    negative = re.search(r"不合适|不适合|没兴趣|不感兴趣|不要|对不上", msg.text)
    reason = re.sub(rf"{found.group(1)}|不合适|不适合|没兴趣|不感兴趣|这个|那个", "", msg.text).strip(" ，,。")
    words = f"不合适 {found.group(1)} {reason}".strip() if negative else f"感兴趣 {found.group(1)}"
    return matches.handle_answer(ctx, replace(msg, text=words), conv)


def privacy_view(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply]:
    """What is stored, or how personal data is used."""
    if re.search(r"隐私|保护|怎么用|干啥|谁能看|给别人|安全", msg.text):
        return [Reply(account.PRIVACY_TEXT)]
    return account.my_info(ctx, msg)


def follow_up(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """A follow-up in context; a question about the last answer goes to the policy Q&A with that context."""
    if policy.MORE.match(msg.text) and followups.recent(ctx, conv).get("kind") not in followups.RECORD_KINDS:
        return policy.handle_more(ctx, msg, conv)
    replies = followups.resolve(ctx, msg, conv)
    if replies is not None:
        return replies
    return policy.handle_question(ctx, msg, conv, follows=True)


ASKS_SOMETHING = re.compile(r"帮我|给我|帮忙|麻烦|请|推荐|写|订|查|算|翻译|教我|告诉我|怎么|咋|如何|哪|想|要|了解|买|办|不会")
REMARK = re.compile(r"(?:啊|呀|哈|啦|哇|嘛|噢|哦|~|～|！|!)\s*$|无聊|聊聊|聊天|开心|高兴|好累|好困|天气(?:真|好|不错)")
CHIT_CHAT = ("😊 闲聊我不太在行。" + smalltalk.OFFER)


def out_of_scope(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply]:
    """Outside what the association's assistant does: say so kindly, no retrieval; the question goes on the
    console's 未答问题 list like any declined one. A remark that asks nothing ('今天天气真好啊', '好无聊啊 陪我聊聊')
    gets a friendly line instead, and is no unanswered question."""
    if REMARK.search(msg.text) and not triage.is_question(msg.text) and not ASKS_SOMETHING.search(msg.text):
        return [Reply(CHIT_CHAT)]
    unanswered.record(ctx.session, appid=msg.appid, openid=msg.openid, question=msg.text, answered=False,
                      confidence=0.0, now=ctx.now)
    return [Reply(OUT_OF_SCOPE)]


def _chat(intent: str) -> Action:
    """The small-talk reply for one intent."""
    return lambda ctx, msg, conv: smalltalk.reply(intent, ctx, conv)


ACTIONS: dict[str, Action] = {
    **{intent: _chat(intent) for intent in SMALL_TALK},
    "help": lambda ctx, msg, conv: [Reply(menu.help_reply(msg.text))],
    "handoff": handoff.open_handoff,
    "demand": start_demand,
    "achievement": start_achievement,
    "policy": ask_policy,
    "events_browse": browse_events,
    "events_signup": sign_up,
    "events_cancel": lambda ctx, msg, conv: events.cancel_request(ctx, msg, conv, msg.text),
    "events_mine": lambda ctx, msg, conv: events.my_regs(ctx, msg),
    "subscription": subscribe,
    "match_reply": match_reply,
    "my_records": followups.latest_records,
    "privacy_view": privacy_view,
    "privacy_delete": lambda ctx, msg, conv: account.ask_delete(conv),
    "followup": follow_up,
    "out_of_scope": out_of_scope,
}


def run(intent: str, ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """Hand the message to the capability of ``intent``."""
    action = ACTIONS.get(intent)
    return action(ctx, msg, conv) if action else None


# --- asking when unsure -------------------------------------------------------------------------

def options_for(pred: Prediction) -> tuple[str, ...]:
    """Up to four capabilities to offer: the model's candidates first, then the usual ones."""
    ranked = [i for i, _ in pred.ranked if i in LABELS]
    chosen: list[str] = []
    for intent in [*ranked, *DEFAULT_OPTIONS]:
        if group(intent) not in {group(c) for c in chosen}:
            chosen.append(intent)
    return tuple(chosen[:4])


def clarify(ctx: Context, msg: Incoming, conv: ConversationState, options: tuple[str, ...]) -> list[Reply]:
    """Ask which capability is meant, remembering the original message."""
    conv.flow, conv.step, conv.draft = CLARIFY, "pick", {"text": msg.text, "options": list(options)}
    listed = " ".join(f"{i} {LABELS[o][0]}" for i, o in enumerate(options, start=1))
    return [Reply(f"您是想：{listed}？\n回复序号就行，不用重新输入。")]


def _picked(text: str, options: list[str]) -> str | None:
    """The option a reply chooses: its number, or words naming it."""
    number = NUMBER.match(text)
    if number:
        raw = number.group(1)
        index = int(raw) if raw.isdigit() else CN_DIGITS.index(raw) + 1
        return options[index - 1] if 1 <= index <= len(options) else None
    named = [o for o in options if len(text) <= 12 and re.search(LABELS[o][1], text)]
    return named[0] if len(named) == 1 else None


def answer_clarify(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """The reply to "您是想…": continue the chosen capability with the original message."""
    draft = dict(conv.draft)
    conv.clear_flow()
    text, original = (msg.text or "").strip(), str(draft.get("text") or "")
    choice = _picked(text, list(draft.get("options") or []))
    if choice is not None:
        return run(choice, ctx, replace(msg, text=original), conv) or [Reply(menu.NOT_UNDERSTOOD + menu.CAPABILITIES)]
    both = replace(msg, text=f"{original}，{text}")  # the user went on explaining: read both messages together
    pred = ctx.intent(both)
    if decisive(pred) and pred.intent not in CHAT and pred.stage != "rule":
        return run(pred.intent, ctx, both, conv)
    return None  # the user moved on: handle the new message as usual


def rule_says(text: str, pred: Prediction) -> str | None:
    """A capability the message rules recognise among the model's candidates (the tie-breaker when unsure)."""
    candidates = {i for i, _ in pred.ranked}
    if "achievement" in candidates and triage.looks_like_achievement(text):
        return "achievement"
    if "demand" in candidates and (triage.wants_demand(text) or triage.looks_like_need(text)):
        return "demand"
    if "demand" in candidates and triage.is_intro(text):  # "我们是襄阳一家做车灯的企业": the demand route asks the need
        return "demand"
    return None


def unsure(ctx: Context, msg: Incoming, conv: ConversationState, pred: Prediction) -> list[Reply] | None:
    """Short chit-chat is answered as the best guess; a form the rules recognise is opened; else ask."""
    chatty = pred.intent in CHAT and (len(msg.text) <= SHORT or all(i in CHAT for i, _ in pred.ranked[:2]))
    if chatty:
        return run(pred.intent, ctx, msg, conv)
    if (ruled := rule_says(msg.text, pred)) is not None:
        return run(ruled, ctx, msg, conv)
    if _policy_close(pred) and triage.is_policy_question(msg.text):
        return ask_policy(ctx, msg, conv)  # '院士站考核不合格是不是就撤牌子了': answered or honestly declined, not "您是想"
    if policy.seeks_service(msg.text):  # '请问哪里能测婴儿服装的甲醛': the documents answer, else it is offered as a demand
        return policy.handle_question(ctx, msg, conv)
    return clarify(ctx, msg, conv, options_for(pred))


# --- the route ----------------------------------------------------------------------------------

def route(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """Act on the message's intent (rules answered exact commands before this route)."""
    text = (msg.text or "").strip()
    if msg.kind != "text" or not text or conv.flow:
        return None
    if (meant := interject.clarification(text)) is not None:  # "？？我问的是铸件缩松 不是问农业"
        return reread(ctx, msg, conv, meant[0])
    pred = ctx.intent(msg)
    if pred.stage == "rule":  # exact commands belong to their rule handlers; out of context they are small talk
        return list(STRAY[pred.intent]) if pred.intent in STRAY else None
    if _just_cancel(text) and not _cancels_something(ctx, msg, pred):
        return [Reply("好的，没关系。需要时随时找我。")]  # "算了，先不登了" with nothing open: no question about it
    if (declined := _declined(ctx, msg, conv, pred)) is not None:  # '成果就不登记了 年纪大了': not that form
        return declined
    if demand.awaits_need(ctx, conv, text):  # the problem the bot just asked for, after a self-introduction
        return None
    if triage.BARE_REGISTER.match(text):  # '登记' alone: a demand or a research result? ask, never guess
        return clarify(ctx, msg, conv, ("demand", "achievement"))
    if (problem := unreadable(text, pred)) is not None:  # English, a lone character, a wall of text
        return [Reply(problem)]
    if _policy_in_reach(text, pred) and (answer := policy.handle_question(
            ctx, msg, conv, only_answered=not _only_a_question(text, pred))):
        return answer  # answered, or honestly declined when nothing else was said
    if _asks_on(ctx, conv, text, pred) and (answer := policy.handle_question(ctx, msg, conv, only_answered=True)):
        return answer  # '那个人能申请吗' right after a policy answer: asked in its context, not "您是想…"
    if not decisive(pred):
        return unsure(ctx, msg, conv, pred)
    return run(pred.intent, ctx, msg, conv)


def _declined(ctx: Context, msg: Incoming, conv: ConversationState, pred: Prediction) -> list[Reply] | None:
    """A form the message declines is never opened ('成果就不登记了 年纪大了', '不是来提需求的'): alert topics said
    with it subscribe, else the reply says so and offers the alerts; None when no form meant is declined."""
    declined = triage.declined_forms(msg.text)
    meant = pred.intent if decisive(pred) or pred.intent in declined else rule_says(msg.text, pred)
    if meant not in declined:  # an unsure guess at a form the message declines is no question to ask back
        return None
    if alert_topics(msg.text) and (alerts := subscriptions.add_request(ctx, msg, conv, msg.text)) is not None:
        return alerts
    if meant == "achievement":
        subscriptions.offered(ctx, conv, msg.text)  # the directions named next subscribe
    return [Reply(f"好的，{interject.DECLINED_REPLY[str(meant)]}")]


OWN_RECORDS = frozenset({"handoff", "privacy_view", "privacy_delete", "my_records", "events_mine", "events_cancel",
                         "match_reply", "subscription"})  # commands about the user's own things: never a follow-up


def _asks_on(ctx: Context, conv: ConversationState, text: str, pred: Prediction) -> bool:
    """A question continuing the policy answer just given, not a command, an event or a form request."""
    if pred.intent in OWN_RECORDS or events.EVENT_NOUN.search(text):
        return False
    if triage.looks_like_need(text) or triage.is_intro(text):  # '我们厂焊缝老开裂，有没有办法': a problem, not a follow-up
        return False
    if pred.intent in CHAT and not _typed_question(text, pred):
        return False
    return not (triage.wants_demand(text) or triage.wants_achievement(text)) and policy.continues_answer(ctx, conv, text)


def _typed_question(text: str, pred: Prediction) -> bool:
    """Words small talk shares ('有啥好处' read as praise) that ask for a fact of some type: not about the bot."""
    kind = qtype.classify(text)
    return pred.intent not in ("identity", "greeting", "help", "goodbye") and triage.is_question(text) \
        and kind is not None and kind.name != "yesno"


def _just_cancel(text: str) -> bool:
    """'算了，先不登了' and nothing more: not '算了 太复杂了 有没有人能帮我弄', which asks for something."""
    return is_cancel(text) and len(text) <= 30 and not any(triage.is_question(c) for c in triage.PIECES.split(text))


def _cancels_something(ctx: Context, msg: Incoming, pred: Prediction) -> bool:
    """A never-mind that is really a request: deleting one's data, a person, or cancelling a sign-up one holds."""
    if pred.intent == "events_cancel":
        return events.has_active(ctx, msg)
    return pred.intent in ("privacy_delete", "handoff")


FORM_INTENTS = frozenset({"demand", "achievement"})


def _policy_in_reach(text: str, pred: Prediction) -> bool:
    """A question the knowledge base should try before anything else acts on it; the knowledge base decides
    (its decline model declines the rest):
    - judged out of scope, or unsure, with policy among the two best guesses ('襄科贷的利率是多少');
    - judged a form to fill, or unsure, yet a question about how something works rather than a problem or a
      result being offered ('成果转化一个项目最多补多少', '检测报告一般几天出'): a question must not open a
      form."""
    if not triage.is_question(text) or pred.intent in CHAT:
        return False
    if pred.intent == "handoff":  # '孵化器的事找哪个科室 打什么电话': the documents name the office and its phone
        return _asks_a_contact(text)
    if _policy_close(pred) and (pred.intent == "out_of_scope" or not decisive(pred)):
        return True
    if pred.intent == "out_of_scope" and qtype.names_a_topic(text) and _asks_a_detail(text):
        return True  # '合作银行有哪几家': which ones, of a thing a document may list
    events_near = any(intent.startswith("events") for intent, _ in pred.ranked[:2])  # '…那个讲座 是哪个医生讲'
    formish = pred.intent in FORM_INTENTS or not (decisive(pred) or events_near)
    if not formish or triage.looks_like_achievement(text) or triage.wants_demand(text) or triage.wants_achievement(text):
        return False
    return _asks_a_detail(text) or _only_a_question(text, pred)  # '检测报告一般几天出'; never '…全是小眼 咋搞'


PERSON_WORDS = re.compile(r"人工|真人|客服|联络员|工作人员|投诉|你们")  # a person of this service, not an office named in a policy


def _policy_close(pred: Prediction) -> bool:
    """Whether a policy question is among the model's two best guesses."""
    return "policy" in [intent for intent, _ in pred.ranked[:2]]


def _asks_a_contact(text: str) -> bool:
    """A question asking which office, phone or address handles a named matter, never for a person of this
    service ('人工客服电话多少', '你们办公室在哪' stay a hand-off)."""
    return bool(_asked_kinds(text) & {"person", "place"}) and not PERSON_WORDS.search(text) and qtype.names_a_topic(text)


# Asking who can do something ('有做无人机植保的团队吗', '谁能做智能温室控制系统') looks for a provider: a need.
_PROVIDER = re.compile(r"谁(?:能|会|可以|有|做)|有人|有没有|有冇|哪里有|哪有|哪家|有(?:做|搞|会)")


def _only_a_question(text: str, pred: Prediction) -> bool:
    """A question the model took for a form that tells no need, fault or search for a provider and asks a detail
    of how something is done ('我想找个人问一下 我们公司的专利能不能卖给别人 找谁办'): declined by the knowledge
    base, it gets that honest reply, not a form whose problem is '我想找个人问一下'."""
    if pred.intent not in FORM_INTENTS or triage.need_text(text) is not None or triage.wants_demand(text):
        return False
    if triage.PROBLEM.search(text) or _PROVIDER.search(text):
        return False
    kinds = _asked_kinds(text)
    return "procedure" not in kinds and bool(kinds & ASKED_DETAILS)  # '…死得多 么样搞' asks how to fix a fault


def _asked_kinds(text: str) -> set[str]:
    """The answer types the message's clauses ask, read in standard words ('么样搞' → 怎么样搞: a procedure)."""
    return {kind.name for clause in triage.PIECES.split(text) if (kind := qtype.classify(qtype.standard(clause)))}


def _asks_a_detail(text: str) -> bool:
    """A question about a detail of how something works, at most with a need as its background ('检测报告一般几天出',
    '想做个盐雾试验 得提前多久约', '合作银行有哪几家'): no fault is described, and the question asks when, where,
    how much, who or which ones."""
    asked = [clause for clause in triage.PIECES.split(text) if triage.is_question(clause)]
    kind = qtype.classify(asked[-1]) if asked else None
    return kind is not None and kind.name in ASKED_DETAILS and not triage.PROBLEM.search(text)


ASKED_DETAILS = qtype.DETAIL_KINDS | {"list"}


def reread(ctx: Context, msg: Incoming, conv: ConversationState, meant: str) -> list[Reply] | None:
    """A correction of what the user meant, after an answer that missed: read the last question again together
    with the meant words, and act on that (or ask) — never an apology for a complaint, never the same answer."""
    last = str(conv.data.get("last_question") or "")
    both = replace(msg, text=f"{last}，{meant}" if last and meant not in last else (last or meant))
    conv.data.pop("last_question", None)
    pred = ctx.intent(both)
    if pred.stage != "rule" and decisive(pred) and pred.intent != "complaint":  # "你们能干啥" is help; no apology
        return run(pred.intent, ctx, both, conv)
    if (ruled := rule_says(both.text, pred)) is not None:
        return run(ruled, ctx, both, conv)
    return clarify(ctx, both, conv, options_for(pred))


def unreadable(text: str, pred: Prediction) -> str | None:
    """The clear reply for words no capability can act on: one character that is no small talk, a long text
    the model can't place, or letters the knowledge base can't search. Small talk ('ok', '👍👍') is never
    refused, nor a capability the model is sure of in pinyin or English ('ding yue huo dong')."""
    problem = input_problem(text)
    if problem is None:
        return None
    if len(text) == 1:
        return None if LONE_CHAT.search(text) else problem
    if not decisive(pred):
        return problem
    if problem == NOT_CHINESE_TEXT or TOO_LONG_PREFIX in problem:  # a long demand is read; a long question is not
        return problem if pred.intent in SEARCHED else None
    return None if pred.intent in CHAT else problem


def note(ctx: Context, msg: Incoming, conv: ConversationState) -> None:
    """Remember the user's recent words (a hand-off carries them) and the event a sign-up is about."""
    if msg.kind == "text" and msg.text.strip():
        handoff.remember_said(conv, msg.text.strip())
    if conv.flow == events.FLOW and conv.draft.get("event_id"):
        followups.remember(ctx, conv, "event", str(conv.draft["event_id"]))


def register(router: Router) -> None:
    """Register the memory watcher, the intent route and the "您是想…" flow."""
    router.watch(note)
    router.add("intent", route)
    router.add_flow(CLARIFY, answer_clarify)
