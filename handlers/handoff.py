"""Bot mode while a person handles the user (转人工): the bot steps back instead of answering in their place.

While the user's hand-off request is open, what they write is added to the request and the bot says a
liaison is on it — unless they clearly ask something else (a command of another capability, a request to
register something, or a question the knowledge base answers confidently): then the bot answers as usual.
"结束人工" ends the request; after a liaison closes it, a one-tap "满意 / 一般 / 不满意" is recorded.
"""

from __future__ import annotations

import re

from bot.domain import handoff
from bot.texts import handoff as txt
from handlers.kit import triage
from handlers.kit.base import Context, ConversationState, Incoming, Reply, Router

END = re.compile(r"^\s*(结束人工|结束人工服务|取消人工|取消转人工|不用人工了|不需要人工了)[。！!]*\s*$")


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
    if _asks_for_a_person(text):
        return [Reply(txt.WAITING_TEXT)]
    if _asks_something_else(ctx, text):
        return None
    kept = handoff.add_followup(ctx.session, appid=msg.appid, openid=msg.openid, text=text, now=ctx.now)
    return [Reply(txt.FOLLOWUP_TEXT if kept and kept.followups > 1 else txt.WAITING_TEXT)]


def register(router: Router) -> None:
    """Register the hand-off bot mode (before free-text capabilities take the message)."""
    router.add("handoff-rating", handle_rating)
    router.add("handoff", handle)
