"""Match replies in chat: "感兴趣 D12", "不合适 D12 太早期", "我的匹配"."""

from __future__ import annotations

import re

from bot.domain.demands import DEMAND_PENDING
from bot.domain.errors import DomainError
from bot.domain.matches.lifecycle import DECLINE_REASONS, my_matches, respond
from bot.domain.privacy import demand_rows
from bot.texts import matches as txt
from handlers.kit.base import Context, ConversationState, Incoming, Reply, Router

INTERESTED = ("感兴趣", "有兴趣", "有意向")
ANSWER = re.compile(rf"^\s*({'|'.join(INTERESTED)}|不合适|不感兴趣|没兴趣)\s*[:：,，]?\s*([DdAa]\d+)\s*(.*)$", re.S)
MINE = re.compile(r"^\s*(我的匹配|匹配结果|查看匹配)\s*$")


def handle_answer(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """Record 感兴趣 / 不合适 for a match the user is part of."""
    found = ANSWER.match(msg.text or "")
    if not found:
        return None
    word, other_id, reason = found.group(1), found.group(2).upper(), found.group(3).strip()
    interested = word in INTERESTED
    if not interested and not reason:
        return [Reply(txt.decline_reason_prompt(other_id, DECLINE_REASONS))]
    try:
        answer = respond(ctx.session, appid=ctx.appid, openid=msg.openid, other_id=other_id,
                         interested=interested, reason=reason, now=ctx.now)
    except DomainError as exc:
        return [Reply(txt.refusal_text(exc))]
    return [Reply(txt.answer_text(answer))]


def handle_mine(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """List the user's matches, best first, with their state."""
    if not MINE.match(msg.text or ""):
        return None
    views = my_matches(ctx.session, appid=ctx.appid, openid=msg.openid)
    pending = [] if views else [f"{i}「{title}」" for i, title, status in
                                demand_rows(ctx.session, appid=ctx.appid, openid=msg.openid) if status == DEMAND_PENDING]
    return [Reply(txt.pending_review_text(pending) if pending else txt.my_matches_text(views))]


def register(router: Router) -> None:
    """Register the match handlers."""
    router.add("match-answer", handle_answer)
    router.add("match-mine", handle_mine)
