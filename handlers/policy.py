"""Policy Q&A: the last fallback for free text — a grounded answer with its source, or an honest decline.

"详细一点"/"还有呢" continue the same source; an elliptical follow-up ("那研发费用要占多少", "科技人员呢") within ten
minutes of an answer is searched in the document of the previous question (hand-off to a person is ``handlers.handoff``).
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from bot.domain import unanswered
from handlers import followups
from handlers.kit import triage
from handlers.kit.base import Context, ConversationState, Incoming, Reply, Router
from knowledge.qtype import names_a_topic

log = logging.getLogger(__name__)

MORE = re.compile(r"^\s*(详细一点|详细点|详细些|说详细点|展开说说|还有呢|还有吗|继续说|接着说)[。！!？?]*\s*$")
ELLIPTICAL = re.compile(r"^(那|那么|那如果|那要是|还有|另外|再问下|再问一下|顺便问下)|呢[？?。]*$")
FOLLOW_UP = timedelta(minutes=10)  # a follow-up continues the last answer's topic this long
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


def _followed(ctx: Context, conv: ConversationState, text: str, follows: bool) -> str | None:
    """The previous question when ``text`` continues it ('那研发费用要占多少', '科技人员呢', a question naming no
    topic such as '什么时候申报', or whatever the intent layer judged a follow-up: ``follows``), within FOLLOW_UP."""
    last = conv.data.get("last_question")
    short = len(text) <= 20
    if not last or not (follows or (short and (ELLIPTICAL.search(text) or not names_a_topic(text)))):
        return None
    return str(last) if followups.recent(ctx, conv, FOLLOW_UP).get("kind") == "answer" else None


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
        return [Reply(UNAVAILABLE)]
    vector = ctx.intent(msg).vector  # computed while classifying (unsure, long or policy-like messages): reuse it
    query = vector.tolist() if vector is not None else None
    context = _followed(ctx, conv, text, follows)
    try:
        if context:
            answer = kb.ask_followup(text, context, home_city=ctx.settings.home_city, vector=query)
        else:
            answer = kb.ask(text, home_city=ctx.settings.home_city, vector=query)
    except Exception:
        log.exception("policy answer failed (MsgId %s)", msg.msg_id or "-")
        return [Reply(UNAVAILABLE)]
    if only_answered and not answer.answered:
        return None
    unanswered.record(ctx.session, appid=msg.appid, openid=msg.openid, question=text, answered=answer.answered,
                      confidence=answer.confidence, now=ctx.now)
    conv.data["last_question"] = context or text  # a chain of follow-ups keeps its topic
    followups.remember(ctx, conv, "answer")
    conv.data["qa_cursor"] = list(answer.cursor) if answer.answered and answer.cursor else None
    return [Reply(answer.answer)]


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
