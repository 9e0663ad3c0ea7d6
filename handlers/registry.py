"""The chat capabilities, in the order they are asked: the first handler that answers a message wins.

The list below *is* the order (a multi-turn flow's own handler is always asked first). Adding a capability =
one module with a ``register(router)`` function, its test, and one line here at the place it should apply.
"""

from __future__ import annotations

from collections.abc import Callable

from handlers import (
    account,
    achievement,
    demand,
    events,
    handoff,
    matches,
    menu,
    policy,
    subscriptions,
    understand,
)
from handlers.kit.base import Router

Registration = Callable[[Router], None]

REGISTRATIONS: tuple[Registration, ...] = (
    account.register_draft_notice,  # "your draft expired" — then the message is handled as usual
    menu.register,  # WeChat events, menu clicks, non-text messages, help words
    handoff.register,  # 人工 / 转人工 / 我要投诉; while a person handles the user the bot steps back; ratings
    account.register,  # 我的信息, 删除我的信息, 我的需求, 隐私
    matches.register,  # 感兴趣 / 不合适 D12, 我的匹配
    events.register,  # activities: list, sign up, cancel, 我的报名
    subscriptions.register,  # demand alerts: subscribe only, 以后X也提醒我, 不用再推X了, 我的订阅
    demand.register_offer,  # '好'/'登记' after a declined '哪里能测X' offered to file it as a demand
    understand.register,  # the intent of everything else: small talk, follow-ups, forms, questions; or "您是想…"
    demand.register,  # technology demands (问题库)
    achievement.register,  # research achievements (项目库)
    policy.register,  # policy Q&A, 详细一点 — the fallback for free text
    menu.register_fallback,  # "not understood" for anything left
)


def build_router(registrations: tuple[Registration, ...] = REGISTRATIONS) -> Router:
    """A router with every capability's handlers, in the order of ``registrations``.

    It is lean: these handlers block on nothing but the knowledge base and the matcher (reached through the
    context), so a turn that needs neither is answered in the request itself (``bot.chat.pipeline``)."""
    router = Router(lean=True)
    for register in registrations:
        register(router)
    return router
