"""Policy Q&A: the last fallback for free text — a grounded answer with its source, or an honest decline.

"详细一点"/"还有呢" continue the same source (hand-off to a person is ``handlers.handoff``).
"""

from __future__ import annotations

import logging
import re

from bot.domain import unanswered
from handlers.kit.base import Context, ConversationState, Incoming, Reply, Router

log = logging.getLogger(__name__)

MORE = re.compile(r"^\s*(详细一点|详细点|详细些|说详细点|展开说说|还有呢|还有吗|继续说|接着说)[。！!？?]*\s*$")
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


def handle_question(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """Answer free text from the knowledge base (home city unless another city is named)."""
    text = (msg.text or "").strip()
    if not text:
        return None
    kb = ctx.knowledge
    if kb is None:
        return [Reply(UNAVAILABLE)]
    vector = ctx.intent(msg).vector  # computed while classifying (unsure, long or policy-like messages): reuse it
    try:
        if vector is None:
            answer = kb.ask(text, home_city=ctx.settings.home_city)
        else:
            answer = kb.ask(text, home_city=ctx.settings.home_city, vector=vector.tolist())
    except Exception:
        log.exception("policy answer failed (MsgId %s)", msg.msg_id or "-")
        return [Reply(UNAVAILABLE)]
    unanswered.record(ctx.session, appid=msg.appid, openid=msg.openid, question=text, answered=answer.answered,
                      confidence=answer.confidence, now=ctx.now)
    conv.data["last_question"] = text
    conv.data["recent"] = {"kind": "answer", "at": ctx.now.isoformat()}
    conv.data["qa_cursor"] = list(answer.cursor) if answer.answered and answer.cursor else None
    return [Reply(answer.answer)]


def register(router: Router) -> None:
    """Register the policy handlers (the question handler is the last fallback for text)."""
    router.add("policy-more", handle_more)
    router.add("policy", handle_question)
