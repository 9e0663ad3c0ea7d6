"""Policy Q&A: the last fallback for free text — a grounded answer with its source, or an honest decline.

"详细一点"/"还有呢" continue the same source. Within ten minutes of an answer, a question naming no topic ("科技人员呢")
is searched in the document of the previous question; one naming a topic is searched both afresh and in that
document, and the answer in the last topic wins unless the fresh one is clearly stronger ("研发费用占比要多少" right
after the 高企 conditions is item 3 there, not the 加计扣除 document). Hand-off to a person is ``handlers.handoff``.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from bot.domain import unanswered
from handlers import followups
from handlers.kit import triage
from handlers.kit.base import Context, ConversationState, Incoming, Reply, Router
from knowledge import qtype
from knowledge.qtype import names_a_topic

log = logging.getLogger(__name__)

MORE = re.compile(r"^\s*(详细一点|详细点|详细些|说详细点|展开说说|还有呢|还有吗|继续说|接着说)[。！!？?]*\s*$")
TAG_QUESTION = re.compile(  # '我们是搞批发的 也能享受吧', '能报不' (not '我再想想吧', '那算了吧')
    r"(?:能|可以|算|享受|报|申请|评|够|给|补|用)[^，,。！!？?]{0,6}(?:吧|不|没|冇|撒|唦)[？?。！!～~]*$")
FOLLOW_UP = timedelta(minutes=10)  # a follow-up continues the last answer's topic this long
SEEKS_SERVICE = re.compile(  # asks who or where can do a job for them ('哪里能测苯并芘', '有没有单位能做疲劳试验')
    r"(?:哪里|哪儿|在哪(?:里|儿)?|哪[家个](?:单位|机构|厂家)?|谁|有没有(?:人|单位|机构|专家|厂家|地方|哪家|谁)|"
    r"找(?:谁|哪个|哪家|什么人)|能不能帮(?:我们|我)?(?:找|联系|对接)(?:人|单位|机构)?)(?:能|可以|可|会|帮忙|帮我们?)?"
    r"(?=测|检|化验|做|加工|设计|修|维修|处理|鉴定|分析|试验|回收|定制|开发|研发|培训|租|代工|改造|标定|校准)")
PARTICLES = re.compile(r"[啊呀呢吗嘛么哦撒唦？?！!。～~\s]+$")
ASKING = re.compile(r"(?:我|我们)?(?:想|请|麻烦)?(?:问|打听|咨询)(?:一)?下?|请问")
POLICY_MATTER = re.compile(r"申报|申请|补贴|补助|奖励|政策|认定|办理|咨询|报名|资助|贴息|扣除|证书")
NEED_OFFER = ("如果您是想找能帮忙的单位或专家（检测、技术攻关、设备、人才等），我可以帮您把它登记成一条需求，"
              "由科创联络员帮您对接。回复“好”或“登记”就开始。")
UNAVAILABLE = "抱歉，政策问答暂时不可用，请稍后再试，或回复“转人工”由科创联络员为您解答。"


def handle_more(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """Show more of the source the last answer came from."""
    if not MORE.match(msg.text or ""):
        return None
    cursor = conv.data.get("qa_cursor")
    if not cursor:
        return [Reply("请先问一个政策问题，我再为您详细展开。")]
    kb = ctx.knowledge
    if kb is None:
        return [Reply(UNAVAILABLE)]
    answer = kb.more(cursor[0], int(cursor[1]))
    conv.data["qa_cursor"] = list(answer.cursor) if answer.cursor else None
    return [Reply(answer.answer)]


def _recent(ctx: Context, conv: ConversationState) -> str | None:
    """The question answered last, while its answer is the last thing said and within FOLLOW_UP (else None)."""
    last = conv.data.get("last_question")
    return str(last) if last and followups.recent(ctx, conv, FOLLOW_UP).get("kind") == "answer" else None


def _followed(text: str, recent: str | None, follows: bool) -> str | None:
    """The previous question when ``text`` plainly continues it (a short question naming no topic such as '什么时候申报',
    '科技人员呢', or whatever the intent layer judged a follow-up: ``follows``)."""
    if not recent or not (follows or (len(text) <= 20 and not names_a_topic(text))):
        return None  # '还有首席技术专家评选 年龄有限制冇' names its own topic: weighed against a fresh search
    return recent


def continues_answer(ctx: Context, conv: ConversationState, text: str) -> bool:
    """A question asked right after a policy answer ('我们营收三千万研发投了一百万 够不够', '个人能申请吗'): the
    knowledge base, with that answer's topic as context, should try it before another capability does."""
    asked = triage.is_question(text) or TAG_QUESTION.search(text) or qtype.classify(text) is not None
    return bool(asked) and _recent(ctx, conv) is not None


def handle_question(ctx: Context, msg: Incoming, conv: ConversationState, *,
                    only_answered: bool = False, follows: bool = False) -> list[Reply] | None:
    """Answer free text from the knowledge base (home city unless another city is named); ``only_answered``:
    None instead of a decline (the caller has another reply for that); ``follows``: the text continues the last
    question (judged by the intent layer), which then picks the document."""
    text = (msg.text or "").strip()
    if not text:
        return None
    kb = ctx.knowledge
    if kb is None:
        return [Reply(UNAVAILABLE), *_offer_need(ctx, conv, text)]
    vector = ctx.intent(msg).vector  # computed while classifying (unsure, long or policy-like messages): reuse it
    query = vector.tolist() if vector is not None else None
    recent = _recent(ctx, conv)
    context = _followed(text, recent, follows)
    try:
        if context:
            answer = kb.ask_followup(text, context, home_city=ctx.settings.home_city, vector=query)
        elif recent:
            answer, won = kb.ask_in_context(text, recent, home_city=ctx.settings.home_city, vector=query)
            context = recent if won else None
        else:
            answer = kb.ask(text, home_city=ctx.settings.home_city, vector=query)
    except Exception:
        log.exception("policy answer failed (MsgId %s)", msg.msg_id or "-")
        return [Reply(UNAVAILABLE), *_offer_need(ctx, conv, text)]
    if only_answered and not answer.answered:
        return None
    unanswered.record(ctx.session, appid=msg.appid, openid=msg.openid, question=text, answered=answer.answered,
                      confidence=answer.confidence, now=ctx.now)
    conv.data["last_question"] = context or text  # a chain of follow-ups keeps its topic
    followups.remember(ctx, conv, "answer")
    conv.data["qa_cursor"] = list(answer.cursor) if answer.answered and answer.cursor else None
    return [Reply(answer.answer)] if answer.answered else [Reply(answer.answer), *_offer_need(ctx, conv, text)]


def _offer_need(ctx: Context, conv: ConversationState, text: str) -> list[Reply]:
    """A 'who/where can do X' question nobody answered is offered as a demand (good for the next message only)."""
    if not seeks_service(text):
        return []
    conv.data["offered_need"] = {"text": as_need(text), "turns": 0, "at": ctx.now.isoformat()}
    return [Reply(NEED_OFFER)]


def as_need(text: str) -> str:
    """The question as a need ('想问下哪里能测芝麻油里的苯并芘' → '需要检测芝麻油里的苯并芘')."""
    found = SEEKS_SERVICE.search(text)
    if found is None:
        return text
    head, rest = ASKING.sub("", text[:found.start()]), PARTICLES.sub("", text[found.end():])
    if rest.startswith("测") and not rest.startswith(("测试", "测量")):
        rest = "检" + rest  # '测X' asked of someone else is a test to book
    return f"{head}需要{rest}"


def seeks_service(text: str) -> bool:
    """A question asking who or where can do a job for them ('哪里能测芝麻油里的苯并芘'), not about a policy matter
    ('哪里可以申报'): when the documents have no answer, a liaison officer can find one as a demand."""
    return bool(SEEKS_SERVICE.search(text)) and not POLICY_MATTER.search(text)


def register(router: Router) -> None:
    """Register the policy handlers (the question handler is the last fallback for text)."""
    router.add("policy-more", handle_more)
    router.add("policy", handle_question)
    router.on_nothing(answer_instead)


def answer_instead(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """A question a capability found nothing for ('报名参加活动最多能带几个人' listed no event), answered from the
    knowledge base when it knows (else the capability's own 'nothing' reply stands)."""
    if not triage.is_question(msg.text or ""):
        return None
    return handle_question(ctx, msg, conv, only_answered=True)
