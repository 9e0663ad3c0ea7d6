"""Menu, help and WeChat events: welcome on subscribe, menu clicks, non-text messages, template grants.

A menu CLICK is re-dispatched as the words it stands for (e.g. ``KC_DEMAND`` → "提需求"), so the
capability module that understands those words answers it; when nothing answers them, the click gets a
short explanation of what to type instead.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.domain import users
from bot.domain.users import Grant
from handlers.kit.base import Context, ConversationState, Incoming, Reply, Router

CAPABILITIES = (
    "我是科创助手，可以帮您：\n"
    "1. 提需求：企业遇到技术难题，说说情况，我帮您整理成需求并对接合适的科技成果（回复“提需求”）\n"
    "2. 登记成果：科研人员登记可转化的科技成果，有匹配需求时提醒您（回复“登记成果”）\n"
    "3. 问政策：人才项目、补贴申报、平台认定、办事流程等，直接输入问题即可\n"
    "4. 科普活动：查看并报名健康科普等活动（回复“活动”）\n"
    "5. 我的：查看或删除我的信息、需求和报名（回复“我的”）\n"
    "也可以点击下方菜单。随时回复“帮助”查看本说明。"
)
WELCOME = "感谢关注！" + CAPABILITIES
ASKS_FEE = re.compile(r"收费|收钱|要钱|花钱|给钱|交钱|掏钱|付费|费用|多少钱|几多钱|好多钱|免费吗|免费不|免不免费|是免费")  # not '免费的检测服务'

FREE = ("不收费：在科创助手提需求、登记成果、问政策、报名科普活动都是免费的。"
        "对接上以后，双方合作的费用由双方自己商定。")


def help_reply(text: str) -> str:
    """What the bot does; a question whether using it costs anything ('提需求要收费吗') is answered first."""
    return FREE if ASKS_FEE.search(text) else CAPABILITIES
NOT_UNDERSTOOD = "抱歉，我还没理解您的意思。"
NOT_HEARD = "抱歉，没听清您的语音。请再说一遍，或直接输入文字。"
RECEIVED = {
    "image": "收到您的图片。我暂时还看不懂图片，请用文字描述您的问题。",
    "location": "收到您的位置。如需查找附近的活动，请回复“活动”。",
    "link": "收到您分享的链接。我暂时还不能阅读链接内容，请用文字告诉我您想了解什么。",
    "video": "收到您的视频。我暂时还看不懂视频，请用文字描述您的问题。",
    "voice": NOT_HEARD,
}
HELP_WORDS = {"帮助", "菜单", "help", "?", "？", "功能", "你能做什么", "能做什么"}  # greetings: handlers.smalltalk

# CLICK key → (the words it stands for, what to say when no capability answers those words)
CLICKS: dict[str, tuple[str, str]] = {
    "KC_DEMAND": ("提需求", "请用几句话描述您遇到的技术难题，例如：“我们是一家汽车零部件企业，想解决铝合金压铸件气孔问题，"
                          "预算五十万左右。”联络员会帮您整理并对接合适的成果。"),
    "KC_ACHIEVEMENT": ("登记成果", "请介绍您的科技成果：名称、所属领域、成熟度（实验室/中试/已产业化）和所在单位，"
                                "联络员会帮您登记到项目库。"),
    "KC_POLICY": ("", "请直接输入您想了解的政策问题，例如：“高新技术企业认定需要什么条件？”"),
    "KC_EVENTS": ("科普活动", "回复“活动”查看近期的健康科普等活动。"),
    "KC_MINE": ("我的", "回复“我的信息”查看或删除您的信息、需求和报名。"),
    "KC_HELP": ("", CAPABILITIES),
}
SILENT_EVENTS = {"view", "scan", "templatesendjobfinish", "location", "subscribe_msg_sent_event",
                 "masssendjobfinish", "view_miniprogram"}
GRANT_EVENTS = ("subscribe_msg_popup_event", "subscribe_msg_change_event")


def register(router: Router) -> None:
    """Answer WeChat events, menu clicks, non-text messages and help words."""
    router.add("menu", handle)


def register_fallback(router: Router) -> None:
    """Catch text nobody understood (registered last)."""
    router.add("fallback", fallback)


def fallback(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """Last resort for text nobody understood: say so and list what the bot can do."""
    return [Reply(NOT_UNDERSTOOD + CAPABILITIES)] if msg.kind == "text" else None


def handle(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """Route one message: events and non-text kinds are ours; text only for help words."""
    if msg.kind == "event":
        return on_event(ctx, msg, conv)
    if msg.kind == "text":
        words = msg.text.strip().rstrip("!！。.~～").lower()
        return [Reply(CAPABILITIES)] if words in HELP_WORDS else None
    return [Reply(RECEIVED.get(msg.kind, "暂不支持这种消息。" + CAPABILITIES))]


def on_event(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply]:
    """Subscribe/unsubscribe, menu clicks, template grants; every other event is recorded silently."""
    event = msg.event or ""
    if event in ("subscribe", "unsubscribe"):
        users.set_subscribed(ctx.session, appid=msg.appid, openid=msg.openid, subscribed=event == "subscribe",
                             now=ctx.now)
        return [Reply(WELCOME)] if event == "subscribe" else []
    if event == "click":
        return on_click(ctx, msg, conv)
    if event in GRANT_EVENTS:
        users.record_grants(ctx.session, appid=msg.appid, openid=msg.openid,
                            grants=[Grant(t, status) for t, status in msg.grants], now=ctx.now)
    users.record_event(ctx.session, appid=msg.appid, openid=msg.openid, event=event, key=msg.event_key,
                       silent=event in SILENT_EVENTS, now=ctx.now)
    return []


def on_click(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply]:
    """Re-dispatch a menu key as the words it stands for; explain what to type when nothing answers them."""
    words, explanation = CLICKS.get(msg.event_key or "", ("", CAPABILITIES))
    if words and ctx.router is not None:
        as_text = replace(msg, kind="text", text=words, event=None, event_key=None)
        replies = ctx.router.dispatch(ctx, as_text, conv)
        if replies:
            return replies
    return [Reply(explanation)]

