"""Small talk: short, natural replies to greetings, thanks, acknowledgements, goodbyes, "你是机器人吗", praise,
complaints and laughs. Never a policy passage or a decline; the intent layer (``handlers.understand``)
decides that a message is small talk, this module only phrases the answer.
"""

from __future__ import annotations

from handlers.handoff import when_text
from handlers.kit.base import Context, ConversationState, Reply

OFFER = "我可以帮您：提技术需求、登记科研成果、问科技政策、查看和报名科普活动。直接说您的事就行，回复“帮助”看详细说明。"


def _greeting(ctx: Context, conv: ConversationState) -> str:
    """One line of hello and what the bot can do."""
    return f"您好！我是科创助手。{OFFER}"


def _thanks(ctx: Context, conv: ConversationState) -> str:
    """Short: you're welcome."""
    return "不客气！还有需要随时找我。"


def _ack(ctx: Context, conv: ConversationState) -> str:
    """Short: an acknowledgement after a finished flow is not a question."""
    return "好的。还有什么需要，随时告诉我。"


def _goodbye(ctx: Context, conv: ConversationState) -> str:
    """Short goodbye."""
    return "再见，祝您一切顺利！有事随时来找我。"


def _identity(ctx: Context, conv: ConversationState) -> str:
    """Who answers: the association's assistant, and how to reach a person."""
    return ("我是科协的科创助手，是自动回复的智能助手，不是真人。"
            f"需要找工作人员时回复“转人工”，科创联络员会亲自回复您（工作时间：{ctx.settings.handoff_hours}）。")


def _praise(ctx: Context, conv: ConversationState) -> str:
    """Short thanks for the compliment."""
    return "谢谢夸奖😊 有需要随时找我。"


def _complaint(ctx: Context, conv: ConversationState) -> str:
    """An apology and the hand-off offer."""
    return ("抱歉，没能帮上您😔 您可以换个说法再试试；也可以回复“转人工”，由科创联络员直接为您解答。\n"
            + when_text(ctx))


def _laugh(ctx: Context, conv: ConversationState) -> str:
    """Short."""
    return "😄 有什么需要随时说。"


REPLIES = {"greeting": _greeting, "thanks": _thanks, "ack": _ack, "goodbye": _goodbye, "identity": _identity,
           "praise": _praise, "complaint": _complaint, "laugh": _laugh}


def reply(intent: str, ctx: Context, conv: ConversationState) -> list[Reply] | None:
    """The small-talk reply for ``intent`` (None when it is not small talk)."""
    phrase = REPLIES.get(intent)
    return [Reply(phrase(ctx, conv))] if phrase else None
