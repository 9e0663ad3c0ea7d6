"""Match replies in chat: "感兴趣 D12", "不合适 D12 太早期", "我的匹配"."""

from __future__ import annotations

import re

from bot.domain.matches.lifecycle import my_matches, respond
from bot.domain.matches.review import DECLINE_REASONS, MatchFlowError
from handlers.kit.base import Context, ConversationState, Incoming, Reply, Router

ANSWER = re.compile(r"^\s*(感兴趣|有兴趣|有意向|不合适|不感兴趣|没兴趣)\s*[:：,，]?\s*([DdAa]\d+)\s*(.*)$", re.S)
MINE = re.compile(r"^\s*(我的匹配|匹配结果|查看匹配)\s*$")


def handle_answer(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """Record 感兴趣 / 不合适 for a match the user is part of."""
    found = ANSWER.match(msg.text or "")
    if not found:
        return None
    word, other_id, reason = found.groups()
    interested = word in ("感兴趣", "有兴趣", "有意向")
    if not interested and not reason.strip():
        return [Reply(f"请说一下原因，例如：不合适 {other_id.upper()} 阶段不符\n可选：{'、'.join(DECLINE_REASONS)}")]
    try:
        text = respond(ctx.services.db, appid=msg.appid, openid=msg.openid, other_id=other_id,
                       interested=interested, reason=reason.strip(), now=ctx.now)
    except MatchFlowError as exc:
        text = str(exc)
    return [Reply(text)]


def handle_mine(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """List the user's matches with their state."""
    if not MINE.match(msg.text or ""):
        return None
    views = my_matches(ctx.services.db, appid=msg.appid, openid=msg.openid)
    if not views:
        return [Reply("您暂时还没有匹配记录。发布需求或登记成果后，我们会为您推荐合适的对象。")]
    lines = [f"{i}. {v.achievement_id if v.my_side == 'demand' else v.demand_id}「{v.title}」：{v.label}"
             for i, v in enumerate(views[:10], start=1)]
    return [Reply("您的匹配：\n" + "\n".join(lines) + "\n回复“感兴趣 编号”或“不合适 编号 原因”。")]


def register(router: Router) -> None:
    """Register the match handlers."""
    router.add("match-answer", handle_answer, order=30)
    router.add("match-mine", handle_mine, order=31)
